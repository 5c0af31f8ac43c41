"""The key angles of an analysed recording over time, with the thresholds they are judged against, as plain data
for a plot (the app draws them; this module draws nothing).

Angles follow :mod:`formcheck.pose.angles` (degrees, joint angles 180 = straight). A criterion's trace is its value on
the working side in frames where the person was in position (the frames that were judged); a rep exercise adds its
rep signal per side with the "counts at" and "back at rest" lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from formcheck.exercises.base import Exercise, resolve_angle
from formcheck.values import Feedback, FrameResult


@dataclass
class Trace:
    """One angle over time. ``t``: (N,) seconds; ``value``: (N,) degrees, NaN where not measured."""

    name: str
    t: np.ndarray
    value: np.ndarray
    thresholds: list[tuple[str, float]] = field(default_factory=list)  # (label, degrees)

    def rows(self) -> list[dict[str, object]]:
        """Plot rows; unmeasured points are None (a gap in the line), never NaN."""
        return [
            {"t_s": round(float(t), 3), "deg": round(float(v), 1) if math.isfinite(v) else None}
            for t, v in zip(self.t, self.value)
        ]


def angle_traces(results: Sequence[FrameResult], exercise: Exercise) -> list[Trace]:
    """The exercise's criteria and rep signal over time, from results that carry an ``ExerciseSession``'s feedback."""
    t = np.array([r.timestamp_s for r in results], float)
    traces = []
    for c in exercise.criteria:
        values = np.array([_criterion_value(r.feedback, c.name) for r in results], float)
        lines = [(f"{c.name}: at least", c.low)] if c.low is not None else []
        lines += [(f"{c.name}: at most", c.high)] if c.high is not None else []
        traces.append(Trace(c.name, t, values, lines))
    spec = exercise.reps
    if spec is not None:
        sides = ("left", "right") if spec.per_side else (None,)
        for side in sides:
            values = np.array([_rep_value(r, spec.signal, side) for r in results], float)
            name = (
                f"rep: {resolve_angle(spec.signal, side or 'left').replace('_', ' ')}"
                if side
                else f"rep: {spec.signal.replace('{work}_', '').replace('_', ' ')}"
            )
            traces.append(Trace(name, t, values, [("full rep at", spec.target)]))
    return traces


def _criterion_value(fb: Feedback | None, name: str) -> float:
    value = fb.criterion_value(name) if fb is not None else None
    return math.nan if value is None else value


def _rep_value(r: FrameResult, signal: str, side: str | None) -> float:
    if side is None:
        side = r.feedback.side if r.feedback is not None and r.feedback.side else (r.near_side or "left")
    return r.angles.get(resolve_angle(signal, side), math.nan)
