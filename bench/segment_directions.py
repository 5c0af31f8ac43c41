"""Which body segment's direction the pose model gets wrong: on every hand-marked frame (``points`` marks), the
direction of each segment the mark draws (trunk = hip -> shoulder, thigh = hip -> knee, shin = knee -> ankle) from
the model's landmarks against the markers' mean points, and how far the two markers' own directions differ. A rule
measured against a segment with a long tail of errors (the trunk: the shoulder under a sleeve, a raised or turned arm)
is better measured against the vertical where the exercise allows (``*_thigh_back``, formcheck/pose/angles.py).

    python bench/segment_directions.py [MODEL.task] [--truth tests/data/ground_truth.json] [--media DIR]

The model runs on the still frame (IMAGE mode, no tracking); each (clip, time, side, segment) is counted once. Figures
are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.model_angles import frame_at  # noqa: E402
from formcheck.app.evaluate import load  # noqa: E402
from formcheck.landmarks import Landmark  # noqa: E402
from formcheck.pose.estimator import PoseEstimator  # noqa: E402

LOG = logging.getLogger("segment_directions")
# a mark's three points by joint, and the segments they draw: (name, from point, to point)
POINTS = {"hip": ("SHOULDER", "HIP", "KNEE"), "knee": ("HIP", "KNEE", "ANKLE")}
SEGMENTS = {"hip": (("trunk", 1, 0), ("thigh", 1, 2)), "knee": (("thigh", 0, 1), ("shin", 1, 2))}


def direction(a: np.ndarray, b: np.ndarray) -> float:
    d = np.asarray(b, float) - np.asarray(a, float)
    return math.degrees(math.atan2(d[1], d[0]))


def apart(a: float, b: float) -> float:
    """Degrees between two directions, in [0, 180]."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", type=Path, default=ROOT / "models" / "pose_landmarker_full.task")
    parser.add_argument("--truth", type=Path, default=ROOT / "tests" / "data" / "ground_truth.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    args = parser.parse_args()
    estimator = PoseEstimator(mode="image", model=args.model)
    by_marker = {  # (file, t, angle) -> each marker's own three points, where a second marker marked the frame
        (c["file"], float(m["t"]), m["angle"]): m["points_by_marker"]
        for c in json.loads(args.truth.read_text())["clips"]
        for m in c.get("angles") or []
        if "points_by_marker" in m
    }
    seen: set[tuple[str, float, str, str]] = set()
    model: dict[str, dict[str, list[float]]] = {}  # split -> segment -> errors
    markers: dict[str, list[float]] = {}  # segment -> the two markers' difference
    for clip in load(args.truth):
        for mark in (m for m in clip.marks if m.points is not None):
            side, _, joint = mark.angle.partition("_")
            if joint not in POINTS:
                continue
            image = frame_at(args.media / clip.file, mark.t)
            pose = estimator(image, 0.0) if image is not None else None
            if pose is None:
                continue
            found = [pose.xy[Landmark[f"{side.upper()}_{n}"]] for n in POINTS[joint]]
            for segment, a, b in SEGMENTS[joint]:
                key = (clip.file, mark.t, side, segment)
                if key in seen:
                    continue
                seen.add(key)
                error = apart(direction(mark.points[a], mark.points[b]), direction(found[a], found[b]))
                model.setdefault(clip.split, {}).setdefault(segment, []).append(error)
                model.setdefault("all", {}).setdefault(segment, []).append(error)
                LOG.info("%-8s %-44s %6.2f %-5s %-6s %5.1f", clip.split, clip.file[:44], mark.t, side, segment, error)
                if (clip.file, mark.t, mark.angle) in by_marker:
                    first, second = by_marker[(clip.file, mark.t, mark.angle)]
                    markers.setdefault(segment, []).append(
                        apart(direction(first[a], first[b]), direction(second[a], second[b]))
                    )
    for split in sorted(model, key=("tune", "heldout", "negative", "all").index):
        for segment, errors in sorted(model[split].items()):
            e = np.asarray(errors)
            LOG.info(
                "%-8s %-6s %2d segments: model median %4.1f deg, 90th percentile %4.1f, max %4.1f",
                split,
                segment,
                e.size,
                np.median(e),
                np.percentile(e, 90),
                e.max(),
            )
    for segment, diffs in sorted(markers.items()):
        d = np.asarray(diffs)
        LOG.info(
            "markers  %-6s %2d segments: the two markers differ by median %4.1f deg, 90th percentile %4.1f",
            segment,
            d.size,
            np.median(d),
            np.percentile(d, 90),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
