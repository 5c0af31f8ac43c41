"""What the landmark smoother trades: lag against jitter, on real recordings, for a grid of One Euro settings.

    python bench/smoothing.py [--truth tests/data/ground_truth.json] [--media DIR] [--cache DIR]

The full model's raw landmarks per clip come from ``bench/angle_views.py``'s cache (``--cache``, the same default
folder under the system's temp dir): the first run fills it, which is most of its ~10 minutes.

There is no hand-marked truth for every frame, so each clip's own movement is the reference: its raw landmarks
filtered forwards and backwards by a 4th-order Butterworth low-pass at 6 Hz (zero lag; 6 Hz is the usual cut-off
for human movement kinematics, Winter, *Biomechanics and Motor Control of Human Movement*, 4th ed., 2009, ch. 2).
What a causal smoother cannot be is zero-lag, so every setting is scored by how far the joint angles it gives are
from the reference's, frame by frame: lag shows on moving frames, jitter on still ones. "raw" (no smoother) is the
baseline, measured in the same run. Only tune clips choose; held-out clips are printed beside them.

Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.angle_views import DEFAULT_CACHE, cached, raw_poses  # noqa: E402
from formcheck.app.evaluate import load  # noqa: E402
from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose  # noqa: E402
from formcheck.media.video import IMAGE_SUFFIXES  # noqa: E402
from formcheck.pose.angles import JOINT_ANGLES, image_angles  # noqa: E402
from formcheck.pose.smoothing import BETA, MIN_CUTOFF_HZ, PoseSmoother  # noqa: E402

LOG = logging.getLogger("smoothing")
REFERENCE_HZ = 6.0
EDGE_S = 0.5  # frames this close to either end of a tracked run are not scored (the reference's own edge effects)
MIN_RUN_S = 2.0  # runs shorter than this are not scored
MOVING_DEG_S = 30.0  # a frame is "moving" when the reference angle changes faster than this
MIN_CUTOFFS = (1.0, 1.5, 3.0, 5.0, 8.0)
BETAS = (0.0, 0.5, 2.0, 5.0, 10.0, 20.0, 50.0)
NAMES = tuple(j.name for j in JOINT_ANGLES)

Track = list[tuple[float, Pose | None]]


def butter2(fc: float, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """2nd-order Butterworth low-pass (bilinear transform, pre-warped): b, a."""
    k = math.tan(math.pi * fc / fs)
    norm = 1.0 / (1.0 + math.sqrt(2.0) * k + k * k)
    b0 = k * k * norm
    return np.array([b0, 2 * b0, b0]), np.array([1.0, 2 * (k * k - 1) * norm, (1 - math.sqrt(2.0) * k + k * k) * norm])


def _lfilter(b: np.ndarray, a: np.ndarray, x: np.ndarray) -> np.ndarray:
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = b[0] * x[i]
        if i >= 1:
            y[i] += b[1] * x[i - 1] - a[1] * y[i - 1]
        if i >= 2:
            y[i] += b[2] * x[i - 2] - a[2] * y[i - 2]
    return y


def zero_lag(x: np.ndarray, fs: float, fc: float = REFERENCE_HZ) -> np.ndarray:
    """Forward-backward 2nd-order Butterworth twice over (4th order, zero phase) along axis 0, edges padded by
    reflection so the ends start settled."""
    if fc >= fs / 2:
        return x.copy()
    b, a = butter2(fc, fs)
    pad = min(len(x) - 1, int(fs))
    padded = np.concatenate([2 * x[0] - x[pad:0:-1], x, 2 * x[-1] - x[-2 : -pad - 2 : -1]])
    y = _lfilter(b, a, _lfilter(b, a, padded)[::-1])[::-1]
    return y[pad : pad + len(x)]


def _runs(mask: np.ndarray) -> Iterable[tuple[int, int]]:
    i = 0
    while i < len(mask):
        if mask[i]:
            j = i
            while j < len(mask) and mask[j]:
                j += 1
            yield i, j
            i = j
        else:
            i += 1


def reference_xy(track: Track) -> np.ndarray:
    """(frames, 33, 2) zero-lag reference pixel positions, NaN where a landmark is not tracked in a long enough run
    (or is within EDGE_S of its run's ends)."""
    n = len(track)
    times = np.array([t for t, _ in track])
    fs = 1.0 / float(np.median(np.diff(times))) if n > 1 else 30.0
    xy = np.full((n, 33, 2), np.nan)
    seen = np.zeros((n, 33), dtype=bool)
    for i, (_, pose) in enumerate(track):
        if pose is not None:
            xy[i] = pose.xy
            seen[i] = pose.visibility >= DEFAULT_MIN_VISIBILITY
    out = np.full_like(xy, np.nan)
    edge = int(round(EDGE_S * fs))
    for k in range(33):
        for a, b in _runs(seen[:, k]):
            if (b - a) / fs < MIN_RUN_S:
                continue
            out[a + edge : b - edge, k] = zero_lag(xy[a:b, k], fs)[edge : b - a - edge]
    return out


def angle_series(poses: list[Pose | None]) -> np.ndarray:
    """(frames, len(NAMES)) picture joint angles, NaN where unmeasured."""
    rows = []
    for p in poses:
        a = image_angles(p) if p is not None else {}
        rows.append([a.get(n, math.nan) for n in NAMES])
    return np.array(rows, dtype=float)


def smoothed_poses(track: Track, smoother: PoseSmoother | None) -> list[Pose | None]:
    if smoother is None:
        return [p for _, p in track]
    return [smoother.update(p, t) for t, p in track]


def reference_angles(track: Track) -> np.ndarray:
    ref = reference_xy(track)
    poses: list[Pose | None] = []
    for i, (_, p) in enumerate(track):
        poses.append(None if p is None else replace(p, xy=ref[i], visibility=np.where(np.isfinite(ref[i, :, 0]), 1, 0)))
    return angle_series(poses)


def deviations(track: Track, ref: np.ndarray, smoother: PoseSmoother | None) -> tuple[np.ndarray, np.ndarray]:
    """|setting - reference| angle on still frames and on moving frames (degrees, flat arrays)."""
    got = angle_series(smoothed_poses(track, smoother))
    times = np.array([t for t, _ in track])
    speed = np.abs(np.gradient(ref, times, axis=0)) if len(times) > 2 else np.zeros_like(ref)
    err = np.abs(got - ref)
    ok = np.isfinite(err) & np.isfinite(speed)
    return err[ok & (speed < MOVING_DEG_S)], err[ok & (speed >= MOVING_DEG_S)]


def _fmt(still: list[np.ndarray], moving: list[np.ndarray]) -> str:
    s, m = np.concatenate(still), np.concatenate(moving)
    both = np.concatenate([s, m])
    return (
        f"all median {np.median(both):4.2f} p90 {np.percentile(both, 90):5.2f} | "
        f"still median {np.median(s):4.2f} p90 {np.percentile(s, 90):5.2f} | "
        f"moving median {np.median(m):4.2f} p90 {np.percentile(m, 90):5.2f}  (n {len(s)}/{len(m)})"
    )


def tracks_of(args: argparse.Namespace) -> dict[str, tuple[str, Track]]:
    """Each tune / held-out video's split and raw poses."""
    args.cache.mkdir(parents=True, exist_ok=True)
    videos = [c for c in load(args.truth) if Path(c.file).suffix not in IMAGE_SUFFIXES]
    clips = [c for c in videos if c.split in ("tune", "heldout")]
    return {c.file: (c.split, raw_poses(cached(c.file, args.media, args.cache))) for c in clips}


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, default=ROOT / "tests" / "data" / "ground_truth.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    tracks = tracks_of(args)
    refs = {name: reference_angles(track) for name, (_, track) in tracks.items()}
    LOG.info("shipped: min_cutoff %.1f Hz, beta %.1f per image diagonal a second", MIN_CUTOFF_HZ, BETA)
    settings: list[tuple[float, float] | None] = [None] + [(mc, b) for mc in MIN_CUTOFFS for b in BETAS]
    for setting in settings:
        label = "raw (no smoother)" if setting is None else f"min_cutoff {setting[0]:3.1f} beta {setting[1]:4.1f}"
        parts: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {"tune": ([], []), "heldout": ([], [])}
        for name, (split, track) in tracks.items():
            smoother = None if setting is None else PoseSmoother(min_cutoff=setting[0], beta=setting[1])
            still, moving = deviations(track, refs[name], smoother)
            parts[split][0].append(still)
            parts[split][1].append(moving)
        for split, (still_parts, moving_parts) in parts.items():
            LOG.info("%-26s %-8s %s", label, split, _fmt(still_parts, moving_parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
