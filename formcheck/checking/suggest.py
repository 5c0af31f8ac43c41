"""Which exercise a recording shows, from its analysed frames (no extra model): every exercise's checker is run over
the frames, and the one that finds the most of its own work, done with the best form, wins.

Score per exercise, in [0, 1]: ``activity * (0.5 + 0.5 * quality)`` where

- ``activity``: rep / circle exercises: ``min(1, count * REP_PERIOD_S / duration)`` (one rep per ``REP_PERIOD_S``
  counts as fully active); hold exercises: the share of the recording spent in a hold with good form;
- ``quality``: the share of judged (in-position) frames where every form rule passed.

A best score under ``MIN_CONFIDENT`` means formcheck cannot tell: the app then asks the person to pick.
Measured on the real clips (tests/test_real_clips.py): the bridge, knee-to-chest, straight-leg raise, standing
march and kneeling stretch clips are each recognised as their own exercise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from formcheck.checking.session import ExerciseSession
from formcheck.exercises import REGISTRY
from formcheck.values import FrameResult

REP_PERIOD_S = 4.0
MIN_CONFIDENT = 0.3


@dataclass(frozen=True)
class Suggestion:
    exercise: str
    score: float
    activity: float
    quality: float

    @property
    def confident(self) -> bool:
        return self.score >= MIN_CONFIDENT


def suggest_exercise(results: Sequence[FrameResult], keys: Sequence[str] | None = None) -> list[Suggestion]:
    """Every exercise (or those in ``keys``) scored on ``results``, best first. Empty results score 0."""
    duration = results[-1].timestamp_s - results[0].timestamp_s if len(results) > 1 else 0.0
    out = []
    for key in keys or REGISTRY:
        session = ExerciseSession(REGISTRY[key])
        ok = 0
        for r in results:
            ok += session.step(r).level == "ok"
        report = session.report()
        if duration <= 0:
            activity = 0.0
        elif report.reps:
            activity = min(1.0, sum(report.reps.values()) * REP_PERIOD_S / duration)
        else:
            activity = min(1.0, sum(h.duration_s for h in report.holds) / duration)
        quality = ok / report.frames_judged if report.frames_judged else 0.0
        out.append(Suggestion(key, round(activity * (0.5 + 0.5 * quality), 3), round(activity, 3), round(quality, 3)))
    return sorted(out, key=lambda s: -s.score)
