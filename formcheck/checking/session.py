"""One exercise session driven frame by frame: ``step(frame_result) -> Feedback`` and ``report()``.

The CLI and the app both drive this object, so a file and a webcam give the same counts. It wires the parts that each
own one thing: whether a frame can be judged and each criterion (:mod:`.criteria`), the working side (:mod:`.sides`),
holds (:mod:`.counters`) and reps (:mod:`.reps`), the safety watch (:mod:`.safety`), fault events (:mod:`.faults`:
a criterion is judged only in its phase and is a fault once it has failed for its ``min_fail_s``) and the report
(:mod:`.report`). The cue, the ``form_break`` event, the history and the report all come from the same fault events.
"""

from __future__ import annotations

import math
from dataclasses import replace

from formcheck.checking.continuity import ContinuityWatch
from formcheck.checking.counters import CircleCounter, HoldTimer
from formcheck.checking.criteria import Blocked, blocker, evaluate
from formcheck.checking.form import FormJudge
from formcheck.checking.lift import LiftCheck
from formcheck.checking.report import Report, during, holds_by_side
from formcheck.checking.reps import EDGE_S, Rep, RepDetector, nested_in_other_leg, still_during, verdict
from formcheck.checking.safety import SafetyWatch
from formcheck.checking.sides import SIDES, SideTracker
from formcheck.checking.travel import TravelWatch
from formcheck.exercises.base import Exercise, resolve_angle
from formcheck.landmarks import Pose
from formcheck.pose.measure import frame_result
from formcheck.values import CriterionResult, Feedback, FrameResult, Level

NOTE_S = 2.5  # a rep's verdict stays the cue this long (frame time), so the page shows it
WALKING_CUE = "Walking is not counted: stop on your spot to start"


def progress_line(fb: Feedback, sets: int) -> str:
    """The set being done against the prescription, e.g. "right leg 2/3 - 18 s / 30 s" or "reps: left 4, right 3"."""
    if fb.reps:
        partial = sum(fb.partial_reps.values())
        return (
            "reps: " + ", ".join(f"{k} {v}" for k, v in fb.reps.items()) + (f" (+{partial} partial)" if partial else "")
        )
    if not fb.hold_target_s:
        return ""
    done = fb.holds_done.get(fb.side or "both", 0)
    who = f"{fb.side} leg " if fb.side else ""
    current = min(done + (0 if fb.hold_s >= fb.hold_target_s else 1), sets)
    return f"{who}{current}/{sets} - {fb.hold_s:.0f} s / {fb.hold_target_s:.0f} s"


def praise(exercise: Exercise, fb: Feedback) -> str:
    """The cue while the form is right: the hold's progress for hold exercises."""
    p = exercise.prescription
    if p.hold_s > 0 and exercise.reps is None:
        return f"Good form - hold it: {int(fb.hold_s)} s / {p.hold_s:.0f} s"
    return "Good form"


