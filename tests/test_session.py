"""Every exercise stepped frame by frame on synthetic angle sequences built from its own declared thresholds."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from formcheck.checking.criteria import MSG_NO_PERSON, MSG_OUT_OF_FRAME, MSG_TRACKING_LOST, MSG_WRONG_VIEW
from formcheck.checking.safety import MSG_BOUNCE
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import REGISTRY, get
from formcheck.exercises.base import Criterion, Exercise, resolve_angle
from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose
from formcheck.values import FrameResult
from tests.factory import kneeling_pose, legs_exchanged, marching_pose, side_pose

DT = 1 / 30
POSE = side_pose()
HOLDS = [k for k, e in REGISTRY.items() if e.prescription.hold_s > 0 and e.reps is None]
REPS = [k for k, e in REGISTRY.items() if e.reps is not None]
REPS_WITH_POSITION = [k for k in REPS if REGISTRY[k].position]


def _passing(c: Criterion) -> float:
    if c.low is not None and c.high is not None:
        return (c.low + c.high) / 2
    return c.low + 10 if c.low is not None else c.high - 10


def _failing(c: Criterion) -> float:
    return c.low - 5 if c.low is not None else c.high + 5


def good_angles(ex: Exercise, work: str = "right") -> dict[str, float]:
    """Angles that put ``ex`` in position with every criterion passing and ``work`` as the working side."""
    angles: dict[str, float] = {}
    other = "left" if work == "right" else "right"
    for c in (*ex.position, *ex.criteria):
        angles[c.resolve(work)] = _passing(c)
    for c in ex.position:  # the other leg's set-up holds whichever side reads as working (both legs at rest)
        if "{other}" in c.angle:
            angles.setdefault(c.resolve(other), _passing(c))
    if ex.side_rule is not None:
        other = "left" if work == "right" else "right"
        wa, oa = ex.side_rule.angle.format(side=work), ex.side_rule.angle.format(side=other)
        sign = 1 if ex.side_rule.pick == "max" else -1
        angles.setdefault(wa, 60.0 * sign)
        angles.setdefault(oa, angles[wa] - sign * 60.0)
    if ex.reps is not None:  # start at rest
        signal = ex.reps.signal.format(work=work, other=other)
        angles[signal] = _rest(ex)
        if ex.side_rule is not None and ex.side_rule.angle.format(side=work) == signal:
            sign = 1 if ex.side_rule.pick == "max" else -1  # both legs at rest: the working one still leads
            angles[ex.side_rule.angle.format(side=other)] = _rest(ex) - sign * (ex.side_rule.margin + 5)
    return angles


def _rest(ex: Exercise) -> float:
    return ex.reps.rest


def _active(ex: Exercise) -> float:
    r = ex.reps
    return r.target + 15 if r.direction == "up" else r.target - 15


def frame(t: float, angles: dict[str, float], pose: Pose | None = POSE, view: str = "side") -> FrameResult:
    return FrameResult(0, t, pose, pose is not None, 1 if pose else 0, dict(angles), view, "right")


def run(session: ExerciseSession, segments, t0: float = 0.0):
    """segments: (seconds, angles, None for nobody, or a function of t giving the frame) -> list of feedback."""
    out, t = [], t0
    for seconds, angles in segments:
        for _ in range(int(round(seconds / DT))):
            if callable(angles):
                result = angles(t)
            else:
                result = frame(t, angles) if angles is not None else frame(t, {}, pose=None)
            out.append(session.step(result))
            t += DT
    return out


def test_every_exercise_is_declared_with_messages_and_prescription():
    assert len(REGISTRY) >= 11
    for ex in REGISTRY.values():
        assert ex.prescription.text and ex.setup
        assert ex.prescription.hold_s > 0 or ex.reps is not None or ex.circles, ex.key
        for c in ex.criteria:
            assert (c.low is None or c.too_low) and (c.high is None or c.too_high), (ex.key, c.name)
    with pytest.raises(ValueError, match="exercise must be one of"):
        get("jumping_jacks")


@pytest.mark.parametrize("key", HOLDS)
def test_good_hold_completes_once_for_the_working_side(key):
    ex = get(key)
    s = ExerciseSession(ex)
    fbs = run(s, [(ex.prescription.hold_s + 1.0, good_angles(ex))])
    assert fbs[-1].level == "ok" and fbs[-1].cue.startswith("Good form")
    assert sum("hold_complete" in f.events for f in fbs) == 1
    side = "right" if ex.side_rule else "both"
    assert s.report().holds_completed == {side: 1}


@pytest.mark.parametrize("key", HOLDS)
def test_bad_form_gives_its_message_and_does_not_time(key):
    ex = get(key)
    for c in ex.criteria:
        angles = good_angles(ex)
        angles[c.resolve("right")] = _failing(c)
        if (
            ex.side_rule is not None
            and c.resolve("right").startswith(("left", "right"))
            and ex.side_rule.angle.format(side="right") == c.resolve("right")
        ):
            continue  # failing the side-defining angle would just switch sides
        s = ExerciseSession(ex)
        fbs = run(s, [(2.0, angles)])
        assert fbs[-1].level == "fix", (key, c.name)
        assert fbs[-1].cue in (c.too_low, c.too_high), (key, c.name, fbs[-1].cue)
        assert fbs[-1].hold_s == 0.0


@pytest.mark.parametrize("key", HOLDS)
def test_dropout_during_hold_is_bridged(key):
    ex = get(key)
    s = ExerciseSession(ex)
    good = good_angles(ex)
    half = ex.prescription.hold_s / 2
    fbs = run(s, [(half, good), (0.3, None), (half + 1.0, good)])
    assert any(f.cue == MSG_TRACKING_LOST for f in fbs)  # seen, then lost: said so
    assert s.report().holds_completed  # one continuous hold despite the gap
    assert len([h for h in s.report().holds if h.duration_s > 0.5]) == 1


def _ankles_hidden(t: float, angles: dict[str, float]) -> FrameResult:
    hidden = side_pose()
    vis = hidden.visibility.copy()
    vis[[L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_KNEE, L.RIGHT_KNEE]] = 0.1
    return frame(t, angles, pose=Pose(hidden.xy, hidden.z, vis, hidden.world, hidden.image_size, t))


@pytest.mark.parametrize("key", HOLDS)
def test_hold_goes_on_through_a_close_up_with_the_legs_out_of_view(key):
    """A camera cut to a close-up (legs out of frame) inside a hold: the timer pauses with a cue to get back in
    view, and when the same good form is seen again the hold goes on, the time out of view counted and named."""
    ex = get(key)
    s = ExerciseSession(ex)
    good = good_angles(ex)
    unseen = ex.prescription.hold_s / 4  # a third of the target may be out of view
    before = run(s, [(4.0, good)])
    paused = run(s, [(unseen, lambda t: _ankles_hidden(t, good))], t0=4.0)
    t = 4.0 + len(paused) * DT
    assert all(f.cue.startswith("Move so your whole body is in view") for f in paused)
    assert paused[-1].hold_s == pytest.approx(before[-1].hold_s)  # paused, not reset
    run(s, [(3.0, good)], t0=t)
    (hold,) = [h for h in s.report().holds if h.duration_s > 0.5]
    assert hold.start_s == 0.0 and hold.unseen_s == pytest.approx(unseen + DT, abs=DT)
    assert hold.duration_s == pytest.approx(4.0 + unseen + 3.0 - DT, abs=2 * DT)
    assert "out of view" in hold.words()


def test_turning_to_face_the_camera_ends_a_side_view_hold_it_does_not_pause_it():
    ex = get("kneeling_hip_flexor")  # judged from the side
    s = ExerciseSession(ex)
    good = good_angles(ex)
    run(s, [(4.0, good), (2.0, lambda t: frame(t, good, view="front")), (3.0, good)])
    holds = [h for h in s.report().holds if h.duration_s > 0.5]
    assert len(holds) == 2 and all(h.unseen_s == 0.0 for h in holds)


@pytest.mark.parametrize("key", HOLDS)
def test_out_of_view_for_longer_than_a_third_of_the_target_ends_the_hold(key):
    ex = get(key)
    s = ExerciseSession(ex)
    good = good_angles(ex)
    run(s, [(4.0, good), (ex.prescription.hold_s / 3 + 1.0, None), (3.0, good)])
    holds = [h for h in s.report().holds if h.duration_s > 0.5]
    assert len(holds) == 2 and all(h.unseen_s == 0.0 for h in holds)


@pytest.mark.parametrize("key", HOLDS)
def test_bouncing_is_warned_and_not_timed(key):
    ex = get(key)
    s = ExerciseSession(ex)
    good = good_angles(ex)
    name = ex.key_angle.format(work="right", other="left")
    base = good[name]
    fbs = []
    for i in range(int(4.0 / DT)):  # +-4 deg at 2 Hz on the key angle (8 deg swings)
        a = dict(good)
        a[name] = base + 4.0 * math.copysign(1.0, math.sin(2 * math.pi * 2.0 * i * DT))
        fbs.append(s.step(frame(i * DT, a)))
    assert MSG_BOUNCE in fbs[-1].faults and fbs[-1].level == "warn"
    assert fbs[-1].hold_s < 1.5
    assert s.report().faults.get(MSG_BOUNCE, 0) >= 1


@pytest.mark.parametrize("key", REPS)
def test_reps_are_counted_exactly_per_side(key):
    ex = get(key)
    s = ExerciseSession(ex)
    rest, active = good_angles(ex), good_angles(ex)
    sig = ex.reps.signal.format(work="right", other="left")
    active[sig] = _active(ex)
    cycle = [(1.0, rest), (max(1.0, ex.prescription.hold_s + 0.2), active)]
    run(s, [*cycle * 3, (1.0, rest)])
    counts = s.report().reps
    counted_side = "both" if not ex.reps.per_side else "right"  # the working side, whatever signal it reads
    assert counts[counted_side] == 3, counts
    assert sum(counts.values()) == 3


@pytest.mark.parametrize("key", REPS_WITH_POSITION)
def test_no_reps_while_getting_into_position(key):
    ex = get(key)
    s = ExerciseSession(ex)
    out = good_angles(ex)
    pos = ex.position[0]
    out[pos.resolve("right")] = _failing(pos)
    rest, active = dict(out), dict(out)
    active[ex.reps.signal.format(work="right", other="left")] = _active(ex)
    fbs = run(s, [(1.0, rest), (1.0, active), (1.0, rest)])
    assert fbs[-1].cue.startswith("Get into position")
    assert sum(s.report().reps.values()) == 0


def test_rep_counter_resets_with_a_new_session():
    ex = get("standing_march")
    s = ExerciseSession(ex)
    rest, active = good_angles(ex), good_angles(ex)
    active["right_hip_flexion"] = 100.0
    run(s, [(1.0, rest), (1.0, active), (1.0, rest)])
    assert s.report().reps["right"] == 1
    assert sum(ExerciseSession(get("knee_to_chest")).report().reps.values()) == 0


@pytest.mark.parametrize("exercise", ["kneeling_hip_flexor", "low_lunge"])
def test_the_hips_forward_rule_reads_the_back_thigh_not_the_shoulder(exercise):
    """Hips ahead of the back knee is held, even with the shoulder landmark 22 deg too far forward (MediaPipe's trunk
    on the real kneeling clip at 7 s leans 17 deg forward where both markers see it 5 deg back); by the back hip's
    flexion that read as a false "push your hips forward" in both exercises. Hips sat back behind the knee is that
    fault."""
    from formcheck.pose.angles import compute_angles

    ex = get(exercise)

    def measured(back: float, drift: float):
        return lambda t: frame(t, compute_angles(kneeling_pose(back, drift, t=t)), pose=kneeling_pose(back, drift, t=t))

    rule = next(c for c in ex.criteria if c.angle == "{other}_thigh_back")
    forward = ExerciseSession(ex)
    fbs = run(forward, [(8.0, measured(5.0, 22.0))])
    assert forward.report().fault_events == [] and fbs[-1].hold_s > 6.0
    sat_back = ExerciseSession(ex)
    fbs = run(sat_back, [(8.0, measured(-25.0, 0.0))])
    assert [e.criterion for e in sat_back.report().fault_events] == [rule.name]
    assert fbs[-1].cue == rule.too_low and fbs[-1].hold_s == 0.0


def test_wrong_view_and_out_of_frame_are_not_judged():
    ex = get("kneeling_hip_flexor")
    s = ExerciseSession(ex)
    fb = s.step(frame(0.0, good_angles(ex), view="front"))
    assert fb.cue == MSG_WRONG_VIEW and not fb.criteria
    hidden = side_pose()
    vis = hidden.visibility.copy()
    vis[[L.LEFT_ANKLE, L.RIGHT_ANKLE]] = 0.1
    fb = s.step(frame(0.1, good_angles(ex), pose=Pose(hidden.xy, hidden.z, vis, hidden.world, hidden.image_size, 0.1)))
    assert fb.cue == MSG_OUT_OF_FRAME.format(parts="your ankles") and fb.hold_s == 0.0


def test_working_side_is_detected_and_held_against_noise():
    ex = get("kneeling_hip_flexor")
    s = ExerciseSession(ex)
    run(s, [(1.0, good_angles(ex, "left"))])
    fbs = run(s, [(1.0, good_angles(ex, "left") | {"right_hip_flexion": 12.0, "left_hip_flexion": 15.0})], t0=1.0)
    assert all(f.side == "left" for f in fbs)  # 3 deg difference < margin: no flip-flop


def test_leg_circles_counted_per_leg_and_direction_and_summed_per_side():
    """Angles in: the working leg's direction (``right_leg_out``, ``right_leg_headward``) goes round three times
    inwards (atan2(headward, out) increasing), then twice outwards; a bent knee on the way breaks the circle it is
    in. The report keeps "right inward" / "right outward"; ``counts_by_side`` gives the leg's total."""
    from formcheck.checking.report import counts_by_side

    ex = get("leg_circles")
    s = ExerciseSession(ex)
    t, phase = 0.0, 0.0
    for circles, bent in ((3, False), (-2, False), (-1, True)):
        for _ in range(int(round(abs(circles) * 2.0 / DT))):
            phase += math.copysign(2 * math.pi * DT / 2.0, circles)
            angles = good_angles(ex) | {
                "right_leg_out": -15 * math.sin(phase),
                "right_leg_headward": -20 + 15 * math.cos(phase),
                "right_knee": 120.0 if bent else 178.0,
            }
            s.step(frame(t, angles))
            t += DT
    report = s.report()
    assert report.reps == {"left inward": 0, "left outward": 0, "right inward": 3, "right outward": 2}
    assert counts_by_side(report.reps) == {"left": 0, "right": 5}


