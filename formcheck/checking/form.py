"""Judging form: which of an exercise's criteria apply on a frame, and the fault events they make.

A criterion applies only in its phase (``Criterion.when``: see :mod:`formcheck.exercises.base`), once the person has
been in position for ``SETTLE_S`` ("ease in slowly": getting into position is never a fault; a fault that began
in the ``EXIT_S`` before the person left the position was the way out, and is dropped), and, with
``only_prescribed_start`` / ``only_variant_start``, only when the rep starts from the prescribed start position /
from the variant's. ``relative`` criteria are judged as the change from the person's own value at rest just before
the rep. ``"top"`` criteria are kept with the
rep under way and judged over its top window when it ends (:func:`~formcheck.checking.criteria.judge_top`). Every
fault goes through one :class:`~formcheck.checking.faults.FaultWatch`, so the cue, the report and the history share
the same events.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import replace

from formcheck.checking.criteria import judge_top, phases_now, to_check
from formcheck.checking.faults import GAP_S, Check, FaultEvent, FaultWatch
from formcheck.checking.report import during
from formcheck.checking.reps import Rep, RepDetector
from formcheck.exercises.base import Criterion, Exercise
from formcheck.values import CriterionResult

SETTLE_S = 1.0  # form rules apply once the person has been in position this long ("ease in slowly")
EXIT_S = 1.0  # a fault that began this soon before the person left the position was the way out
REFERENCE_S = 1.0  # a relative criterion's reference: its median over this long at rest before the rep
REST_KEPT_S = 4.0  # values at rest are kept this long (a rep is recognised a little after it began)


class FormJudge:
    """``frame(...)`` for each frame in position, ``out_of_position(...)`` otherwise; ``rep_done(rep)`` when a rep
    ends. ``watch.events`` holds every fault so far."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.watch = FaultWatch()
        self._top: dict[str, list[tuple[float, list[Check]]]] = {}  # per detector: "top" rules, frame by frame
        self._rest: dict[str, deque[tuple[float, float]]] = {}  # relative criteria: their values at rest
        self._seen: dict[str, tuple[float | None, list[tuple[float, float]]]] = {}  # ...in a rep with no rest before
        self._since: float | None = None  # in position since
        self._last = 0.0  # the last frame judged
        self._out_since: float | None = None  # out of position since (None: in position)
        self.exiting: list[FaultEvent] = []  # faults that began just before the person left the position
        self._phase: str | None = "rest"  # the working side's rep phase on the last frame
        self._recent: deque[tuple[float, list[Check]]] = deque()  # the working rules on recent frames
        self.final: list[FaultEvent] = []  # faults not bound to a rep that ended (and so stand) on the last frame

    def out_of_position(self, t: float, side: str | None) -> None:
        """The person is out of position: lasting faults end. A fault that began in the ``EXIT_S`` before was the
        movement out of the position: once the person has been out for ``GAP_S`` it is dropped (back in position
        sooner, it was a flicker of the position rules and it stands). The time in position then starts afresh."""
        self.final = []
        if self._out_since is None:
            self._out_since = t
            self.exiting = [e for e in self.watch.active() if t - e.start_s < EXIT_S]
            self.watch.update(t, [], side)
            self.final = [e for e in self.watch.ended if not e.rep_bound and e not in self.exiting]
        elif t - self._out_since >= GAP_S:
            self.watch.events = [e for e in self.watch.events if e not in self.exiting]
            self.exiting, self._since = [], None

    def not_judged(self, t: float, side: str | None) -> None:
        """This frame cannot be judged (nobody, body parts out of view): lasting faults end; the time in position
        goes on unless nothing is judged for ``GAP_S``."""
        self.watch.update(t, [], side)
        self.final = [e for e in self.watch.ended if not e.rep_bound]

    def frame(
        self, t: float, results: list[CriterionResult], work: str, detector: RepDetector | None, safety: list[Check]
    ) -> list[FaultEvent]:
        """Judge one frame in position (``results``: each criterion's, in the exercise's order; ``detector``: the
        working side's rep detector, if any); returns the faults that began on it."""
        if self._out_since is not None:  # back in position: a flicker if it was short, and its faults stand
            flicker = t - self._out_since < GAP_S
            back = [e for e in self.exiting if not e.rep_bound] if flicker else []
            self.exiting, self._out_since = [], None
        else:
            back = []
        if self._since is None or t - self._last > GAP_S:
            self._since = t
        self._last = t
        phase = detector.phase() if detector is not None else None
        prescribed = detector is None or detector.prescribed_way
        wanted = [
            (c, self._relative(c, r, detector, t) if c.relative else r)
            for c, r in zip(self.exercise.criteria, results)
            if t - self._since >= SETTLE_S and c.applies_to(prescribed)
        ]
        if detector is not None and phase != "rest":
            top = [to_check(c, r) for c, r in wanted if c.when == "top"]
            self._top.setdefault(detector.side or "both", []).append((t, top))
        phases = phases_now(self.exercise, phase)
        if self.exercise.reps is not None:  # speed matters while a rep is under way, as a fault of that rep
            safety = [replace(c, rep_bound=True) for c in safety] if phase != "rest" else []
        checks = [to_check(c, r) for c, r in wanted if c.when in phases] + safety
        since = self._rep_began(t, detector, phase, [to_check(c, r) for c, r in wanted if c.when == "working"])
        begun = self.watch.update(t, checks, work, since)
        self.final = back + [e for e in self.watch.ended if not e.rep_bound]
        return begun

    def _rep_began(
        self, t: float, detector: RepDetector | None, phase: str | None, working: list[Check]
    ) -> dict[str, float]:
        """A rep is recognised once it has moved far enough, a little after it began: on the frame it is, the
        working rules that have failed since its (dated back) start have failed since then."""
        was, self._phase = self._phase, phase
        self._recent.append((t, working))
        while self._recent and t - self._recent[0][0] > REST_KEPT_S:
            self._recent.popleft()
        if detector is None or was != "rest" or phase == "rest":
            return {}
        since: dict[str, float] = {}
        for check in working:
            if not check.failing:
                continue
            for ts, past in reversed(self._recent):
                same = next((c for c in past if c.criterion == check.criterion), None)
                if ts < detector.rep_start_s or same is None or same.failing is False:
                    break
                since[check.criterion] = ts
        return since

    def rep_done(self, rep: Rep) -> list[FaultEvent]:
        """A rep is counted: its ``"top"`` faults (over its top window) join the events, and all its faults now
        stand; they are returned. The frames up to the rep's end are forgotten."""
        events = self.top_faults(rep)
        key = rep.side or "both"
        self._top[key] = [f for f in self._top.get(key, []) if f[0] > rep.end_s]
        self.watch.events.extend(events)
        return [e for e in self.watch.events if e.rep_bound and during(e, rep)]

    def top_faults(self, rep: Rep) -> list[FaultEvent]:
        """``rep``'s top faults without recording them (for a rep still pending at the end of a recording); a partial
        rep skips ``full_reps_only`` criteria (its verdict already says how far it got)."""
        events = [replace(e, rep_bound=True) for e in judge_top(rep, self._top.get(rep.side or "both", []), rep.side)]
        if not rep.full:
            skip = {c.name for c in self.exercise.criteria if c.full_reps_only}
            events = [e for e in events if e.criterion not in skip]
        return events

    def _relative(self, c: Criterion, r: CriterionResult, detector: RepDetector | None, t: float) -> CriterionResult:
        """A ``relative`` criterion's result as the change from its value at rest just before the rep began (the
        rep's start is dated back to when it left its rest level)."""
        rest = self._rest.setdefault(c.name, deque())
        if detector is None or detector.phase() == "rest":
            if r.value is not None:
                rest.append((t, r.value))
            while rest and t - rest[0][0] > REST_KEPT_S:
                rest.popleft()
            return replace(r, passed=None if r.value is None else True)  # at rest it is its own reference
        start = detector.rep_start_s
        before = [v for ts, v in rest if start - REFERENCE_S <= ts <= start] or [v for ts, v in rest if ts <= start]
        if not before:  # no rest seen before this rep (the recording began with it under way): its first second
            seen = self._first_seen(c.name, start, t, r.value)
            if not seen or t - seen[0][0] < REFERENCE_S:
                return replace(r, passed=None if r.value is None else True)  # still its own reference
            before = [v for _, v in seen]
        if r.value is None or not before:
            return replace(r, passed=None)
        change = r.value - statistics.median(before)
        passed = c.check(change)
        return replace(r, value=round(change, 1), passed=passed, message="" if passed else c.too_low or c.too_high)

    def _first_seen(self, name: str, start: float, t: float, value: float | None) -> list[tuple[float, float]]:
        """A relative criterion's values over the first ``REFERENCE_S`` it was seen in the rep that began at
        ``start`` (kept per criterion; a new rep starts them afresh)."""
        rep, seen = self._seen.get(name, (None, []))
        if rep != start:
            rep, seen = start, []
            self._seen[name] = (rep, seen)
        if value is not None and (not seen or t - seen[0][0] < REFERENCE_S):
            seen.append((t, value))
        return seen
