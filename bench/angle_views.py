"""Picture (2-D) against 3-D angles: how each drifts with the camera's view, and how each does on hand-marked frames.

    python bench/angle_views.py [--truth tests/data/ground_truth.json] [--media DIR] [--cache DIR]
        [--splits tune,negative] [--sweep-only | --marks-only]

Runs the full model once per clip of the truth file and keeps the raw per-frame landmarks (image, visibility, world,
timestamps) in ``--cache`` (default a folder under the system's temp dir, never in the project); later runs read the
cache. Then, smoothing as the pipeline does:

1. yaw sweep (semi-synthetic views): the world landmarks of every third frame of the ``tune`` side-view videos, each
   turned about the vertical so that the pelvis is exactly side-on, then THETA degrees further (0 = side-on,
   90 = front or back) and projected orthographically; per angle, the median / p90 |2-D angle of the projection -
   3-D angle| (a turn about the vertical keeps every 3-D angle), and the THETA where the median passes 4 and 8 deg;
2. the 3-D angles against the picture's where the picture is trustworthy (frames of those clips within 20 deg of
   side-on): median |lifted - 2-D| and |model - 2-D| per angle;
3. hand-marked frames of ``--splits``: median error per kind of mark (``points`` = the picture's angle, ``deg`` = the
   body's), angle and formcheck's view on the frame, for the 2-D angle, the 3-D angle on lifted points, on the
   model's world landmarks, and the angle formcheck judges with.

Figures are measured, never asserted: this is not a test. Held-out clips belong in ``--splits`` only to report them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.landmarks import Landmark as L  # noqa: E402
from formcheck.landmarks import Pose  # noqa: E402
from formcheck.media.video import VideoSource  # noqa: E402
from formcheck.pose.angles import (  # noqa: E402
    compute_angles,
    image_angles,
    joint_angle,
    world_angles,
)
from formcheck.pose.estimator import PoseEstimator  # noqa: E402
from formcheck.pose.smoothing import PoseSmoother  # noqa: E402
from formcheck.pose.view import body_yaw, camera_view  # noqa: E402

SWEEP = (
    "hip",
    "knee",
    "ankle",
    "hip_flexion",
    "leg_elevation",
    "thigh_elevation",
    "shin_vs_vertical",
    "trunk_vs_vertical",
)
# raw model output per clip, also read by bench/smoothing.py
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "formcheck_angle_views"
THETAS = tuple(range(0, 95, 5))
SOURCES = ("2d", "3d lifted", "3d model", "chosen")


def cached(name: str, media: Path, cache: Path) -> dict[str, np.ndarray]:
    """Raw per-frame model output of one clip (full model), from the cache or by running the model once."""
    out = cache / f"{name}.full.npz"
    if not out.exists():
        src = VideoSource(media / name)
        rows: dict[str, list] = {k: [] for k in ("t", "found", "xy", "z", "vis", "world", "n_people")}
        with PoseEstimator("full", mode="image" if src.info.is_image else "video") as est:
            for fr in src:
                p = est(fr.image, fr.timestamp_s)
                rows["t"].append(fr.timestamp_s)
                rows["found"].append(p is not None)
                rows["xy"].append(p.xy if p else np.full((33, 2), np.nan))
                rows["z"].append(p.z if p else np.full(33, np.nan))
                rows["vis"].append(p.visibility if p else np.zeros(33))
                world = p.world if p is not None and p.world is not None else np.full((33, 3), np.nan)
                rows["world"].append(world)
                rows["n_people"].append(p.n_people if p else 0)
        arrays = {k: np.array(v) for k, v in rows.items()}
        arrays["size"], arrays["image"] = np.array([src.info.width, src.info.height]), np.array(src.info.is_image)
        np.savez_compressed(out, **arrays)  # type: ignore[arg-type]  # numpy stubs read the first key as allow_pickle
    return dict(np.load(out))


def raw_poses(d: dict[str, np.ndarray]) -> list[tuple[float, Pose | None]]:
    """Each frame's time and unsmoothed pose (None where the model found nobody), from a ``cached`` clip."""
    size = (int(d["size"][0]), int(d["size"][1]))
    out: list[tuple[float, Pose | None]] = []
    for i, t in enumerate(d["t"]):
        raw = None
        if d["found"][i]:
            world = d["world"][i] if np.all(np.isfinite(d["world"][i])) else None
            raw = Pose(d["xy"][i], d["z"][i], d["vis"][i], world, size, float(t), int(d["n_people"][i]))
        out.append((float(t), raw))
    return out


def poses(d: dict[str, np.ndarray]) -> list[Pose | None]:
    """The smoothed poses of a clip, as the pipeline makes them (stills unsmoothed)."""
    if bool(d["image"]):
        return [raw for _, raw in raw_poses(d)]
    smoother = PoseSmoother()
    return [smoother.update(raw, t) for t, raw in raw_poses(d)]


def side_on(p: Pose, theta: float) -> Pose:
    """The pose's world landmarks turned about the vertical to exactly side-on plus ``theta``, projected."""
    assert p.world is not None
    lateral = p.world[L.LEFT_HIP] - p.world[L.RIGHT_HIP]
    a = math.radians(90.0 - math.degrees(math.atan2(lateral[2], lateral[0])) - theta)
    c, s = math.cos(a), math.sin(a)
    w = p.world @ np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]]).T
    return Pose(w[:, :2] * 1000 + 1000, w[:, 2] * 1000, p.visibility, w, (2000, 2000), p.timestamp_s)


