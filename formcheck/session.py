"""One exercise session driven frame by frame: ``step(frame_result) -> Feedback`` and ``report()``.

The CLI and the app both drive this object, so a file and a webcam give the same counts.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from formcheck.counters import CircleCounter, Hold, HoldTimer, Rep, RepCounter
from formcheck.exercises.base import Criterion, Exercise, resolve_angle
from formcheck.landmarks import Landmark, Pose
from formcheck.pipeline import FrameResult, frame_result

if TYPE_CHECKING:
    from formcheck.routine import RoutineStatus

Level = Literal["ok", "fix", "warn", "info"]
SIDES = ("left", "right")
MSG_NO_PERSON = "Step into view: nobody is visible."
MSG_TRACKING_LOST = ("Lost track of you: keep your whole body in view, side-on. Timing is paused until you are "
                     "found again.")
MSG_WRONG_VIEW = "Turn side-on to the camera: this exercise is judged from the side."
MSG_OUT_OF_FRAME = "Move so your whole body is in view: {parts} cannot be seen."
SPEED_BASELINE_S = 0.2  # speed is measured over at least this long, so landmark jitter does not read as a jerk
MSG_BOUNCE = "Don't bounce: ease into the stretch and hold still."
MSG_JERK = "Slow down: move with control, not momentum."


@dataclass
class CriterionResult:
    name: str
    angle: str
    value: float | None  # None when it could not be measured (never NaN)
    low: float | None
    high: float | None
    passed: bool | None  # None = not measurable
    message: str = ""


@dataclass
class Feedback:
    t: float
    cue: str
    level: Level
    in_position: bool = False
    side: str | None = None
    criteria: list[CriterionResult] = field(default_factory=list)
    hold_s: float = 0.0
    hold_target_s: float = 0.0
    holds_done: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # "hold_complete", "rep", "form_break" (for sounds)
    faults: list[str] = field(default_factory=list)
    routine: RoutineStatus | None = None  # set by a guided routine (formcheck.routine)


def progress_line(fb: Feedback, sets: int) -> str:
    """The set being done against the prescription, e.g. "right leg 2/3 - 18 s / 30 s" or "reps: left 4, right 3"."""
    if fb.reps:
        return "reps: " + ", ".join(f"{k} {v}" for k, v in fb.reps.items())
    if not fb.hold_target_s:
        return ""
    done = fb.holds_done.get(fb.side or "both", 0)
    who = f"{fb.side} leg " if fb.side else ""
    current = min(done + (0 if fb.hold_s >= fb.hold_target_s else 1), sets)
    return f"{who}{current}/{sets} - {fb.hold_s:.0f} s / {fb.hold_target_s:.0f} s"


@dataclass
class Report:
    exercise: str
    prescription: str
    duration_s: float
    reps: dict[str, int]
    rep_details: list[Rep]
    holds: list[Hold]
    holds_completed: dict[str, int]
    faults: dict[str, int]
    frames_judged: int
    frames_total: int
    rep_signal: str = ""  # the angle a rep is counted on ({work} = the rep's side)
    rep_target: float | None = None  # the angle a rep must reach to count (degrees)
    fault_log: list[tuple[float, str]] = field(default_factory=list)  # (time, message) when each fault began

    def rep_table(self) -> list[dict[str, object]]:
        """One row per rep: when, how long at the top, range of motion against the target, and the form faults seen
        during it. Angles in degrees, rounded; unknown values are None (never NaN)."""
        rows = []
        for i, rep in enumerate(self.rep_details, 1):
            faults = sorted({msg for t, msg in self.fault_log if rep.start_s <= t <= rep.end_s})
            rows.append({"rep": i, "side": rep.side or "", "start_s": round(rep.start_s, 2),
                         "end_s": _finite(rep.end_s, 2), "time_at_top_s": round(rep.top_s, 1),
                         "angle": resolve_angle(self.rep_signal, rep.side or "left") if self.rep_signal else "",
                         "from_deg": _finite(rep.start_value), "peak_deg": _finite(rep.peak),
                         "rom_deg": _finite(rep.rom), "target_deg": self.rep_target, "held": rep.held,
                         "faults": "; ".join(faults)})
        return rows

    @property
    def symmetry(self) -> float | None:
        """Smaller side's reps over larger side's (1.0 = even), None when one side has none."""
        left, right = self.reps.get("left", 0), self.reps.get("right", 0)
        return min(left, right) / max(left, right) if min(left, right) > 0 else None


class ExerciseSession:
    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        p = exercise.prescription
        self.hold = HoldTimer(p.hold_s) if p.hold_s > 0 else None
        self.counters: dict[str, RepCounter] = {}
        if exercise.reps is not None:
            r = exercise.reps
            keys = SIDES if r.per_side else ("both",)
            self.counters = {k: RepCounter(r.active_at, r.rest_at, r.direction, r.min_phase_s, p.hold_s,
                                           side=None if k == "both" else k) for k in keys}
        self.circles = {s: CircleCounter() for s in SIDES} if exercise.circles else {}
        self._side: str | None = None
        self._history: deque[tuple[float, float]] = deque()
        self._faults: dict[str, int] = {}
        self._fault_active: set[str] = set()
        self.fault_log: list[tuple[float, str]] = []  # (time, message) when each fault began
        self._logged: set[str] = set()
        self._seen = False  # somebody has been seen: losing them now is "tracking lost"
        self._frames = self._judged = 0
        self._t0: float | None = None
        self._t = 0.0
        self._was_ok = False

    # ---- per frame -------------------------------------------------------------------------------------------
    def step_pose(self, pose: Pose | None, t: float) -> Feedback:
        """``step`` for a bare pose (e.g. from another tracker): angles and view are computed here."""
        return self.step(frame_result(pose, t))

    def step(self, result: FrameResult) -> Feedback:
        t = result.timestamp_s
        self._t0 = t if self._t0 is None else self._t0
        self._t = t
        self._frames += 1
        blocker = self._blocker(result)
        if blocker is not None:
            return self._not_judged(t, blocker, "info" if result.pose is None else "warn")
        work = self._working_side(result)
        position = [self._evaluate(c, result, work) for c in self.exercise.position]
        in_position = all(c.passed for c in position)
        fb = Feedback(t, "", "info", in_position=in_position, side=work,
                      hold_target_s=self.exercise.prescription.hold_s)
        if not in_position:
            fb.cue = f"Get into position: {self.exercise.setup}"
            self._update_hold(False, t, work, fb)
            return self._finish(fb)
        self._judged += 1
        self._count_reps(result, work, fb)
        self._count_circles(result, work, fb)
        fb.criteria = [self._evaluate(c, result, work) for c in self.exercise.criteria]
        failing = [c for c in fb.criteria if c.passed is not True]
        safety = self._safety(result, work, t)
        fb.faults = safety
        ok = not failing and not safety
        self._update_hold(ok, t, work, fb)
        if safety:
            fb.cue, fb.level = safety[0], "warn"
        elif failing:
            first = failing[0]
            fb.cue, fb.level = first.message or f"Adjust your {first.name}", "fix"
        else:
            fb.cue, fb.level = self._praise(fb), "ok"
        self._log_faults(t, [*safety, *(c.message for c in failing if c.passed is False)])
        if self._was_ok and not ok:
            fb.events.append("form_break")
        self._was_ok = ok
        return self._finish(fb)

    def _log_faults(self, t: float, messages: list[str]) -> None:
        """Remember when each fault (safety warning or failed form rule) began, for the per-rep table."""
        for msg in messages:
            if msg not in self._logged:
                self.fault_log.append((t, msg))
        self._logged = set(messages)

    def _blocker(self, result: FrameResult) -> str | None:
        if result.pose is None:
            return result.problem or (MSG_TRACKING_LOST if self._seen else MSG_NO_PERSON)
        self._seen = True
        if self.exercise.view == "side" and result.view == "front":
            return MSG_WRONG_VIEW
        missing = [part for part in self.exercise.required if not self._part_visible(result, part)]
        if missing:
            return MSG_OUT_OF_FRAME.format(parts=", ".join(f"your {m}s" for m in missing))
        return None

    @staticmethod
    def _part_visible(result: FrameResult, part: str) -> bool:
        pose = result.pose
        assert pose is not None
        lms = [Landmark[f"{s.upper()}_{part.upper()}"] for s in SIDES]
        return any(pose.visible([lm]) and pose.fraction_in_frame([lm]) == 1.0 for lm in lms)

    def _not_judged(self, t: float, cue: str, level: Level) -> Feedback:
        fb = Feedback(t, cue, level, hold_target_s=self.exercise.prescription.hold_s)
        if self.hold is not None:
            self.hold.update(None, t, self._side)
            fb.hold_s = self.hold.seconds
        self._was_ok = False
        return self._finish(fb)

    def _working_side(self, result: FrameResult) -> str:
        rule = self.exercise.side_rule
        near = result.near_side or self._side or "left"
        if rule is None:
            return near
        vals = {s: result.angles.get(rule.angle.format(side=s), math.nan) for s in SIDES}
        if not all(math.isfinite(v) for v in vals.values()):
            return self._side or near
        best = max(SIDES, key=vals.get) if rule.pick == "max" else min(SIDES, key=vals.get)
        if self._side is None or abs(vals["left"] - vals["right"]) >= rule.margin:
            self._side = best
        return self._side

    @staticmethod
    def _evaluate(c: Criterion, result: FrameResult, work: str) -> CriterionResult:
        angle = c.resolve(work)
        v = result.angles.get(angle, math.nan)
        if not math.isfinite(v):
            return CriterionResult(c.name, angle, None, c.low, c.high, None, f"Can't see your {c.name} clearly")
        passed = c.check(v)
        msg = "" if passed else (c.too_low if c.low is not None and v < c.low else c.too_high)
        return CriterionResult(c.name, angle, round(v, 1), c.low, c.high, passed, msg)

    def _count_reps(self, result: FrameResult, work: str, fb: Feedback) -> None:
        spec = self.exercise.reps
        if spec is None:
            return
        for key, counter in self.counters.items():
            side = work if key == "both" else key
            rep = counter.update(result.angles.get(resolve_angle(spec.signal, side), math.nan), result.timestamp_s)
            if rep is not None:
                fb.events.append("rep")

    def _count_circles(self, result: FrameResult, work: str, fb: Feedback) -> None:
        if not self.circles or result.pose is None:
            return
        x, y = result.pose.point(Landmark[f"{work.upper()}_ANKLE"])
        if self.circles[work].update(float(x), float(y), result.timestamp_s) is not None:
            fb.events.append("rep")

    def _circle_counts(self) -> dict[str, int]:
        return {f"{s} {d}": getattr(c, d) for s, c in self.circles.items() for d in ("clockwise", "counterclockwise")}

    def _update_hold(self, ok: bool, t: float, work: str, fb: Feedback) -> None:
        if self.hold is None or self.exercise.reps is not None:
            return
        side = work if self.exercise.side_rule is not None else None
        if self.hold.update(ok, t, side) is not None:
            fb.events.append("hold_complete")
        fb.hold_s = self.hold.seconds

    def _safety(self, result: FrameResult, work: str, t: float) -> list[str]:
        ex = self.exercise
        v = result.angles.get(resolve_angle(ex.key_angle, work), math.nan)
        if not math.isfinite(v):
            return []
        self._history.append((t, v))
        while self._history and t - self._history[0][0] > ex.bounce_window_s:
            self._history.popleft()
        faults = []
        past = next(((ti, vi) for ti, vi in reversed(self._history) if t - ti >= SPEED_BASELINE_S), None)
        if past is not None and abs(v - past[1]) / (t - past[0]) > ex.max_speed_deg_s:
            faults.append(MSG_JERK)
        if self.hold is not None and ex.reps is None and _reversals(self._history, ex.bounce_amplitude_deg) >= ex.bounce_reversals:
            faults.append(MSG_BOUNCE)
        for f in faults:
            if f not in self._fault_active:
                self._faults[f] = self._faults.get(f, 0) + 1
        self._fault_active = set(faults)
        return faults

    def _praise(self, fb: Feedback) -> str:
        p = self.exercise.prescription
        if self.hold is not None and self.exercise.reps is None:
            return f"Good form - hold it: {int(fb.hold_s)} s / {p.hold_s:.0f} s"
        return "Good form"

    def _finish(self, fb: Feedback) -> Feedback:
        if self.hold is not None:
            fb.holds_done = _by_side([h for h in self.hold.holds if h.completed])
        if self.counters:
            fb.reps = {k: c.count for k, c in self.counters.items()}
        if self.circles:
            fb.reps = self._circle_counts()
        return fb

    # ---- session ---------------------------------------------------------------------------------------------
    def report(self) -> Report:
        holds = [] if self.hold is None else self.hold.holds
        reps = [r for c in self.counters.values() for r in c.reps]
        return Report(self.exercise.key, self.exercise.prescription.text,
                      (self._t - self._t0) if self._t0 is not None else 0.0,
                      {k: c.count for k, c in self.counters.items()} | self._circle_counts(), sorted(reps, key=lambda r: r.start_s),
                      [h for h in holds if h.duration_s > 0], _by_side([h for h in holds if h.completed]),
                      dict(self._faults), self._judged, self._frames,
                      self.exercise.reps.signal if self.exercise.reps else "",
                      self.exercise.reps.active_at if self.exercise.reps else None, list(self.fault_log))


def _finite(value: float, digits: int = 1) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def _by_side(holds: list[Hold]) -> dict[str, int]:
    out: dict[str, int] = {}
    for h in holds:
        key = h.side or "both"
        out[key] = out.get(key, 0) + 1
    return out


def _reversals(history: deque[tuple[float, float]], amplitude: float) -> int:
    """Direction changes of the signal whose swing exceeds ``amplitude`` degrees."""
    values = [v for _, v in history]
    if not values:
        return 0
    count, direction, extreme = 0, 0, values[0]
    for v in values[1:]:
        if direction == 0:
            if abs(v - extreme) >= amplitude:
                direction, extreme = (1 if v > extreme else -1), v
        elif (v - extreme) * direction > 0:
            extreme = v  # still moving the same way: a new extreme
        elif abs(v - extreme) >= amplitude:
            count, direction, extreme = count + 1, -direction, v
    return count