@pytest.mark.parametrize("key", REPS)
def test_partial_reps_do_not_count_and_dropouts_do_not_break_a_rep(key):
    ex = get(key)
    s = ExerciseSession(ex)
    sig = ex.reps.signal.format(work="right", other="left")
    rest, active, partial = good_angles(ex), good_angles(ex), good_angles(ex)
    active[sig] = _active(ex)
    partial[sig] = (ex.reps.target + ex.reps.rest) / 2  # half-way: a rep attempt short of the target
    top = max(1.0, ex.prescription.hold_s + 0.2)
    run(
        s,
        [
            (1.0, rest),
            (1.0, partial),
            (1.0, rest),  # a bad (partial) rep
            (top / 2, active),
            (0.3, None),
            (top / 2, active),
            (1.0, rest),
        ],
    )  # a good rep with a dropout at the top
    report = s.report()
    assert sum(report.reps.values()) == 1, report.reps
    assert sum(report.partial_reps.values()) == 1, report.partial_reps
    assert [r.full for r in report.rep_details] == [False, True]
    assert report.verdicts[0].startswith("partial: ") and "aim for" in report.verdicts[0]


def test_step_pose_drives_the_same_state_machine_from_bare_poses():
    s = ExerciseSession(get("standing_march"))
    t = 0.0
    while t < 2 * 2.0 + 0.5:  # two marching periods: each leg lifts twice
        fb = s.step_pose(marching_pose(t), t)
        t += DT
    assert fb.cue and s.report().reps == {"left": 2, "right": 2}
    assert s.step_pose(None, t).cue == MSG_TRACKING_LOST
    assert ExerciseSession(get("bridge")).step_pose(None, 0.0).cue == MSG_NO_PERSON  # nobody seen yet


