"""Landmark accuracy per pose model on the hand-marked frames: the picture's angle (``points`` marks) against the
2-D angle each model's landmarks make, every model on the same still frame (IMAGE mode, no tracking).

    python bench/model_angles.py MODEL.task [MODEL.task ...] [--flip] [--truth tests/data/ground_truth.json]
                                 [--media DIR]

e.g. the shipped full model against the heavy one (not shipped: build it with
``python scripts/build_models.py --heavy-to DIR``, which needs the npm registry). Prints per mark the error of each
model, then the median and mean per split. ``--flip`` also scores each model's test-time flip: the model run on the
frame and on its mirror image, the mirror's landmarks flipped back (left and right exchanged) and the two averaged
(``NAME+flip``). Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.app.evaluate import load  # noqa: E402
from formcheck.landmarks import Landmark, Pose  # noqa: E402
from formcheck.pose.angles import image_angles  # noqa: E402
from formcheck.pose.estimator import PoseEstimator  # noqa: E402

LOG = logging.getLogger("model_angles")
STILLS = (".jpg", ".jpeg", ".png")
SIDE_WORDS = {"LEFT": "RIGHT", "RIGHT": "LEFT"}
MIRRORED = np.array(  # each landmark's index in a mirror image: left and right exchanged, the nose its own
    [Landmark["_".join(SIDE_WORDS.get(w, w) for w in m.name.split("_"))] for m in Landmark]
)


def frame_at(path: Path, t: float) -> np.ndarray | None:
    if path.suffix.lower() in STILLS:
        return cv2.imread(str(path))
    cap = cv2.VideoCapture(str(path))
    try:
        cap.set(cv2.CAP_PROP_POS_MSEC, t * 1000.0)
        ok, image = cap.read()
        return image if ok else None
    finally:
        cap.release()


def flip_averaged(estimator: PoseEstimator, image: np.ndarray) -> Pose | None:
    """The mean of the model's landmarks on ``image`` and on its mirror image, flipped back (None if either found
    nobody)."""
    pose, mirror = estimator(image, 0.0), estimator(np.ascontiguousarray(image[:, ::-1]), 0.0)
    if pose is None or mirror is None:
        return None
    back = mirror.xy[MIRRORED].copy()
    back[:, 0] = image.shape[1] - back[:, 0]
    visibility = np.minimum(pose.visibility, mirror.visibility[MIRRORED])
    return Pose(pose.xy / 2 + back / 2, pose.z, visibility, None, pose.image_size, pose.timestamp_s)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--flip", action="store_true", help="also score each model's flip-averaged landmarks")
    parser.add_argument("--truth", type=Path, default=ROOT / "tests" / "data" / "ground_truth.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    args = parser.parse_args()
    estimators = {m.stem: PoseEstimator(mode="image", model=m) for m in args.models}
    rows: list[tuple[str, str, float, str, dict[str, float]]] = []
    for clip in load(args.truth):
        for mark in (m for m in clip.marks if m.points is not None):
            image = frame_at(args.media / clip.file, mark.t)
            if image is None:
                continue
            errors = {}
            for name, estimator in estimators.items():
                poses = {name: estimator(image, 0.0)}
                if args.flip:
                    poses[f"{name}+flip"] = flip_averaged(estimator, image)
                for label, pose in poses.items():
                    value = image_angles(pose).get(mark.angle, math.nan) if pose is not None else math.nan
                    errors[label] = abs(value - mark.degrees)  # NaN: the model found nobody or not that joint
            rows.append((clip.split, clip.file, mark.t, mark.angle, errors))
            LOG.info("%-8s %-48s %6.2f %-12s %s", clip.split, clip.file[:48], mark.t, mark.angle, errors)
    for split in ("tune", "heldout", "all"):
        chosen = [r for r in rows if split == "all" or r[0] == split]
        for name in rows[0][4] if rows else ():
            found = [r[4][name] for r in chosen if math.isfinite(r[4][name])]
            if found:
                LOG.info(
                    "%-8s %-28s %2d of %2d marks found: median error %.1f deg, mean %.1f",
                    split,
                    name,
                    len(found),
                    len(chosen),
                    statistics.median(found),
                    statistics.fmean(found),
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
