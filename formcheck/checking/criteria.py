"""Judging one frame against an exercise's data: can it be judged at all (person, view, body in frame), and does each
criterion hold. Pure functions of a ``FrameResult``; the messages are the exercise's own."""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.checking.faults import Check, FaultEvent, FaultWatch
from formcheck.checking.reps import Rep
from formcheck.checking.sides import SIDES
from formcheck.exercises.base import Criterion, Exercise, resolve_angle
from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Landmark
from formcheck.values import CriterionResult, FrameResult

MSG_NO_PERSON = "Step into view: nobody is visible."
MSG_TRACKING_LOST = (
    "Lost track of you: keep your whole body in view, side-on. Timing is paused until you are found again."
)
MSG_WRONG_VIEW = "Turn side-on to the camera: this exercise is judged from the side."
MSG_OUT_OF_FRAME = "Move so your whole body is in view: {parts} cannot be seen."


@dataclass(frozen=True)
class Blocked:
    """Why a frame cannot be judged: the cue to say, and whether the person has left the pose (turned to face the
    camera: a hold ends) rather than the view (nobody, tracking lost, parts out of frame: a hold pauses)."""

    message: str
    out_of_pose: bool = False


def blocker(exercise: Exercise, result: FrameResult, seen_before: bool) -> Blocked | None:
    """Why this frame cannot be judged (nobody, tracking lost, wrong view, body parts out of frame), or None."""
    if result.pose is None:
        return Blocked(result.problem or (MSG_TRACKING_LOST if seen_before else MSG_NO_PERSON))
    if exercise.view == "side" and result.view == "front":
        return Blocked(MSG_WRONG_VIEW, out_of_pose=True)
    missing = [part for part in exercise.required if not part_visible(result, part)]
    if missing:
        return Blocked(MSG_OUT_OF_FRAME.format(parts=", ".join(f"your {m}s" for m in missing)))
    return None


def part_visible(result: FrameResult, part: str) -> bool:
    """At least one side's ``part`` ("knee", "ankle", ...) is visible and inside the picture."""
    pose = result.pose
    if pose is None:
        return False
    w, h = pose.image_size
    for side in SIDES:
        lm = Landmark[f"{side.upper()}_{part.upper()}"]
        x, y = pose.xy[lm]
        if pose.visibility[lm] >= DEFAULT_MIN_VISIBILITY and 0.0 <= x <= w and 0.0 <= y <= h:  # NaN: not inside
            return True
    return False


def evaluate(c: Criterion, result: FrameResult, work: str) -> CriterionResult:
    """``c`` on this frame for working side ``work``: passed, failed (with the fix-it message) or not measurable."""
    angle = c.resolve(work)
    v = result.angles.get(angle, math.nan)
    if not math.isfinite(v) and c.fallback is not None:
        angle = resolve_angle(c.fallback, work)
        v = result.angles.get(angle, math.nan)
    if not math.isfinite(v):
        return CriterionResult(c.name, angle, None, c.low, c.high, None, f"Can't see your {c.name} clearly")
    passed = c.check(v)
    msg = "" if passed else (c.too_low if c.low is not None and v < c.low else c.too_high)
    return CriterionResult(c.name, angle, round(v, 1), c.low, c.high, passed, msg)


def phases_now(exercise: Exercise, rep_phase: str | None) -> set[str]:
    """The phases (``Criterion.when``) judged as the frames come, on a frame in position: a rep exercise at rest is
    in its start position, a rep under way is working; a hold exercise is holding; leg circles work. (``"top"`` is
    judged when a rep ends, over its top window: :func:`judge_top`.)"""
    if exercise.reps is not None:
        return {"always", *{"rest": ("start",), "working": ("working",), "top": ("working",)}[rep_phase or "rest"]}
    if exercise.circles:
        return {"always", "working"}
    return {"always", "hold"}


def to_check(c: Criterion, r: CriterionResult) -> Check:
    """A criterion's result on one frame as a rule for the fault watch."""
    failing = None if r.passed is None else not r.passed
    limit = c.low if (r.value is not None and c.low is not None and r.value < c.low) else c.high
    seen = c.seen(r.value) if r.value is not None else c.name
    bound = c.when in ("working", "top")
    return Check(c.name, failing, r.message, seen, r.angle, r.value, limit, c.min_fail_s, bound, c.mostly)


def judge_top(rep: Rep, frames: list[tuple[float, list[Check]]], side: str | None) -> list[FaultEvent]:
    """The faults of ``"top"`` criteria over ``rep``'s top / hold window (from the first to the last time it was
    within the top band of its peak), from the checks recorded on each frame of the rep."""
    inside = [(t, checks) for t, checks in frames if rep.window_start_s <= t <= rep.window_end_s]
    watch = FaultWatch()
    for t, checks in inside:
        watch.update(t, [c for c in checks if not c.mostly], side)
    watch.close()
    return watch.events + _mostly_failing(inside, side)


def _mostly_failing(frames: list[tuple[float, list[Check]]], side: str | None) -> list[FaultEvent]:
    """``mostly`` rules (noisy measures): a fault over the whole window when they fail on most measured frames."""
    by_rule: dict[str, list[tuple[float, Check]]] = {}
    for t, checks in frames:
        for c in checks:
            if c.mostly and c.failing is not None:
                by_rule.setdefault(c.criterion, []).append((t, c))
    out = []
    for name, seen in by_rule.items():
        failing = [c for _, c in seen if c.failing]
        if 2 * len(failing) > len(seen) and seen[-1][0] - seen[0][0] >= failing[0].min_fail_s:
            values = sorted(c.value for c in failing if c.value is not None)
            worst = values[len(values) // 2] if values else None
            first = failing[0]
            out.append(
                FaultEvent(
                    name,
                    first.message,
                    first.seen,
                    seen[0][0],
                    seen[-1][0],
                    side,
                    first.angle,
                    worst,
                    first.limit,
                    rep_bound=True,
                )
            )
    return out