def test_fast_high_knees_through_the_smoother_are_full_reps_on_both_legs():
    # 0.27 s per knee (a whole left-right cycle 0.54 s), each to 90 deg: the smoother lowers the top to ~81 deg and
    # it lasts a few frames at 30 frames/s; every knee lift is still a full rep, and none is a "slow down"
    from formcheck.pose.smoothing import PoseSmoother

    s, smoother = ExerciseSession(get("standing_march")), PoseSmoother()
    for i in range(int(12 / DT)):
        t = i * DT
        s.step_pose(smoother.update(marching_pose(t, period_s=0.54), t), t)
    report = s.report()
    assert report.reps == {"left": 22, "right": 22} and sum(report.partial_reps.values()) == 0
    assert report.fault_events == []


def test_legs_called_by_each_others_names_at_a_knees_top_count_no_rep_through_the_smoother():
    # the model calls the lifted left leg the right one for 0.27 s at the top of every left knee lift (seen on a
    # real leg raise): no phantom right rep, and the left lift is one rep, not two
    from formcheck.pose.smoothing import PoseSmoother

    s, smoother = ExerciseSession(get("standing_march")), PoseSmoother()
    for i in range(int(12 / DT)):
        t = i * DT
        pose = marching_pose(t)
        s.step_pose(smoother.update(legs_exchanged(pose) if 0.4 <= t % 2.0 < 0.67 else pose, t), t)
    report = s.report()
    assert report.reps == {"left": 6, "right": 6} and sum(report.partial_reps.values()) == 0


