"""Accuracy against ground truth: ``formcheck evaluate GROUND_TRUTH [--media DIR] [thresholds]``.

Metrics (per clip and in total): exact-count rate, off-by-one accuracy (OBO: |predicted - true| <= 1), mean absolute
count error relative to the true count (MAE, as RepCount defines it: mean of |predicted - true| / true), and hold-time
error in seconds (longest hold per side vs the time a person watching measured).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from formcheck.analysis import analyse_recording
from formcheck.exercises import get
from formcheck.session import ExerciseSession, Report

LOG = logging.getLogger(__name__)


@dataclass
class ClipResult:
    file: str
    exercise: str
    true_reps: dict[str, int] = field(default_factory=dict)
    predicted_reps: dict[str, int] = field(default_factory=dict)
    hold_errors_s: dict[str, float] = field(default_factory=dict)

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


def evaluate_clip(clip: dict, media: Path, model: str = "full",
                  run: Callable[[Path, ExerciseSession], None] | None = None) -> ClipResult:
    session = ExerciseSession(get(clip["exercise"]))
    path = media / clip["file"]
    if run is None:
        analyse_recording(path, model, session=session)  # type: ignore[arg-type]
    else:
        run(path, session)
    report = session.report()
    result = ClipResult(clip["file"], clip["exercise"], dict(clip.get("reps", {})), dict(report.reps))
    for side, true in clip.get("hold_s", {}).items():
        result.hold_errors_s[side] = abs(_longest_hold(report, side) - float(true))
    return result


def _longest_hold(report: Report, side: str) -> float:
    return max((h.duration_s for h in report.holds if (h.side or "both") == side), default=0.0)


def totals(results: list[ClipResult]) -> Totals:
    pairs = [p for r in results for p in r.count_pairs]
    n = len(pairs)
    exact = sum(pred == true for pred, true in pairs) / n if n else 1.0
    obo = sum(abs(pred - true) <= 1 for pred, true in pairs) / n if n else 1.0
    mae = sum(abs(pred - true) / true for pred, true in pairs if true > 0) / n if n else 0.0
    holds = [e for r in results for e in r.hold_errors_s.values()]
    return Totals(len(results), n, exact, obo, mae, max(holds, default=0.0))


def load(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text())["clips"]