def _pairs(p: Pose, base: str) -> list[str]:
    return [base] if base.startswith("trunk") else [f"left_{base}", f"right_{base}"]


def sweep(clips: list[list[Pose | None]]) -> None:
    errs: dict[tuple[str, int], list[float]] = {}
    for frames in clips:
        for p in frames[::3]:
            if p is None or p.world is None:
                continue
            deep = world_angles(p, points="model")
            for theta in THETAS:
                flat = image_angles(side_on(p, theta))
                for base in SWEEP:
                    for n in _pairs(p, base):
                        if math.isfinite(flat[n]) and math.isfinite(deep[n]):
                            errs.setdefault((base, theta), []).append(abs(flat[n] - deep[n]))
    print("1. yaw sweep: median / p90 |2-D - 3-D| deg by degrees off side-on")
    print(f"{'angle':18s}" + "".join(f"{t:>11d}" for t in THETAS[::2]))
    for base in SWEEP:
        cells = [errs.get((base, t), [math.nan]) for t in THETAS[::2]]
        print(f"{base:18s}" + "".join(f"{np.median(e):5.1f}/{np.percentile(e, 90):5.1f}" for e in cells))
    for base in SWEEP:
        med = [float(np.median(errs.get((base, t), [math.nan]))) for t in THETAS]
        print(f"{base:18s} 4 deg at {_cross(med, 4.0):5.1f} off side-on, 8 deg at {_cross(med, 8.0):5.1f}")


def _cross(med: list[float], level: float) -> float:
    for i in range(1, len(THETAS)):
        if med[i] >= level > med[i - 1]:
            return THETAS[i - 1] + (level - med[i - 1]) / (med[i] - med[i - 1]) * (THETAS[i] - THETAS[i - 1])
    return math.nan


def side_agreement(clips: list[list[Pose | None]]) -> None:
    d: dict[tuple[str, str], list[float]] = {}
    for frames in clips:
        for p in frames[::2]:
            if p is None or not body_yaw(p) >= 70.0:
                continue
            flat, lifted, model = image_angles(p), world_angles(p), world_angles(p, points="model")
            for base in SWEEP:
                for n in _pairs(p, base):
                    for src, a in (("lifted", lifted), ("model", model)):
                        if math.isfinite(flat[n]) and math.isfinite(a[n]):
                            d.setdefault((base, src), []).append(abs(a[n] - flat[n]))
    print("\n2. side views (yaw >= 70): median |3-D - 2-D| deg")
    for base in SWEEP:
        by_lift, by_model = d.get((base, "lifted"), [math.nan]), d.get((base, "model"), [math.nan])
        print(f"{base:18s} lifted {np.median(by_lift):5.1f}   model {np.median(by_model):5.1f}   (n {len(by_lift)})")


def marks(truth: dict, media: Path, cache: Path, splits: set[str]) -> None:
    rows: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    for c in truth["clips"]:
        if c.get("split") not in splits or not c.get("angles"):
            continue
        frames = poses(cached(c["file"], media, cache))
        ts = np.array([p.timestamp_s if p is not None else math.inf for p in frames])
        for m in c["angles"]:
            p = frames[int(np.argmin(np.abs(ts - m["t"])))]
            if p is None:
                continue
            src = dict(
                zip(SOURCES, (image_angles(p), world_angles(p), world_angles(p, points="model"), compute_angles(p)))
            )
            base = m["angle"].removeprefix("left_").removeprefix("right_")
            truths = [("body", float(m["deg"]))] if "deg" in m else []
            if "points" in m:
                truths.append(("picture", joint_angle(*(np.asarray(q, float) for q in m["points"]))))
            for kind, true in truths:
                for key in ((kind, base, camera_view(p)), (kind, "ALL", camera_view(p)), (kind, "ALL", "all")):
                    for s, a in src.items():
                        e = abs(a[m["angle"]] - true) if math.isfinite(a[m["angle"]]) else math.inf
                        rows.setdefault(key, {}).setdefault(s, []).append(e)
    print(f"\n3. hand-marked frames of {sorted(splits)}: median |error| deg")
    print(f"{'truth':8s} {'angle':16s} {'view':8s} {'n':>3s} " + " ".join(f"{s:>10s}" for s in SOURCES))
    for key in sorted(rows):
        r = rows[key]
        cells = " ".join(f"{np.median(r[s]):10.1f}" for s in SOURCES)
        print(f"{key[0]:8s} {key[1]:16s} {key[2]:8s} {len(r['2d']):3d} {cells}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", default=str(ROOT / "tests" / "data" / "ground_truth.json"))
    ap.add_argument("--media", default=str(ROOT.parent / "shared" / "media"))
    ap.add_argument("--cache", default=str(DEFAULT_CACHE))
    ap.add_argument("--splits", default="tune,negative")
    ap.add_argument("--sweep-only", action="store_true")
    ap.add_argument("--marks-only", action="store_true")
    args = ap.parse_args()
    cache, media = Path(args.cache), Path(args.media)
    cache.mkdir(parents=True, exist_ok=True)
    truth = json.loads(Path(args.truth).read_text())
    if not args.marks_only:
        side = [
            c["file"]
            for c in truth["clips"]
            if c.get("split") == "tune" and "__side__" in c["file"] and not c["file"].startswith("img_")
        ]
        clips = [poses(cached(name, media, cache)) for name in side]
        print("side-view tune videos:", ", ".join(side))
        sweep(clips)
        side_agreement(clips)
    if not args.sweep_only:
        marks(truth, media, cache, set(args.splits.split(",")))


if __name__ == "__main__":
    main()
