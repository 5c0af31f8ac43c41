"""Accuracy against ground truth: ``formcheck evaluate GROUND_TRUTH [--media DIR] [thresholds]``.

Metrics (per clip and in total): exact-count rate, off-by-one accuracy (OBO: |predicted - true| <= 1), mean absolute
count error relative to the true count (MAE, as RepCount defines it: mean of |predicted - true| / true), and hold-time
error in seconds (longest hold per side vs the time a person watching measured), and joint-angle error in degrees
against hand-marked frames (median and max; an angle formcheck could not measure counts as infinitely wrong).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.app.recording import analyse_recording
from formcheck.checking.report import Report
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import get
from formcheck.pose.angles import joint_angle
from formcheck.pose.estimator import Variant
from formcheck.values import FrameResult

LOG = logging.getLogger(__name__)


@dataclass
class ClipResult:
    file: str
    exercise: str
    true_reps: dict[str, int] = field(default_factory=dict)
    predicted_reps: dict[str, int] = field(default_factory=dict)
    hold_errors_s: dict[str, float] = field(default_factory=dict)
    angle_errors_deg: list[float] = field(default_factory=list)

    @property
    def count_pairs(self) -> list[tuple[int, int]]:
        return [(self.predicted_reps.get(side, 0), true) for side, true in self.true_reps.items()]


@dataclass
class Totals:
    clips: int
    count_items: int
    exact_rate: float
    obo: float
    mae: float
    max_hold_error_s: float
    angle_items: int = 0
    median_angle_error_deg: float = 0.0
    max_angle_error_deg: float = 0.0


def evaluate_clip(
    clip: dict,
    media: Path,
    model: Variant = "full",
    run: Callable[[Path, ExerciseSession], list[FrameResult] | None] | None = None,
) -> ClipResult:
    session = ExerciseSession(get(clip["exercise"]))
    path = media / clip["file"]
    if run is None:
        frames, _ = analyse_recording(path, model, session=session)
    else:
        frames = run(path, session) or []
    report = session.report()
    result = ClipResult(clip["file"], clip["exercise"], dict(clip.get("reps", {})), dict(report.reps))
    for side, true in clip.get("hold_s", {}).items():
        result.hold_errors_s[side] = abs(_longest_hold(report, side) - float(true))
    for mark in clip.get("angles", []):
        result.angle_errors_deg.append(_angle_error(mark, frames))
    return result


def marked_angle(mark: dict) -> float:
    """The true angle of a hand-marked joint: three pixel points, vertex in the middle."""
    a, b, c = (np.asarray(p, dtype=float) for p in mark["points"])
    return joint_angle(a, b, c)


def _angle_error(mark: dict, frames: list[FrameResult]) -> float:
    if not frames:
        return math.inf
    nearest = min(frames, key=lambda f: abs(f.timestamp_s - float(mark["t"])))
    measured = nearest.angles.get(mark["angle"], math.nan)
    return abs(measured - marked_angle(mark)) if math.isfinite(measured) else math.inf  # unmeasured = worst


def _longest_hold(report: Report, side: str) -> float:
    return max((h.duration_s for h in report.holds if (h.side or "both") == side), default=0.0)


def totals(results: list[ClipResult]) -> Totals:
    pairs = [p for r in results for p in r.count_pairs]
    n = len(pairs)
    exact = sum(pred == true for pred, true in pairs) / n if n else 1.0
    obo = sum(abs(pred - true) <= 1 for pred, true in pairs) / n if n else 1.0
    mae = sum(abs(pred - true) / true for pred, true in pairs if true > 0) / n if n else 0.0
    holds = [e for r in results for e in r.hold_errors_s.values()]
    angles = [e for r in results for e in r.angle_errors_deg]
    return Totals(
        len(results),
        n,
        exact,
        obo,
        mae,
        max(holds, default=0.0),
        len(angles),
        float(np.median(angles)) if angles else 0.0,
        max(angles, default=0.0),
    )


def load(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text())["clips"]