class ExerciseSession:
    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        p = exercise.prescription
        self.hold = HoldTimer(p.hold_s) if p.hold_s > 0 else None
        self.counters: dict[str, RepDetector] = {}
        if exercise.reps is not None:
            keys = SIDES if exercise.reps.per_side else ("both",)
            self.counters = {k: RepDetector(exercise.reps, p.hold_s, side=None if k == "both" else k) for k in keys}
        self.circles = {s: CircleCounter() for s in SIDES} if exercise.circles else {}
        self.lift = LiftCheck(exercise.reps.lift if exercise.reps is not None else None)
        self.sides = SideTracker(exercise.side_rule)
        self.safety = SafetyWatch(exercise)
        self.continuity = ContinuityWatch()
        self.travel = TravelWatch() if exercise.in_place else None
        self.held_back: list[Rep] = []  # partial reps ended while the hips travelled: not told yet (maybe steps)
        self.form = FormJudge(exercise)
        self._segment_t0: float | None = None  # the recording's start, or the last cut / gap
        self._last_pose: tuple[Pose, float, str] | None = None  # the previous judged pose, its time and working side
        self._seen = False  # somebody has been seen: losing them now is "tracking lost"
        self._frames = self._judged = 0
        self._t0: float | None = None
        self._t = 0.0
        self._note: tuple[str, Level, float] | None = None  # a rep's verdict, shown as the cue until a time

    # ---- per frame -------------------------------------------------------------------------------------------
    def step_pose(self, pose: Pose | None, t: float) -> Feedback:
        """``step`` for a bare pose (e.g. from another tracker): angles and view are computed here."""
        return self.step(frame_result(pose, t))

    def step(self, result: FrameResult) -> Feedback:
        t = result.timestamp_s
        self._t0 = t if self._t0 is None else self._t0
        self._t = t
        self._frames += 1
        cant_judge = blocker(self.exercise, result, self._seen)
        self._seen = self._seen or result.pose is not None
        if cant_judge is not None:
            return self._not_judged(t, cant_judge, "info" if result.pose is None else "warn")
        work = self.sides.update(result)
        key = resolve_angle(self.exercise.key_angle, work)
        placed = [evaluate(c, result, work) for c in self.exercise.position]
        walking = walking_now(self, result.pose, t)
        in_position = all(c.passed for c in placed) and not walking
        fb = Feedback(
            t, "", "info", in_position=in_position, side=work, hold_target_s=self.exercise.prescription.hold_s
        )
        if not in_position:
            fb.cue = WALKING_CUE if walking else f"Get into position: {self.exercise.setup}"
            self._update_hold(False, t, work, fb, way_out=_left_range(placed, key))
            self.form.out_of_position(t, work)  # no rule applies out of position: lasting faults end
            self._last_pose = None
            return self._finish(fb)
        self._judged += 1
        glitch = self._check_continuity(result, t, work, fb)
        held = result.pose is not None and result.pose.held  # a copy over a dropout: no new sight of the movement
        fb.criteria = [evaluate(c, result, work) for c in self.exercise.criteria]
        if not glitch and not held:
            self._count(result, work, fb)
        safety = self.safety.update(math.nan if glitch else result.angles.get(key, math.nan), t, key)
        detector = working_detector(self, work)
        fb.new_faults += self.form.frame(t, fb.criteria, work, detector, safety)
        fb.final_faults += self.form.final
        active = self.form.watch.active()
        fb.faults = [e.message for e in active]
        if fb.new_faults:
            fb.events.append("form_break")
        failing = [c for c in fb.criteria if c.passed is not True]
        ok = not failing and not any(c.failing for c in safety)
        self._update_hold(ok, t, work, fb, still=self.safety.moving is not True, way_out=_left_range(failing, key))
        self._cue(fb, active, failing)
        return self._finish(fb)

    def _cue(self, fb: Feedback, active: list, failing: list[CriterionResult]) -> None:
        """The cue: the oldest lasting fault, else (in a hold) what cannot be judged, else praise."""
        if active:
            first = active[0]
            fb.cue, fb.level = (
                first.message or f"Adjust your {first.criterion}",
                ("warn" if first.criterion in ("controlled speed", "no bouncing") else "fix"),
            )
        elif self.exercise.reps is None and any(c.passed is None for c in failing):
            unseen = next(c for c in failing if c.passed is None)
            fb.cue, fb.level = unseen.message, "fix"
        else:
            fb.cue, fb.level = praise(self.exercise, fb), "ok"

    def _not_judged(self, t: float, why: Blocked, level: Level) -> Feedback:
        fb = Feedback(t, why.message, level, hold_target_s=self.exercise.prescription.hold_s)
        if self.hold is not None:  # out of view pauses a hold; turned to face the camera is out of the pose
            self.hold.update(False if why.out_of_pose else None, t, self.sides.side)
            fb.hold_s = self.hold.seconds
        self.form.not_judged(t, self.sides.side)  # nothing can be judged: lasting faults end
        self._last_pose = None
        return self._finish(fb)

    def _count(self, result: FrameResult, work: str, fb: Feedback) -> None:
        """Advance the rep counters (each side, or one for both) or the working leg's circle counter."""
        spec = self.exercise.reps
        if spec is not None:
            t = result.timestamp_s
            self.lift.add(result.angles, t)
            at_start = self._segment_t0 is not None and t - self._segment_t0 <= EDGE_S
            for key, counter in self.counters.items():
                side = work if key == "both" else key
                counter.angle = resolve_angle(spec.signal, side)
                rep = counter.update(result.angles.get(counter.angle, math.nan), t, at_start)
                if rep is None and counter.edge_candidate is not None:
                    rep, counter.edge_candidate = counter.edge_candidate, None
                    other = self.counters.get("left" if key == "right" else "right")
                    if still_during(other, rep.start_s, rep.end_s):  # this leg alone came to rest by the other
                        counter.reps.append(rep)  # a rep under way at the start, its top and return seen
                    else:
                        rep = None  # both legs moved together: getting into position
                if rep is not None:
                    self._rep_done(rep, t, fb)
        if self.circles:
            circle = self.circles[work]
            if any(c.passed is False for c in fb.criteria):
                circle.interrupt()  # a circle is drawn by the leg as the rules want it (straight), start to end
                return
            out, headward = (result.angles.get(f"{work}_{axis}", math.nan) for axis in ("leg_out", "leg_headward"))
            if circle.update(out, headward, result.timestamp_s) is not None:
                fb.events.append("rep")

    def _check_continuity(self, result: FrameResult, t: float, work: str, fb: Feedback) -> bool:
        """True for a landmark glitch (the frame is not counted). At a camera cut or a gap the stream starts afresh:
        no speed is measured across it, and a rep under way counts only if it was back at rest after it, or goes on
        if its top was held through it (``RepDetector.reset``); a side
        switch, one limb jumping or left and right labels exchanged for good restarts the speed watch."""
        assert result.pose is not None
        if self._segment_t0 is None:
            self._segment_t0 = self._t0
        state = self.continuity.update(result.pose, t, result.detection)
        last, self._last_pose = self._last_pose, (result.pose, t, work)
        if state == "break":
            self._segment_t0 = t
            for counter in self.counters.values():
                rep = counter.reset(result.angles.get(counter.angle, math.nan), t)
                if rep is not None:
                    self._rep_done(rep, t, fb)
            self.safety.reset()
            self.form.watch.close()
        elif state == "relabelled" or (last is not None and (last[2] != work or bool(self.continuity.jumped))):
            self.safety.reset()
        return state == "glitch"

    def _rep_done(self, rep: Rep, t: float, fb: Feedback) -> None:
        """A rep has just ended: its event, and its verdict in words as the cue for the next ``NOTE_S``."""
        assert self.exercise.reps is not None
        other = self.counters.get("left" if rep.side == "right" else "right") if rep.side else None
        if (rep.side is not None and nested_in_other_leg(rep, other)) or not self.lift.lifted(rep):
            self.counters[rep.side or "both"].reps.remove(rep)  # the other leg's rep, or the body never lifted
            return
        if not rep.full and self.travel is not None and self.travel.travelling():
            self.held_back.append(rep)  # maybe a step of a walk: told once the hips stop (release_held_back)
            return
        announce(self, rep, t, fb)

    def _circle_counts(self) -> dict[str, int]:
        return {f"{s} {way}": n for s, c in self.circles.items() for way, n in c.counts.items()}

    def _update_hold(
        self, ok: bool, t: float, work: str, fb: Feedback, still: bool = True, way_out: bool = False
    ) -> None:
        """``still``: the key angle keeps still (easing in is not holding); ``way_out``: it has left its range."""
        if self.hold is None or self.exercise.reps is not None:
            return
        side = work if self.exercise.side_rule is not None else None
        if self.hold.update(ok, t, side, still, way_out) is not None:
            fb.events.append("hold_complete")
        fb.hold_s = self.hold.seconds

    def _finish(self, fb: Feedback) -> Feedback:
        if self.hold is not None:
            fb.holds_done = holds_by_side([h for h in self.hold.holds if h.completed])
        if self.counters:
            release_held_back(self, fb)
            counts = {k: c.counts(include_pending=False) for k, c in self.counters.items()}
            held = [r.side or "both" for r in self.held_back]
            fb.reps = {k: full for k, (full, _) in counts.items()}
            fb.partial_reps = {k: partial - held.count(k) for k, (_, partial) in counts.items()}
        if self._note is not None and fb.t <= self._note[2] and fb.level in ("ok", "info") and fb.in_position:
            fb.cue, fb.level = self._note[0], self._note[1]
        if self.circles:
            fb.reps = self._circle_counts()
        return fb

    # ---- session ---------------------------------------------------------------------------------------------
    def report(self, include_pending: bool = True) -> Report:
        """The session so far. ``include_pending``: count the rep whose return began in the last frames (the end of
        a recording); a live stream that goes on reports confirmed reps only, as its history holds them."""
        holds = [] if self.hold is None else self.hold.holds
        held = {id(r) for r in self.held_back}  # partial reps the hips never stopped after (yet): a walk's steps
        counted = {  # the pending rep (its return in the last frames) is checked for its lift as the others were
            k: [r for r in (c.all_reps(self._t) if include_pending else c.reps) if self.lift.lifted(r)]
            for k, c in self.counters.items()
        }
        counted = {k: [r for r in rs if id(r) not in held] for k, rs in counted.items()}
        reps = sorted((r for rs in counted.values() for r in rs), key=lambda r: r.start_s)
        spec = self.exercise.reps
        hold_s = self.exercise.prescription.hold_s
        confirmed = {id(r) for c in self.counters.values() for r in c.reps}
        pending = [r for rs in counted.values() for r in rs if id(r) not in confirmed]
        standing = [  # a fault of a rep stands only if the rep is counted
            e
            for e in [*self.form.watch.events, *(f for r in pending for f in self.form.top_faults(r))]
            if (not e.rep_bound or any(during(e, r) for r in reps)) and e not in self.form.exiting
        ]
        events = [replace(e, end_s=self._t if e.end_s is None else e.end_s) for e in standing]
        return Report.build(
            self.exercise.key,
            self.exercise.prescription.text,
            (self._t - self._t0) if self._t0 is not None else 0.0,
            {k: sum(r.full for r in rs) for k, rs in counted.items()} | self._circle_counts(),
            reps,
            [h for h in holds if h.duration_s > 0],
            holds_by_side([h for h in holds if h.completed]),
            events,
            self._judged,
            self._frames,
            spec,
            {k: sum(not r.full for r in rs) for k, rs in counted.items()},
            hold_s if spec else 0.0,
        )