def test_held_copies_over_a_dropout_never_confirm_a_return():
    # a bridge up at its target; the hips read low on one frame, then nobody is detected: the smoother's held copies
    # of that frame (0.5 s) and the empty frames to the end are no sight of the hips coming down, so no rep
    ex = get("bridge")
    angles = good_angles(ex)
    key = resolve_angle(ex.reps.signal, "right")
    rest, top = dict(angles, **{key: ex.reps.rest}), dict(angles, **{key: _active(ex)})
    low = dict(top, **{key: ex.reps.rest})
    held = replace(POSE, held=True)
    s = ExerciseSession(ex)
    run(s, [(2.0, rest), (0.5, top), (2.0, top), (DT, low), (0.5, lambda t: frame(t, low, pose=held)), (3.0, None)])
    assert s.report().reps == {"both": 0} and s.report().partial_reps == {"both": 0}
    s = ExerciseSession(ex)  # the same hips seen coming down on detected frames: one rep
    run(s, [(2.0, rest), (0.5, top), (2.0, top), (0.5, low), (3.0, None)])
    assert s.report().reps == {"both": 1}


@pytest.mark.parametrize("key", ["bridge", "single_leg_raise"])
def test_a_top_held_through_a_dropout_is_one_rep_held_for_all_of_it(key):
    # up at the target for 7.5 s with nobody detected for 1.2 s in the middle (longer than the continuity watch's
    # gap, so the stream starts afresh): still one rep, held for the whole top, unseen stretch included, as a hold
    # would be; after a dropout longer than a third of the prescribed 5 s hold, only the part after it is the top
    ex = get(key)
    angles = good_angles(ex)
    key_angle = resolve_angle(ex.reps.signal, "right")
    rest, top = dict(angles, **{key_angle: ex.reps.rest}), dict(angles, **{key_angle: _active(ex)})
    tops = []
    for gap in (1.2, 2.0):
        s = ExerciseSession(ex)
        run(s, [(2.0, rest), (0.5, top), (3.0, top), (gap, None), (4.0 - gap, top), (0.5, rest), (3.0, rest)])
        [rep] = s.report().rep_details
        tops.append(rep.top_s)
    assert tops[0] == pytest.approx(7.5, abs=0.1) and tops[1] == pytest.approx(2.0, abs=0.1)


