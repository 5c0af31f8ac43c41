"""Judging form: which of an exercise's criteria apply on a frame, and the fault events they make.

A criterion applies only in its phase (``Criterion.when``: see :mod:`formcheck.exercises.base`), once the person has
been in position for ``SETTLE_S`` ("ease in slowly": getting into position is never a fault), and, with
``only_prescribed_start``, only when the rep starts from the prescribed start position. ``relative`` criteria are
judged as the change from the person's own value at rest just before the rep. ``"top"`` criteria are kept with the
rep under way and judged over its top window when it ends (:func:`~formcheck.checking.criteria.judge_top`). Every
fault goes through one :class:`~formcheck.checking.faults.FaultWatch`, so the cue, the report and the history share
the same events.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import replace

from formcheck.checking.criteria import judge_top, phases_now, to_check
from formcheck.checking.faults import Check, FaultEvent, FaultWatch
from formcheck.checking.reps import Rep, RepDetector
from formcheck.exercises.base import Criterion, Exercise
from formcheck.values import CriterionResult

SETTLE_S = 1.0  # form rules apply once the person has been in position this long ("ease in slowly")
REFERENCE_S = 1.0  # a relative criterion's reference: its median over this long at rest before the rep


class FormJudge:
    """``frame(...)`` for each frame in position, ``out_of_position(...)`` otherwise; ``rep_done(rep)`` when a rep
    ends. ``watch.events`` holds every fault so far."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.watch = FaultWatch()
        self._top: dict[str, list[tuple[float, list[Check]]]] = {}  # per detector: "top" rules, frame by frame
        self._rest: dict[str, deque[tuple[float, float]]] = {}  # relative criteria: their values at rest
        self._since: float | None = None  # in position since

    def out_of_position(self, t: float, side: str | None) -> None:
        """Nothing is judged (out of position, or the frame cannot be judged): lasting faults end."""
        self.watch.update(t, [], side)
        self._since = None

    def frame(
        self, t: float, results: list[CriterionResult], work: str, detector: RepDetector | None, safety: list[Check]
    ) -> list[FaultEvent]:
        """Judge one frame in position (``results``: each criterion's, in the exercise's order; ``detector``: the
        working side's rep detector, if any); returns the faults that began on it."""
        self._since = t if self._since is None else self._since
        phase = detector.phase() if detector is not None else None
        prescribed = detector is None or detector.prescribed_way
        wanted = [
            (c, self._relative(c, r, phase, t) if c.relative else r)
            for c, r in zip(self.exercise.criteria, results)
            if t - self._since >= SETTLE_S and (prescribed or not c.only_prescribed_start)
        ]
        if detector is not None and phase != "rest":
            top = [to_check(c, r) for c, r in wanted if c.when == "top"]
            self._top.setdefault(detector.side or "both", []).append((t, top))
        phases = phases_now(self.exercise, phase)
        return self.watch.update(t, [to_check(c, r) for c, r in wanted if c.when in phases] + safety, work)

    def rep_done(self, rep: Rep) -> list[FaultEvent]:
        """The faults of the ``"top"`` criteria over the rep's top window, added to the events; the frames up to the
        rep's end are then forgotten."""
        events = self.top_faults(rep)
        key = rep.side or "both"
        self._top[key] = [f for f in self._top.get(key, []) if f[0] > rep.end_s]
        self.watch.events.extend(events)
        return events

    def top_faults(self, rep: Rep) -> list[FaultEvent]:
        """``rep``'s top faults without recording them (for a rep still pending at the end of a recording); a partial
        rep skips ``full_reps_only`` criteria (its verdict already says how far it got)."""
        events = judge_top(rep, self._top.get(rep.side or "both", []), rep.side)
        if not rep.full:
            skip = {c.name for c in self.exercise.criteria if c.full_reps_only}
            events = [e for e in events if e.criterion not in skip]
        return events

    def _relative(self, c: Criterion, r: CriterionResult, phase: str | None, t: float) -> CriterionResult:
        """A ``relative`` criterion's result as the change from its value at rest just before the rep."""
        rest = self._rest.setdefault(c.name, deque())
        if phase in (None, "rest"):
            if r.value is not None:
                rest.append((t, r.value))
            while rest and t - rest[0][0] > REFERENCE_S:
                rest.popleft()
            return replace(r, passed=None if r.value is None else True)  # at rest it is its own reference
        if r.value is None or not rest:
            return replace(r, passed=None)
        change = r.value - statistics.median(v for _, v in rest)
        passed = c.check(change)
        return replace(r, value=round(change, 1), passed=passed, message="" if passed else c.too_low or c.too_high)
