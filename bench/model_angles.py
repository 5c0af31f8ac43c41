"""Landmark accuracy per pose model on the hand-marked frames: the picture's angle (``points`` marks) against the
2-D angle each model's landmarks make, every model on the same still frame (IMAGE mode, no tracking).

    python bench/model_angles.py MODEL.task [MODEL.task ...] [--truth tests/data/ground_truth.json] [--media DIR]

e.g. the shipped full model against the heavy one (not shipped: build it with
``python scripts/build_models.py --heavy-to DIR``, which needs the npm registry). Prints per mark the error of each
model, then the median and mean per split. Figures are measured, never asserted: this is not a test.
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
from formcheck.pose.angles import image_angles  # noqa: E402
from formcheck.pose.estimator import PoseEstimator  # noqa: E402

LOG = logging.getLogger("model_angles")
STILLS = (".jpg", ".jpeg", ".png")


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


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", type=Path)
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
                pose = estimator(image, 0.0)
                value = image_angles(pose).get(mark.angle, math.nan) if pose is not None else math.nan
                errors[name] = abs(value - mark.degrees)  # NaN: the model found nobody or not that joint
            rows.append((clip.split, clip.file, mark.t, mark.angle, errors))
            LOG.info("%-8s %-48s %6.2f %-12s %s", clip.split, clip.file[:48], mark.t, mark.angle, errors)
    for split in ("tune", "heldout", "all"):
        chosen = [r for r in rows if split == "all" or r[0] == split]
        for name in estimators:
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
