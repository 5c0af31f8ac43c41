"""Fault events: the one record of what went wrong, when, on which side and in which rep.

Every form rule (an exercise's :class:`~formcheck.exercises.base.Criterion`) and every safety rule (speed, bouncing:
:mod:`formcheck.checking.safety`) is judged frame by frame as a :class:`Check`. :class:`FaultWatch` turns a run of
failing frames into a :class:`FaultEvent` once the run has lasted the rule's ``min_fail_s`` (so jitter and a moment of
transition are never faults), and ends it when the rule passes again, stops applying (its phase is over, the working
side changed) or has not been measurable for ``GAP_S``. Frames where a rule cannot be measured neither break nor
extend a run.

A fault judged during a rep (``rep_bound``) is a fault of that rep: it stands only if the rep is counted (a rep that
is never finished, e.g. the person sits up and stays there, takes its faults with it). The live cue shows faults as
they last; the history and the report take them once they stand (``Feedback.final_faults``,
``Report.fault_events``), so the table, the summary, exports and the history cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GAP_S = 0.5  # a rule not measured for this long ends its run (a tracking gap)


@dataclass(frozen=True)
class Check:
    """One rule on one frame. ``failing``: True / False, or None when it cannot be measured."""

    criterion: str  # the rule's name: a criterion's name in the exercise file, or a safety rule's
    failing: bool | None
    message: str  # the cue: how to fix it
    seen: str  # what happened, in words for a rep's verdict ("the raised knee bent")
    angle: str = ""  # the angle it was measured on ("right_knee"); "" when none
    value: float | None = None  # degrees (or deg/s for speed)
    limit: float | None = None  # the bound it broke
    min_fail_s: float = 0.3
    rep_bound: bool = False  # judged during a rep: a fault of that rep, reported only if the rep is counted
    mostly: bool = False  # a noisy measure: over a rep's top it is a fault when it fails on most of the frames


@dataclass
class FaultEvent:
    """A fault: rule ``criterion`` failed from ``start_s`` to ``end_s`` (None while it lasts), seconds of the
    recording. ``worst`` is the value furthest past ``limit`` (degrees); ``rep`` the 1-based rep it belongs to (None
    in a hold or between reps), set by the report."""

    criterion: str
    message: str
    seen: str
    start_s: float
    end_s: float | None
    side: str | None
    angle: str = ""
    worst: float | None = None
    limit: float | None = None
    rep: int | None = None
    rep_bound: bool = False  # a fault of the rep under way: it stands only if that rep is counted

    @property
    def duration_s(self) -> float:
        return 0.0 if self.end_s is None else max(0.0, self.end_s - self.start_s)

    def words(self) -> str:
        """The fault in words for people: "the raised knee bent for 0.8 s (130 deg; keep it at or above 145)"."""
        text = self.seen
        if self.duration_s >= 0.05:
            text += f" for {self.duration_s:.1f} s"
        if self.worst is not None and self.limit is not None and math.isfinite(self.worst):
            bound = "at or above" if self.worst < self.limit else "at or below"
            if self.angle.endswith("_width"):
                text += f" ({self.worst:.1f} x hip width; keep it {bound} {self.limit:.1f})"
            else:
                unit = " deg/s" if self.criterion == "controlled speed" else " deg"
                text += f" ({self.worst:.0f}{unit}; keep it {bound} {self.limit:.0f})"
        return text


@dataclass
class _Run:
    """A run of failing frames of one rule that is not over yet."""

    start_s: float
    last_fail_s: float
    last_seen_s: float
    angle: str
    worst: float | None
    limit: float | None
    event: FaultEvent | None = None  # set once the run has lasted long enough to be a fault


class FaultWatch:
    """``update(t, checks, side)`` once per judged frame: returns the fault events that began on this frame. Every
    event so far is in ``events``; ``active()`` are those still lasting; ``ended`` those that ended on the last
    update (or close)."""

    def __init__(self) -> None:
        self.events: list[FaultEvent] = []
        self.ended: list[FaultEvent] = []
        self._runs: dict[str, _Run] = {}

    def update(
        self, t: float, checks: list[Check], side: str | None, since: dict[str, float] | None = None
    ) -> list[FaultEvent]:
        """``since``: for a rule that starts a run on this frame, when it really began failing (a phase that is
        recognised a little after it began, e.g. a rep is seen once it has moved far enough)."""
        begun: list[FaultEvent] = []
        self.ended = []
        applying = {c.criterion for c in checks}
        for name in [n for n in self._runs if n not in applying]:
            self._end(name)  # the rule no longer applies (phase over, not in position)
        for check in checks:
            run = self._runs.get(check.criterion)
            if run is not None and (run.angle != check.angle or t - run.last_seen_s > GAP_S):
                self._end(check.criterion)  # another side's angle, or not measured for a while
                run = None
            if check.failing is None:
                continue
            if not check.failing:
                if run is not None:
                    self._end(check.criterion)
                continue
            if run is None:
                start = min(t, (since or {}).get(check.criterion, t))
                run = self._runs[check.criterion] = _Run(start, t, t, check.angle, check.value, check.limit)
            run.last_fail_s = run.last_seen_s = t
            run.worst = _worse(run.worst, check.value, check.limit)
            if run.event is None and t - run.start_s >= check.min_fail_s - 1e-9:
                run.event = FaultEvent(
                    check.criterion,
                    check.message,
                    check.seen,
                    run.start_s,
                    None,
                    side,
                    check.angle,
                    None,
                    check.limit,
                    rep_bound=check.rep_bound,
                )
                self.events.append(run.event)
                begun.append(run.event)
            if run.event is not None:
                run.event.worst = run.worst
        return begun

    def discard_lasting(self, t: float, began_within_s: float) -> None:
        """Forget the faults still lasting at ``t`` that began less than ``began_within_s`` before: the person is
        leaving the position, and a rule that broke on the way out is the movement out, not a fault."""
        for name, run in list(self._runs.items()):
            if run.event is not None and t - run.event.start_s < began_within_s:
                self.events.remove(run.event)
                run.event = None
            del self._runs[name]

    def close(self) -> None:
        """End every run (the session is over, or the stream starts afresh after a cut)."""
        self.ended = []
        for name in list(self._runs):
            self._end(name)

    def active(self) -> list[FaultEvent]:
        """The faults lasting now, oldest first."""
        return [r.event for r in self._runs.values() if r.event is not None]

    def _end(self, name: str) -> None:
        run = self._runs.pop(name)
        if run.event is not None:
            run.event.end_s = run.last_fail_s
            run.event.worst = run.worst
            self.ended.append(run.event)


def _worse(worst: float | None, value: float | None, limit: float | None) -> float | None:
    """The value further past ``limit`` of the two (the run's worst so far)."""
    if value is None or not math.isfinite(value):
        return worst
    if worst is None or limit is None:
        return value if worst is None else worst
    return value if abs(value - limit) > abs(worst - limit) else worst