def test_progress_line_shows_the_set_against_the_prescription():
    from formcheck.checking.session import progress_line
    from formcheck.values import Feedback

    fb = Feedback(0.0, "", "ok", side="left", hold_s=18.2, hold_target_s=30.0, holds_done={"left": 1})
    assert progress_line(fb, 3) == "left leg 2/3 - 18 s / 30 s"
    fb.hold_s = 30.0
    fb.holds_done = {"left": 2}
    assert progress_line(fb, 3) == "left leg 2/3 - 30 s / 30 s"
    assert progress_line(Feedback(0.0, "", "ok", reps={"left": 4, "right": 3}), 1) == "reps: left 4, right 3"


def _key_range(ex: Exercise) -> Criterion:
    (c,) = [c for c in ex.criteria if c.angle == ex.key_angle and c.when == "hold"]
    return c


def _ramp(t0: float, seconds: float, angles: dict[str, float], name: str, a: float, b: float):
    """Frames whose ``name`` angle moves from ``a`` at ``t0`` to ``b`` over ``seconds``."""
    return lambda t: frame(t, {**angles, name: a + (b - a) * (t - t0) / seconds})


@pytest.mark.parametrize("key", HOLDS)
def test_easing_in_and_out_of_a_hold_is_not_held(key):
    """The key angle moves into its range over 1 s, keeps still for 6 s, and moves out over 1 s: the hold is the
    6 s of keeping still, not the parts of the way in and out that pass through the range ("ease in slowly")."""
    ex = get(key)
    good = good_angles(ex)
    c = _key_range(ex)
    name = c.resolve("right")
    far = c.high + 30.0 if c.high is not None else c.low - 30.0
    s = ExerciseSession(ex)
    ramp_in, ramp_out = _ramp(0.0, 1.0, good, name, far, good[name]), _ramp(7.0, 1.0, good, name, good[name], far)
    run(s, [(1.0, ramp_in), (6.0, good), (1.0, ramp_out), (2.0, {**good, name: far})])
    (hold,) = [h for h in s.report().holds if h.duration_s > 0.5]
    assert hold.duration_s == pytest.approx(6.0, abs=0.25), (key, hold)
    assert hold.start_s == pytest.approx(1.0, abs=0.25)
