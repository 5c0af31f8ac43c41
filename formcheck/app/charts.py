"""The key angles of an analysed recording over time, with the thresholds they are judged against, as plain data
for a plot (the app draws them; this module draws nothing).

Angles follow :mod:`formcheck.pose.angles` (degrees, joint angles 180 = straight). A criterion's trace is its value on
the working side in frames where the person was in position (the frames that were judged); a rep exercise adds its
rep signal per side with the "counts at" and "back at rest" lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

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
    return [
        Trace(name, t, np.array([value(r) for r in results], float), lines) for name, lines, value in _columns(exercise)
    ]


def _columns(exercise: Exercise) -> list[tuple[str, list[tuple[str, float]], Callable[[FrameResult], float]]]:
    """(trace name, threshold lines, its value on a frame) for each criterion, then the rep signal per side."""
    cols: list[tuple[str, list[tuple[str, float]], Callable[[FrameResult], float]]] = []
    for c in exercise.criteria:
        lines = [(f"{c.name}: at least", c.low)] if c.low is not None else []
        lines += [(f"{c.name}: at most", c.high)] if c.high is not None else []
        cols.append((c.name, lines, partial(_criterion_of, name=c.name)))
    spec = exercise.reps
    if spec is not None:
        sides = ("left", "right") if spec.per_side else (None,)
        for side in sides:
            name = (
                f"rep: {resolve_angle(spec.signal, side or 'left').replace('_', ' ')}"
                if side
                else f"rep: {spec.signal.replace('{work}_', '').replace('_', ' ')}"
            )
            cols.append((name, [("full rep at", spec.target)], partial(_rep_value, signal=spec.signal, side=side)))
    return cols


class TraceRecorder:
    """The exercise's angle traces of a live stream, in constant memory however long it runs: ``add(result)`` keeps
    one row per ``every_s`` of frame time; when ``2 * max_points`` rows are held, every second one goes and the
    spacing doubles, so the traces always cover the whole session with ``max_points`` to ``2 * max_points`` points
    (an (N, 1 + traces) float array: time, then each trace's degrees)."""

    def __init__(self, exercise: Exercise, max_points: int = 600, every_s: float = 0.1) -> None:
        if max_points < 2:
            raise ValueError(f"max_points must be at least 2, got {max_points}")
        if not every_s > 0:
            raise ValueError(f"every_s must be above 0 s, got {every_s}")
        self.exercise = exercise
        self.every_s = every_s
        self._columns = _columns(exercise)
        self._rows = np.full((2 * max_points, 1 + len(self._columns)), np.nan)
        self._n = 0

    def add(self, result: FrameResult) -> None:
        if self._n and result.timestamp_s - self._rows[self._n - 1, 0] < self.every_s - 1e-6:
            return
        self._rows[self._n] = [result.timestamp_s, *(value(result) for _, _, value in self._columns)]
        self._n += 1
        if self._n == len(self._rows):  # full: thin to every second row, then keep rows twice as far apart
            half = self._rows[: self._n : 2].copy()
            self._rows[:] = np.nan
            self._rows[: len(half)] = half
            self._n, self.every_s = len(half), self.every_s * 2

    def traces(self) -> list[Trace]:
        """The traces so far (empty before the first frame)."""
        if not self._n:
            return []
        rows = self._rows[: self._n]
        return [
            Trace(name, rows[:, 0].copy(), rows[:, 1 + i].copy(), lines)
            for i, (name, lines, _) in enumerate(self._columns)
        ]


def _criterion_of(r: FrameResult, name: str) -> float:
    return _criterion_value(r.feedback, name)


def _criterion_value(fb: Feedback | None, name: str) -> float:
    value = fb.criterion_value(name) if fb is not None else None
    return math.nan if value is None else value


def _rep_value(r: FrameResult, signal: str, side: str | None) -> float:
    if side is None:
        side = r.feedback.side if r.feedback is not None and r.feedback.side else (r.near_side or "left")
    return r.angles.get(resolve_angle(signal, side), math.nan)
