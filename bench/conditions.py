"""Recording conditions: every marked recording re-recorded the ways a person's own camera differs from the clips
formcheck was tuned on, scored by ``formcheck evaluate``'s own code against the same ground truth.

    python bench/conditions.py [--conditions copy mirror fps15 small fast x4] [--split tune heldout negative]
                               [--truth tests/data/ground_truth.json] [--media DIR] [--jobs N] [--clips NAME ...]

Conditions (each made from the original frames with OpenCV, written to a temporary MJPG file, never into the project):

- ``copy``: the frames as they are (the baseline, measured in the same run: the MJPG re-encoding alone);
- ``mirror``: flipped left-right (the camera on the person's other side, or a selfie camera): counts, holds and marks
  per side swap with the mirror, marked points are flipped;
- ``fps15``: every other frame kept, at half the frame rate (a slow laptop webcam or a phone's low-light mode);
- ``small``: scaled down so the longer side is 480 px (a 640x480 webcam; the person is a quarter of the pixels);
- ``dark``: a dim room on a camera that turns its gain up: brightness to 30 %, then sensor noise (Gaussian, 6 grey
  levels, from a bank of 7 noise frames drawn once with fixed seeds) and the MJPG encoding on top; counts, holds and
  marks unchanged;
- ``fast``: every frame kept, played 1.5x faster (a person who moves faster than the presenter): counts are the same,
  marked holds and mark times are divided by 1.5, and a "slow down" fault can be right;
- ``tilt``: the camera rolled by ``TILT_DEG`` (a phone propped up a little crooked), the picture scaled by
  ``TILT_SCALE`` so nothing leaves it; marked points turn with it (three-point angles are unchanged);
- ``reverse``: the frames backwards (every rep is still a rep, its lowering now its lift): a recording that started
  at rest now ends there and vice versa, so the recording edges and the counter's view of each movement change while
  the truth only mirrors in time (rep events, holds, marks and fault windows at ``T - t``);
- ``x4`` (not run unless named): every 4th frame kept at the original frame rate, i.e. a camera at the same frame
  rate on a person moving 4x faster. For the marches: the presenter's ~1.1 s knee lifts become fast high knees
  (~0.27 s per knee, issue #11).

Prints, per condition, the per-clip line and the totals of ``formcheck evaluate`` for each split. Figures are measured,
never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.app.evaluate import Clip, ClipResult, Mark, Totals, by_split, evaluate_all, load  # noqa: E402

LOG = logging.getLogger("conditions")
SMALL_SIDE_PX = 480
SPEED = {"fast": (1, 1.5), "x4": (4, 4.0)}  # condition -> (keep every Nth frame, times faster)
CONDITIONS = ("copy", "mirror", "fps15", "small", "dark", "fast", "tilt", "reverse", "x4")
DEFAULT = CONDITIONS[:-1]
TILT_DEG, TILT_SCALE = 8.0, 0.8  # camera roll, degrees (counterclockwise in the picture); picture scale
DARK_GAIN, DARK_NOISE = 0.30, 6.0  # share of the light left; sensor noise, grey levels (standard deviation)
DARK_BANK = 7  # noise frames taken in turn
Frame = np.ndarray
Transform = Callable[[Frame], Frame]


# ---- re-recording ---------------------------------------------------------------------------------------------------
def _small(image: Frame) -> Frame:
    h, w = image.shape[:2]
    scale = SMALL_SIDE_PX / max(h, w)
    return cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


class DarkRoom:
    """A dim room: each frame at ``DARK_GAIN`` of its brightness plus Gaussian noise, the same noise on every run
    (a bank of ``DARK_BANK`` noise frames, drawn once and taken in turn: drawing 6 million values costs 30 ms a
    frame)."""

    def __init__(self) -> None:
        self._frame = 0
        self._bank: list[np.ndarray] = []

    def __call__(self, image: Frame) -> Frame:
        if not self._bank or self._bank[0].shape != image.shape:
            self._bank = [np.empty(image.shape, np.int16) for _ in range(DARK_BANK)]
            for i, noise in enumerate(self._bank):
                cv2.setRNGSeed(i + 1)
                cv2.randn(noise, (0.0,) * 3, (DARK_NOISE,) * 3)  # per channel
        self._frame += 1
        dim = cv2.convertScaleAbs(image, alpha=DARK_GAIN)
        return cv2.add(dim, self._bank[self._frame % DARK_BANK], dtype=cv2.CV_8U)  # saturating at 0 and 255


def _tilt_matrix(width: float, height: float) -> np.ndarray:
    """The 2 x 3 affine map of the ``tilt`` condition for a picture of that size (pixels in, pixels out)."""
    return cv2.getRotationMatrix2D((width / 2, height / 2), TILT_DEG, TILT_SCALE)


def _tilt(image: Frame) -> Frame:
    h, w = image.shape[:2]
    return cv2.warpAffine(image, _tilt_matrix(w, h), (w, h), flags=cv2.INTER_AREA, borderValue=(0, 0, 0))


def _write_reversed(cap: cv2.VideoCapture, out: Path, fps: float) -> tuple[int, int]:
    """Every frame of ``cap`` written to ``out`` last first (held JPEG-encoded in memory meanwhile); returns the
    frames' (width, height)."""
    frames: list[np.ndarray] = []
    size = (0, 0)
    while True:
        ok, image = cap.read()
        if not ok:
            break
        size = (image.shape[1], image.shape[0])
        frames.append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])[1])
    if not frames:
        return size
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    try:
        for data in reversed(frames):
            frame = cv2.imdecode(data, cv2.IMREAD_COLOR)
            assert frame is not None  # decoding what imencode just wrote
            writer.write(frame)
    finally:
        writer.release()
    return size


