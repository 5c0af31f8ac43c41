"""Guided routine: walks the psoas / hip-flexor routine in order, one set at a time, advancing when a set is done.

A step is one exercise on one side (or both) with a target taken from the exercise's prescription:

- holds: ``sets`` completed holds of ``hold_s`` on that side (e.g. kneeling stretch: 3 x 30 s, left leg then right);
- reps: ``reps`` per side, or in total for alternating exercises (marches: 20 in total);
- circles: ``reps`` circles in each direction on that side.

``RoutineRunner`` has the same ``step(result) -> Feedback`` / ``report()`` interface as an ``ExerciseSession`` (so
the live pipeline drives it unchanged); its feedback is a ``RoutineFeedback``, which adds ``routine`` (a
``RoutineStatus``), plus the events ``set_done`` / ``exercise_done`` / ``routine_done``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from formcheck.checking.report import Report
from formcheck.checking.session import ExerciseSession
from formcheck.checking.sides import SIDES
from formcheck.exercises import get
from formcheck.exercises.base import Exercise
from formcheck.values import Feedback, FrameResult

# The routine's order (the product brief); standing_march is an alternative to psoas_march, not part of it.
ROUTINE_ORDER = (
    "kneeling_hip_flexor",
    "lying_psoas",
    "standing_pelvic_tilt",
    "bridge",
    "knee_to_chest",
    "single_leg_raise",
    "psoas_march",
    "low_lunge",
    "warrior_one",
    "roll_up",
    "leg_circles",
)


@dataclass(frozen=True)
class Step:
    exercise: str
    side: str | None  # "left" / "right", or None for both sides together
    kind: str  # "hold", "reps" or "circles"
    target: int

    @property
    def title(self) -> str:
        ex = get(self.exercise)
        where = f" - {self.side} side" if self.side else ""
        return f"{ex.name}{where}"

    @property
    def goal(self) -> str:
        p = get(self.exercise).prescription
        if self.kind == "hold":
            return f"{self.target} hold{'s' if self.target > 1 else ''} of {p.hold_s:.0f} s"
        if self.kind == "circles":
            return f"{self.target} circles each way"
        return f"{self.target} reps"

    def done(self, fb: Feedback) -> int:
        """How much of the target the session's feedback shows as done."""
        if self.kind == "hold":
            return fb.holds_done.get(self.side or "both", 0)
        if self.kind == "circles":
            return min(fb.reps.get(f"{self.side} inward", 0), fb.reps.get(f"{self.side} outward", 0))
        if self.side is None:
            return sum(fb.reps.values())
        return fb.reps.get(self.side, 0)


def steps_for(exercise: Exercise) -> list[Step]:
    """The exercise's steps from its prescription (one per side where the prescription is per side)."""
    p = exercise.prescription
    if exercise.circles:
        return [Step(exercise.key, s, "circles", p.reps) for s in SIDES]
    if exercise.reps is not None:
        per_side = exercise.reps.per_side and not p.reps_total
        return (
            [Step(exercise.key, s, "reps", p.reps) for s in SIDES]
            if per_side
            else [Step(exercise.key, None, "reps", p.reps)]
        )
    if exercise.side_rule is not None:
        return [Step(exercise.key, s, "hold", p.sets) for s in SIDES]
    return [Step(exercise.key, None, "hold", p.sets)]


def routine_steps(order: tuple[str, ...] = ROUTINE_ORDER) -> list[Step]:
    return [step for key in order for step in steps_for(get(key))]


@dataclass(frozen=True)
class RoutineStatus:
    index: int  # 0-based step number
    total: int
    step: Step
    done: int  # of step.target
    next_title: str | None
    finished: bool = False

    @property
    def line(self) -> str:
        if self.finished:
            return "Routine complete - well done!"
        return (
            f"Step {self.index + 1}/{self.total}: {self.step.title} - {self.done}/{self.step.target} ({self.step.goal})"
        )


@dataclass
class RoutineFeedback(Feedback):
    """An exercise session's feedback plus where the routine stands."""

    routine: RoutineStatus | None = None

    @classmethod
    def of(cls, fb: Feedback, routine: RoutineStatus) -> RoutineFeedback:
        return cls(**{f.name: getattr(fb, f.name) for f in fields(Feedback)}, routine=routine)


MSG_SWITCH = "This set is for your {side} side: switch sides."


class RoutineRunner:
    """Drives one ``ExerciseSession`` per exercise through ``steps``; ``skip()`` and ``back()`` move by hand."""

    def __init__(self, steps: list[Step] | None = None) -> None:
        self.steps = steps if steps is not None else routine_steps()
        if not self.steps:
            raise ValueError("steps must hold at least one step, got an empty list")
        self.index = 0
        self.session = ExerciseSession(get(self.steps[0].exercise))
        self.finished_reports: list[Report] = []  # one per exercise left behind, in order

    @property
    def exercise(self) -> Exercise:
        return self.session.exercise

    @property
    def finished(self) -> bool:
        return self.index >= len(self.steps)

    def step(self, result: FrameResult) -> RoutineFeedback:
        fb = self.session.step(result)
        if self.finished:
            return RoutineFeedback.of(fb, self.status(fb))
        step = self.steps[self.index]
        if step.side and fb.in_position and fb.side and fb.side != step.side and self.exercise.side_rule is not None:
            fb.cue, fb.level = MSG_SWITCH.format(side=step.side), "info"
        if step.done(fb) >= step.target:
            fb.events.append("set_done")
            fb.events.extend(self._go(self.index + 1))
        # after moving to another exercise this frame's counts belong to the previous one
        return RoutineFeedback.of(fb, self.status(None if "exercise_done" in fb.events else fb))

    def status(self, fb: Feedback | None = None) -> RoutineStatus:
        if self.finished:
            return RoutineStatus(len(self.steps), len(self.steps), self.steps[-1], self.steps[-1].target, None, True)
        step = self.steps[self.index]
        nxt = self.steps[self.index + 1].title if self.index + 1 < len(self.steps) else None
        done = step.done(fb) if fb is not None else 0
        return RoutineStatus(self.index, len(self.steps), step, min(done, step.target), nxt)

    def skip(self) -> list[str]:
        return self._go(self.index + 1)

    def back(self) -> list[str]:
        """Go back one step and redo it from zero (the session so far is kept as a finished report)."""
        self.finished_reports.append(self.session.report())
        self.index = max(0, self.index - 1)
        self.session = ExerciseSession(get(self.steps[self.index].exercise))
        return ["exercise_done"]

    def _go(self, index: int) -> list[str]:
        events: list[str] = []
        previous = self.exercise.key
        self.index = min(index, len(self.steps))
        nxt = self.steps[self.index].exercise if not self.finished else None
        if nxt != previous:
            self.finished_reports.append(self.session.report())
            events.append("exercise_done")
            if nxt is not None:
                self.session = ExerciseSession(get(nxt))
        if self.finished:
            events.append("routine_done")
        return events

    def report(self, include_pending: bool = True) -> Report:
        return self.session.report(include_pending)
