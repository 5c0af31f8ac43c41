"""What the live page's on-screen panel says, in words, from one frame's feedback: the cue, the count or hold timer,
the set's progress, the side the current routine step wants, and notices (two people in view). The browser shows
these strings as they are; every choice of wording is here.

``skeleton`` gives the landmarks and angle labels to draw over the camera picture, normalised to the frame (0-1),
so the browser can draw them at any size.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from formcheck.app.summary import MSG_MORE_PEOPLE
from formcheck.checking.routine import RoutineStatus
from formcheck.checking.session import progress_line
from formcheck.exercises import REGISTRY
from formcheck.landmarks import CONNECTIONS, DEFAULT_MIN_VISIBILITY
from formcheck.media.draw import LABELLED_JOINTS
from formcheck.pose.angles import JOINT_ANGLES
from formcheck.pose.level import FULL_ROLL_DEG
from formcheck.values import Feedback, FrameResult

MSG_PRESS_START = "Press Start camera: then step into view, side-on, your whole body in the picture."
MSG_DIM_LIVE = "The room is dim: turn on a light or face a window, so angles and faults are exact."
MSG_CROOKED_LIVE = "Your camera leans about {deg:.0f} deg. formcheck corrects for it, but upright is best."
MSG_PICK = "Pick an exercise (or the guided routine) to be coached; until then only the angles are shown."
TIMER = re.compile(r"\d+ s / \d+ s")
BONES: list[tuple[int, int]] = [(int(a), int(b)) for a, b in CONNECTIONS]
_VERTEX = {j.name: int(j.vertex[0]) for j in JOINT_ANGLES}


@dataclass
class Panel:
    """The panel's text. ``level``: "ok" (green), "fix" / "warn" (red), "info" (neutral)."""

    cue: str  # the headline, in the largest type: a cue's first words ("Stand tall")
    level: str = "info"
    detail: str = ""  # the rest of the cue ("don't lean back as the knee comes up")
    count: str = ""  # the big number: reps ("3", "L 2 · R 1") or the running hold ("18 s")
    progress: str = ""  # the set against the prescription ("right leg 2/3 - 18 s / 30 s", "reps: 3 of 20")
    side: str = ""  # the side the routine step wants ("LEFT SIDE"), or the working side ("left leg")
    step: str = ""  # the routine's step line
    next: str = ""  # the routine's next step
    notice: str = ""  # e.g. two people in view
    exercise: str = ""  # the exercise's name

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def split_cue(cue: str) -> tuple[str, str]:
    """A cue as headline and detail, at its first colon: "Stand tall: don't lean back" -> ("Stand tall", "don't
    lean back"). A cue without one is all headline."""
    head, sep, rest = cue.partition(":")
    if not sep or not rest.strip() or len(head) > 60:
        return cue, ""
    rest = rest.strip()
    return head.strip(), "" if TIMER.fullmatch(rest) else rest  # "12 s / 30 s": the count shows it already


def count_text(fb: Feedback) -> str:
    """The big number: reps so far (per side for exercises counted per side), or the hold's seconds."""
    if fb.reps:
        if len(fb.reps) == 1:
            return str(next(iter(fb.reps.values())))
        by_side: dict[str, list[str]] = {}
        for key, n in fb.reps.items():  # "left" or, for leg circles, "left inward" / "left outward"
            side, _, way = key.partition(" ")
            by_side.setdefault(side, []).append(f"{n} {way.removesuffix('ward')}".strip())
        return " · ".join(f"{side[0].upper()} {' '.join(counts)}" for side, counts in by_side.items())
    if fb.hold_target_s:
        return f"{fb.hold_s:.0f} s"
    return ""


def side_text(fb: Feedback | None, routine: RoutineStatus | None) -> str:
    """The side the routine step wants, or else the working side the checker sees."""
    if routine is not None and not routine.finished:
        return f"{routine.step.side.upper()} SIDE" if routine.step.side else "BOTH SIDES"
    return f"{fb.side} leg" if fb is not None and fb.side else ""


def progress_text(fb: Feedback, exercise: str | None) -> str:
    if exercise is None:
        return ""
    p = REGISTRY[exercise].prescription
    line = progress_line(fb, p.sets)
    if fb.reps and p.reps:
        line += f" (of {p.reps}{'' if p.reps_total else ' per side'})"
    return line


def _notice(n_people: int, dim: bool, roll_deg: float) -> str:
    """The one notice about the scene, the most pressing first: two people, a dim room, a crooked camera."""
    if n_people > 1:
        return MSG_MORE_PEOPLE.format(n=n_people)
    if dim:
        return MSG_DIM_LIVE
    return MSG_CROOKED_LIVE.format(deg=abs(roll_deg)) if abs(roll_deg) >= FULL_ROLL_DEG else ""  # undone in full


def routine_lines(routine: RoutineStatus | None) -> tuple[str, str]:
    if routine is None:
        return "", ""
    return routine.line, (f"Next: {routine.next_title}" if routine.next_title else "")


def frame_panel(
    fb: Feedback | None,
    exercise: str | None,
    routine: RoutineStatus | None,
    n_people: int = 1,
    dim: bool = False,
    roll_deg: float = 0.0,
) -> Panel:
    """The panel after a processed frame; ``dim``: the room has been dim for a while (LiveUpdate.dim); ``roll_deg``:
    the camera's roll undone in this frame (FrameResult.roll_deg)."""
    step, nxt = routine_lines(routine)
    name = REGISTRY[exercise].name if exercise else ""
    notice = _notice(n_people, dim, roll_deg)
    if fb is None:
        return Panel(MSG_PICK if exercise is None else MSG_PRESS_START, step=step, next=nxt, notice=notice)
    cue, detail = split_cue(fb.cue)
    return Panel(
        cue,
        fb.level,
        detail,
        count_text(fb),
        progress_text(fb, exercise),
        side_text(fb, routine),
        step,
        nxt,
        notice,
        name,
    )


def idle_panel(exercise: str | None, routine: RoutineStatus | None) -> Panel:
    """The panel before the first frame (or after switching exercise): what to do, and the prescription."""
    step, nxt = routine_lines(routine)
    if exercise is None:
        return Panel(MSG_PICK)
    ex = REGISTRY[exercise]
    cue, detail = split_cue(MSG_PRESS_START)
    return Panel(
        cue,
        detail=detail,
        progress=f"{ex.prescription.text}. Set-up: {ex.setup}.",
        side=side_text(None, routine),
        step=step,
        next=nxt,
        exercise=ex.name,
    )


def skeleton(result: FrameResult | None, fb: Feedback | None) -> dict[str, Any] | None:
    """Landmarks (x, y normalised to the frame; null when not visible) and the labelled joint angles, with the
    angles of failing criteria marked; None when nobody is tracked."""
    pose = result.pose if result is not None else None
    if pose is None or result is None:
        return None
    w, h = pose.image_size
    visible = pose.visibility >= DEFAULT_MIN_VISIBILITY
    points: list[list[float] | None] = [
        [round(float(x) / w, 4), round(float(y) / h, 4)] if ok and np.isfinite(x) and np.isfinite(y) else None
        for (x, y), ok in zip(pose.xy, visible)
    ]
    failing = {c.angle for c in fb.criteria if c.passed is False} if fb is not None else set()
    labels = []
    for name in LABELLED_JOINTS:
        value, point = result.angles.get(name, math.nan), points[_VERTEX[name]]
        if point is not None and math.isfinite(value):
            labels.append({"at": point, "text": f"{value:.0f}", "bad": name in failing})
    return {"points": points, "labels": labels, "held": bool(pose.held)}
