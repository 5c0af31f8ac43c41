"""What the live page says out loud, and when: short phrases for the main events, one at a time.

``SpeechPlanner.step(feedback, routine, t)`` is called once per processed frame and returns the phrase to speak now,
or None. The browser only speaks what it is told (``speechSynthesis``, offline), so every decision is here and
testable frame by frame:

Most important first:

0. "Routine complete. Well done": the guided routine's last set is done.
1. "Switch to your left leg" / "Next: <exercise>": a routine step is done and the next wants the other side (or
   another exercise).
2. "Hold done" / "Set done": a hold reached its target; a routine set is done.
3. "Lost track of you": the person being tracked was lost (once per loss).
4. A fault's first words ("Stand tall"): the first fault of a rep (the next one only after a rep is counted, or
   ``fault_repeat_s`` later for holds). Faults are the checker's fault events (``Feedback.new_faults``): a rule that
   has failed for its ``min_fail_s`` in its phase, never a moment of jitter, so what is said is what the report
   lists.
5. The count ("3", "Left 3"): a rep was counted.
6. "Ten seconds left": a running hold of 15 s or more passes 10 s to go.

One at a time: after a phrase nothing else is said for its cool-down (``gap_s`` plus a little per word, so a long
phrase is not cut off). Something due during a cool-down waits, the most important first, and is dropped when it has
waited ``stale_s`` (a count is replaced by the newer count). Times are the frames' own (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.checking.criteria import MSG_TRACKING_LOST
from formcheck.checking.routine import RoutineStatus
from formcheck.exercises import get
from formcheck.values import Feedback

PHRASE_ROUTINE_DONE = "Routine complete. Well done"
PHRASE_SWITCH = "Switch to your {side} leg"
PHRASE_NEXT = "Next: {name}"
PHRASE_HOLD_DONE = "Hold done"
PHRASE_SET_DONE = "Set done"
PHRASE_LOST = "Lost track of you"
PHRASE_TEN_LEFT = "Ten seconds left"
TEN_LEFT_MIN_HOLD_S = 15.0


@dataclass(frozen=True)
class Utterance:
    priority: int  # 0 = most important
    text: str
    due_t: float  # when it became due (frame time)


def fault_phrase(cue: str) -> str:
    """The first words of a fault's message: "Stand tall: don't lean back ..." -> "Stand tall"."""
    return cue.partition(":")[0].partition(".")[0].strip()


def count_phrase(fb: Feedback, exercise: str | None) -> str:
    """What to say for a counted rep: the count, per side when the prescription counts each side."""
    if len(fb.reps) == 1:
        return str(next(iter(fb.reps.values())))
    total = exercise is not None and get(exercise).prescription.reps_total
    if total or not fb.side or fb.side not in fb.reps:
        return str(sum(fb.reps.values()))
    return f"{fb.side.capitalize()} {fb.reps[fb.side]}"


class SpeechPlanner:
    """Turns each frame's feedback into at most one phrase to speak (see the module's table)."""

    def __init__(
        self, gap_s: float = 0.6, per_word_s: float = 0.3, stale_s: float = 2.5, fault_repeat_s: float = 10.0
    ) -> None:
        for name, value in (("gap_s", gap_s), ("per_word_s", per_word_s), ("stale_s", stale_s)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0 seconds, got {value}")
        self.gap_s, self.per_word_s, self.stale_s, self.fault_repeat_s = gap_s, per_word_s, stale_s, fault_repeat_s
        self._quiet_until = float("-inf")  # frame time when the current phrase's cool-down ends
        self._waiting: list[Utterance] = []
        self._fault_spoken_t: float | None = None  # a fault was spoken in this rep (None: the next one may be)
        self._lost = False  # "lost track" was said for the current loss
        self._seen = False  # somebody has been tracked
        self._hold_s = 0.0
        self._step: RoutineStatus | None = None

    def step(
        self,
        fb: Feedback | None,
        routine: RoutineStatus | None,
        t: float,
        exercise: str | None = None,
        person: bool = True,
    ) -> str | None:
        """The phrase to speak at frame time ``t``, or None. ``exercise``: the registry key being checked;
        ``person``: somebody is tracked in this frame (False once the tracker has lost them)."""
        if fb is not None:
            for u in self._due(fb, routine, t, exercise, person):
                self._wait(u)
        self._step = routine or self._step
        self._waiting = [u for u in self._waiting if t - u.due_t <= self.stale_s]
        if not self._waiting or t < self._quiet_until:
            return None
        best = min(self._waiting, key=lambda u: (u.priority, -u.due_t))
        self._waiting.remove(best)
        self._quiet_until = t + self.gap_s + self.per_word_s * len(best.text.split())
        return best.text

    def _wait(self, u: Utterance) -> None:
        """Queue ``u``; a newer phrase of the same priority replaces the older (the newest count wins)."""
        self._waiting = [w for w in self._waiting if w.priority != u.priority] + [u]

    def _due(
        self, fb: Feedback, routine: RoutineStatus | None, t: float, exercise: str | None, person: bool
    ) -> list[Utterance]:
        due = [Utterance(p, text, t) for p, text in self._routine_phrases(fb, routine)]
        if "hold_complete" in fb.events:
            due.append(Utterance(2, PHRASE_HOLD_DONE, t))
        due += self._lost_phrase(fb, t, person)
        due += self._fault_phrase(fb, t)  # a fault found as its rep ends belongs to that rep
        if "rep" in fb.events:
            self._fault_spoken_t = None  # a new rep: its first fault may be said
            due.append(Utterance(5, count_phrase(fb, exercise), t))
        if self._ten_left(fb):
            due.append(Utterance(6, PHRASE_TEN_LEFT, t))
        self._hold_s = fb.hold_s
        return due

    def _routine_phrases(self, fb: Feedback, routine: RoutineStatus | None) -> list[tuple[int, str]]:
        if "routine_done" in fb.events:
            return [(0, PHRASE_ROUTINE_DONE)]
        if "set_done" not in fb.events or routine is None:
            return []
        before, now = self._step, routine.step
        if before is not None and before.step.exercise == now.exercise and now.side and now.side != before.step.side:
            return [(1, PHRASE_SWITCH.format(side=now.side))]
        if before is not None and before.step.exercise != now.exercise:
            return [(1, PHRASE_NEXT.format(name=get(now.exercise).name))]
        return [(2, PHRASE_SET_DONE)]

    def _lost_phrase(self, fb: Feedback, t: float, person: bool) -> list[Utterance]:
        if person and fb.cue != MSG_TRACKING_LOST:
            self._seen = True
            if fb.in_position:
                self._lost = False  # found again: a later loss is said again
            return []
        if not self._seen and fb.cue != MSG_TRACKING_LOST:
            return []  # nobody was there yet: "step into view" is on the screen
        if self._lost:
            return []
        self._lost = True
        return [Utterance(3, PHRASE_LOST, t)]

    def _fault_phrase(self, fb: Feedback, t: float) -> list[Utterance]:
        if not fb.new_faults:
            return []
        if self._fault_spoken_t is not None and t - self._fault_spoken_t < self.fault_repeat_s:
            return []  # this rep's first fault was said already
        self._fault_spoken_t = t
        return [Utterance(4, fault_phrase(fb.new_faults[0].message), t)]

    def _ten_left(self, fb: Feedback) -> bool:
        target = fb.hold_target_s
        if target < TEN_LEFT_MIN_HOLD_S or fb.reps:
            return False
        return self._hold_s < target - 10.0 <= fb.hold_s