def clip_span(src: Path) -> tuple[float, float, float]:
    """(frames per second, time of the last frame in seconds, height in pixels) of a recording."""
    cap = cv2.VideoCapture(str(src))
    try:
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        return fps, (n - 1) / fps, float(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    finally:
        cap.release()


def rerecord(src: Path, out: Path, condition: str) -> tuple[float, float]:
    """Write ``src`` as ``condition`` to ``out``; returns the picture's scale against the original (1 or less) and
    the original's width in pixels."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    keep_every, faster = SPEED.get(condition, (2 if condition == "fps15" else 1, 1.0))
    out_fps = fps / keep_every * faster
    transforms: dict[str, Transform] = {
        "mirror": lambda im: cv2.flip(im, 1),
        "small": _small,
        "dark": DarkRoom(),
        "tilt": _tilt,
    }
    transform = transforms.get(condition, lambda im: im)
    writer, scale, width, i = None, 1.0, 0.0, 0
    if condition == "reverse":
        try:
            size = _write_reversed(cap, out, fps)
        finally:
            cap.release()
        if not size[0]:
            raise SystemExit(f"{src}: no frame could be read")
        return 1.0, float(size[0])
    try:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            i += 1
            if (i - 1) % keep_every:
                continue
            done = transform(image)
            if writer is None:
                scale, width = done.shape[1] / image.shape[1], float(image.shape[1])
                size = (done.shape[1], done.shape[0])
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), out_fps, size)
            writer.write(done)
    finally:
        cap.release()
        if writer is not None:
            writer.release()
    if writer is None:
        raise SystemExit(f"{src}: no frame could be read")
    return scale, width


# ---- the truth, as the re-recorded clip shows it -------------------------------------------------------------------
def _swap(side: str) -> str:
    return {"left": "right", "right": "left"}.get(side, side)


def _swap_name(angle: str) -> str:
    for a, b in (("left_", "right_"), ("right_", "left_")):
        if angle.startswith(a):
            return b + angle[len(a) :]
    return angle


def _mark(m: Mark, condition: str, scale: float, width: float, height: float, at: Callable[[float], float]) -> Mark:
    """``m`` as the re-recorded picture shows it: its points moved with the picture, its time by ``at``."""
    pts = m.points
    if pts is not None and condition == "mirror":
        pts = tuple((width - 1 - x, y) for x, y in pts)  # type: ignore[assignment]
    elif pts is not None and condition == "tilt":
        tilt = _tilt_matrix(width, height)
        pts = tuple(tuple(float(v) for v in tilt @ (x, y, 1.0)) for x, y in pts)  # type: ignore[assignment]
    elif pts is not None:
        pts = tuple((x * scale, y * scale) for x, y in pts)  # type: ignore[assignment]
    angle = _swap_name(m.angle) if condition == "mirror" else m.angle
    return Mark(at(m.t), angle, pts, m.deg)


def truth_for(
    clip: Clip, condition: str, scale: float, width: float, name: str, span: tuple[float, float, float]
) -> Clip:
    """``clip``'s truth as the recording re-recorded as ``condition`` shows it; ``span`` is the original's
    :func:`clip_span`."""
    side = _swap if condition == "mirror" else (lambda s: s)
    speed = SPEED.get(condition, (1, 1.0))[1]
    end = span[1]

    def at(t: float) -> float:
        return end - t if condition == "reverse" else t / speed

    def window(a: float, b: float) -> tuple[float, float]:
        return (at(b), at(a)) if condition == "reverse" else (at(a), at(b))

    def per_side(d: dict[str, float]) -> dict[str, float]:
        return {side(k): v / speed for k, v in d.items()}

    reps = {side(k): v for k, v in clip.reps.items()} if clip.reps is not None else None
    events = tuple(
        (side(s), *(at(t) for t in (reversed(ts) if condition == "reverse" else ts))) for s, *ts in clip.truth.reps
    )
    holds = tuple((side(s), *window(a, b)) for s, a, b in clip.truth.hold_windows)
    faults = tuple(replace(f, start_s=a, end_s=b) for f in clip.faults for a, b in [window(f.start_s, f.end_s)])
    return replace(
        clip,
        file=name,
        reps=reps,
        hold_s=per_side(clip.hold_s),
        top_hold_s=per_side(clip.top_hold_s),
        marks=tuple(_mark(m, condition, scale, width, span[2], at) for m in clip.marks),
        faults=faults,
        truth=replace(clip.truth, reps=events, hold_windows=holds),  # type: ignore[arg-type]
    )


# ---- report ---------------------------------------------------------------------------------------------------------
def _line(r: ClipResult) -> str:
    counts = ", ".join(f"{s} {r.predicted_reps.get(s, 0)}/{t}" for s, t in r.true_reps.items()) or "-"
    if r.partial_reps and any(r.partial_reps.values()):
        counts += f" ({sum(r.partial_reps.values())} partial)"
    holds = ", ".join(f"{s} off {e:.1f} s" for s, e in r.hold_errors_s.items()) or "-"
    alarms = r.fault_score.false_alarms if r.fault_score is not None else 0
    named = sorted({c for c, _, _ in r.fault_score.reported}) if r.fault_score is not None and alarms else []
    which = f"({', '.join(named)}) " if named else ""
    ok = {True: "right", False: "WRONG", None: "-"}[r.suggestion_ok]
    return (
        f"  {r.file[:46]:46} {r.split:8} counts {counts:22} holds {holds:18} false alarms {alarms} {which}"
        f"suggested {r.suggested} ({ok})"
    )


def _totals(split: str, t: Totals) -> str:
    return (
        f"  {split:8} {t.clips} clips: counts exact {t.exact_rate:.0%}, OBO {t.obo:.0%}, MAE {t.mae:.3f}, "
        f"max hold error {t.max_hold_error_s:.1f} s, median angle error {t.median_angle_error_deg:.1f} deg, "
        f"suggestion {t.suggest_accuracy:.0%} of {t.suggest_items}"
    )


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conditions", nargs="+", choices=CONDITIONS, default=list(DEFAULT))
    parser.add_argument("--split", nargs="+", default=["tune", "heldout", "negative"])
    parser.add_argument("--truth", type=Path, default=ROOT / "tests" / "data" / "ground_truth.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--clips", nargs="*", help="only these clip names")
    args = parser.parse_args()
    clips = [c for c in load(args.truth) if not c.is_image and c.split in args.split]
    clips = [c for c in clips if not args.clips or c.file in args.clips]
    for condition in args.conditions:
        with tempfile.TemporaryDirectory() as tmp:
            moved = []
            for clip in clips:
                name = f"{Path(clip.file).stem}.{condition}.avi"
                scale, width = rerecord(args.media / clip.file, Path(tmp) / name, condition)
                span = clip_span(args.media / clip.file)
                moved.append(truth_for(clip, condition, scale, width, name, span))
            results = evaluate_all(moved, Path(tmp), jobs=args.jobs)
        LOG.info("%s:", condition)
        for r in results:
            LOG.info("%s", _line(r))
        for split, t in by_split(results).items():
            LOG.info("%s", _totals(split, t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