def _left_range(results: list[CriterionResult], key: str) -> bool:
    """Whether a rule on the key angle itself fails this frame (its movement, not another part, broke the form)."""
    return any(r.angle == key and r.passed is False for r in results)


def walking_now(session: ExerciseSession, pose: Pose | None, t: float) -> bool:
    """Whether the person is walking (an exercise done on the spot only: ``Exercise.in_place``). The steps of a walk
    are no reps: a partial rep that ended since the walk began is taken back, and the one under way is dropped. A
    step reaches 25-35 deg of hip flexion, never a knee lift's target: while at least half the reps since the person
    left their spot are full, they are doing the exercise as they go (high knees across the room), not walking."""
    if session.travel is None or pose is None:
        return False
    walked = session.travel.update(pose, t)
    if walked is None:
        return False
    since = [r for counter in session.counters.values() for r in counter.reps if r.end_s >= walked[0]]
    full = sum(r.full for r in since)
    if full and 2 * full >= len(since):
        return False
    for counter in session.counters.values():
        counter.reps[:] = [r for r in counter.reps if r.full or r.end_s < walked[0]]
        counter.reset()
    session.held_back[:] = [r for r in session.held_back if r.end_s < walked[0]]  # the others were steps
    return True


def announce(session: ExerciseSession, rep: Rep, t: float, fb: Feedback) -> None:
    """Tell a counted rep: its event, its faults, and its verdict in words as the cue for the next ``NOTE_S``."""
    assert session.exercise.reps is not None
    fb.events.append("rep" if rep.full else "partial_rep")
    faults = session.form.rep_done(rep)
    fb.final_faults.extend(faults)
    fb.new_faults.extend(e for e in faults if e.start_s >= rep.window_start_s and e not in fb.new_faults)
    faults = [e for e in session.form.watch.events if during(e, rep)]
    words = verdict(rep, session.exercise.reps, session.exercise.prescription.hold_s, faults)
    who = f"{rep.side} " if rep.side else ""
    level: Level = "ok" if words.startswith("good") else "fix"
    session._note = (f"{who}rep: {words}".capitalize(), level, t + NOTE_S)


def release_held_back(session: ExerciseSession, fb: Feedback) -> None:
    """Once the hips have stopped travelling, tell the partial reps held back meanwhile (those a walk took back, the
    partial reps that ended after it began, are no longer among them: :func:`walking_now`). A step of a walk-in is so
    never shown, said or logged as a partial rep and then taken back."""
    if not session.held_back or (session.travel is not None and session.travel.travelling()):
        return
    for rep in session.held_back:
        announce(session, rep, fb.t, fb)
    session.held_back.clear()


def working_detector(session: ExerciseSession, side: str | None) -> RepDetector | None:
    """The rep detector of the working ``side`` (the one detector of an exercise without sides), if any."""
    spec = session.exercise.reps
    return session.counters.get((side or "both") if spec is not None and spec.per_side else "both")


def applicable(session: ExerciseSession, fb: Feedback) -> list[CriterionResult]:
    """``fb``'s criteria that apply to the way the working side's rep goes (a variant has its own rules)."""
    detector = working_detector(session, fb.side)
    prescribed = detector is None or detector.prescribed_way
    return [r for c, r in zip(session.exercise.criteria, fb.criteria) if c.applies_to(prescribed)]
