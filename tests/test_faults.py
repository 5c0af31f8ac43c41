"""Fault events frame by frame: a rule is a fault only after failing for its min_fail_s, only in its phase, and the
cue, the per-rep verdicts, the summary and the history all come from the same events."""

from __future__ import annotations

import math

import pytest

from formcheck.checking.faults import Check, FaultEvent, FaultWatch
from formcheck.checking.form import EXIT_S, SETTLE_S
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import get
from formcheck.exercises.base import Criterion
from tests.test_session import DT, frame, good_angles, run

KNEE = Criterion("knee", "{work}_knee", low=150, too_low="Straighten it", seen_low="the knee bent")


def check(failing: bool | None, value: float = 140.0) -> list[Check]:
    return [Check("knee", failing, "Straighten it", "the knee bent", "right_knee", value, 150.0, 0.3)]


def feed(watch: FaultWatch, pattern: list[tuple[float, bool | None]]) -> list[list[FaultEvent]]:
    """pattern: (seconds, failing) -> the events begun on each frame."""
    out, t = [], 0.0
    for seconds, failing in pattern:
        for _ in range(round(seconds / DT)):
            out.append(watch.update(t, check(failing), "right"))
            t += DT
    return out


def test_a_short_failure_is_jitter_and_a_long_one_is_one_fault():
    w = FaultWatch()
    feed(w, [(1, False), (0.2, True), (1, False)])
    assert w.events == []
    begun = feed(w, [(0.6, True), (1, False)])
    assert sum(len(b) for b in begun) == 1 and len(w.events) == 1
    e = w.events[0]
    assert 0.5 <= e.duration_s <= 0.6 and e.worst == 140.0 and e.words().startswith("the knee bent for 0.")


def test_unmeasurable_frames_neither_break_nor_extend_a_run():
    w = FaultWatch()
    feed(w, [(0.2, True), (0.1, None), (0.2, True), (0.5, False)])
    assert len(w.events) == 1  # 0.2 s + a 0.1 s gap + 0.2 s: one run of 0.5 s
    w2 = FaultWatch()
    feed(w2, [(0.2, True), (0.7, None), (0.2, True), (0.5, False)])  # a gap over GAP_S ends the run
    assert w2.events == []


def test_a_rule_that_stops_applying_ends_its_fault():
    w = FaultWatch()
    feed(w, [(0.6, True)])
    assert w.active() and w.events[0].end_s is None
    w.update(1.0, [], "right")  # its phase is over
    assert not w.active() and w.events[0].end_s == pytest.approx(0.6 - DT, abs=0.02)


def test_leaving_the_position_drops_a_fault_that_began_on_the_way_out():
    w = FaultWatch()
    feed(w, [(0.5, True)])
    w.discard_lasting(0.5, EXIT_S)
    assert w.events == [] and not w.active()


def test_criterion_arguments_are_checked():
    with pytest.raises(ValueError, match="when must be one of"):
        Criterion("x", "left_knee", low=1, when="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="low must be <= high"):
        Criterion("x", "left_knee", low=10, high=5)
    with pytest.raises(ValueError, match="min_fail_s must be >= 0"):
        Criterion("x", "left_knee", low=1, min_fail_s=-1)
    with pytest.raises(ValueError, match="at most one"):
        Criterion("x", "left_knee", low=1, only_prescribed_start=True, only_variant_start=True)


# ---- phases, on real exercises' data ---------------------------------------------------------------------------
def leg_raise(lift: float, knee: float) -> dict[str, float]:
    """single_leg_raise angles: the right leg raised to ``lift`` degrees with its knee at ``knee``."""
    a = good_angles(get("single_leg_raise"))
    a.update({"right_leg_elevation": lift, "left_leg_elevation": 0.0, "right_knee": knee, "left_knee": 175.0})
    return a


def reps(n: int, knee_at_top: float = 175.0, knee_at_rest: float = 175.0) -> list:
    seg = [(2.0, leg_raise(0, knee_at_rest))]
    for _ in range(n):
        seg += [(0.4, leg_raise(15, 175)), (1.5, leg_raise(40, knee_at_top)), (0.4, leg_raise(15, 175))]
        seg += [(1.5, leg_raise(0, knee_at_rest))]
    return seg


def test_a_working_rule_is_judged_while_the_leg_works_not_at_rest():
    s = ExerciseSession(get("single_leg_raise"))
    run(s, reps(2, knee_at_rest=120.0))  # the leg on the floor may be bent: it is not working
    assert s.report().fault_events == []
    s = ExerciseSession(get("single_leg_raise"))
    fbs = run(s, reps(2, knee_at_top=130.0))
    report = s.report()
    assert [e.rep for e in report.fault_events] == [1, 2]
    assert all(e.criterion == "raised knee straight" and e.side == "right" for e in report.fault_events)
    assert all("the raised knee bent" in v for v in report.verdicts)
    assert report.faults == {"Keep the raised leg straight: lock the knee": 2}  # summary = events
    assert [f.rep for f in report.fault_events] == [r["rep"] for r in report.rep_table() if r["faults"]]
    assert sum(len(f.final_faults) for f in fbs) == 2  # the history gets each once, when its rep is counted
    assert any(f.cue == "Keep the raised leg straight: lock the knee" for f in fbs)  # the live cue


def test_a_fault_of_a_rep_that_is_never_finished_does_not_stand():
    s = ExerciseSession(get("single_leg_raise"))
    run(s, [(2.0, leg_raise(0, 175)), (0.4, leg_raise(15, 175)), (3.0, leg_raise(40, 120))])  # up, and it ends
    assert s.report(include_pending=False).fault_events == []


def test_form_rules_wait_until_the_person_has_settled():
    ex = get("kneeling_hip_flexor")
    bad = good_angles(ex)
    bad["right_knee"] = 30.0  # front knee far past the ankle
    s = ExerciseSession(ex)
    fbs = run(s, [(SETTLE_S - 0.1, bad)])
    assert s.report().fault_events == [] and all(f.level != "fix" for f in fbs)
    fbs = run(s, [(1.0, bad)], t0=SETTLE_S - 0.1)
    assert [e.criterion for e in s.report().fault_events] == ["front knee"] and fbs[-1].level == "fix"


def test_table_top_rules_never_apply_to_the_march_from_flat():
    ex = get("psoas_march")
    base = good_angles(ex)

    def march(right: float, left: float) -> dict[str, float]:
        return base | {"right_hip_flexion": right, "left_hip_flexion": left, "right_knee": 100.0, "left_knee": 170.0}

    flat = [(2.0, march(10, 10))]
    for _ in range(2):  # lift the right leg from flat to table-top and back; the left leg stays flat
        flat += [(0.5, march(50, 10)), (1.0, march(90, 10)), (0.5, march(50, 10)), (1.5, march(10, 10))]
    s = ExerciseSession(ex)
    run(s, flat)
    r = s.report()
    assert sum(r.reps.values()) + sum(r.partial_reps.values()) >= 2 and r.fault_events == []


def _march(base: dict[str, float], right: float, left: float, right_knee: float = 100.0) -> dict[str, float]:
    return base | {"right_hip_flexion": right, "left_hip_flexion": left, "right_knee": right_knee, "left_knee": 170.0}


def test_the_march_from_flat_is_watched_on_the_lifted_leg_and_a_straight_lift_is_its_fault():
    ex = get("psoas_march")
    base = good_angles(ex)
    straight = [(2.0, _march(base, 10, 10, 175))]
    for _ in range(2):  # the right leg lifted straight from flat (a leg raise, not a march), the left one flat
        straight += [(0.5, _march(base, 50, 10, 175)), (1.0, _march(base, 90, 10, 175))]
        straight += [(0.5, _march(base, 50, 10, 175)), (1.5, _march(base, 10, 10, 175))]
    s = ExerciseSession(ex)
    fbs = run(s, straight)
    assert max(f.t for f in fbs if f.side == "right") > 2.5  # the lifted leg is the working one
    events = s.report().fault_events
    assert [e.criterion for e in events] == ["lifted knee bent", "lifted knee bent"]
    assert all(e.side == "right" and "stayed straight" in e.words() for e in events)


def test_a_jerk_in_the_march_from_flat_is_judged_on_the_lifted_leg():
    ex = get("psoas_march")
    base = good_angles(ex)
    s = ExerciseSession(ex)
    run(s, [(2.0, _march(base, 10, 10)), (0.6, _march(base, 30, 10))])
    t = 2.6
    for i in range(int(0.4 / DT)):  # 30 -> 90 deg in 0.13 s, then held: a flail, ~450 deg/s
        s.step(frame(t, _march(base, min(90.0, 30.0 + 15.0 * (i + 1)), 10)))
        t += DT
    run(s, [(1.0, _march(base, 90, 10)), (1.0, _march(base, 50, 10)), (1.5, _march(base, 10, 10))], t0=t)
    [e] = s.report().fault_events
    assert e.criterion == "controlled speed" and e.side == "right" and e.angle == "right_hip_flexion"


def test_a_march_recording_that_starts_with_one_leg_up_counts_that_rep_and_the_other_legs_lift():
    """The left leg is up when the recording starts and comes down to the floor, beside the right leg that stays
    there: that was a rep under way at the start (its top and its return seen), counted once the leg has rested 3 s.
    1.3 s after it came down the right leg is lifted from flat: the left leg does not move meanwhile, so the lift is
    not "the left leg's movement seen through it": it counts too."""
    ex = get("psoas_march")
    base = good_angles(ex)
    s = ExerciseSession(ex)
    run(s, [(0.8, _march(base, 14, 95)), (1.0, _march(base, 14, 5)), (1.3, _march(base, 5, 5))])
    lift = [
        (1.0, _march(base, 90, 5)),
        (0.8, _march(base, 90, 5)),
        (0.8, _march(base, 5, 5)),
        (1.5, _march(base, 5, 5)),
    ]
    run(s, lift, t0=3.1)
    report = s.report()
    assert report.reps == {"left": 1, "right": 1}
    [left] = [r for r in report.rep_details if r.side == "left"]
    assert left.under_way_at_start and left.end_s < 2.0


def test_lifting_both_legs_to_table_top_at_the_start_is_getting_into_position():
    ex = get("psoas_march")
    base = good_angles(ex)
    s = ExerciseSession(ex)
    run(s, [(1.0, _march(base, 5, 5)), (1.0, _march(base, 90, 90)), (5.0, _march(base, 90, 90))])
    assert sum(s.report().reps.values()) + sum(s.report().partial_reps.values()) == 0
    s = ExerciseSession(ex)  # ... and so is lowering both from table-top to the floor
    run(s, [(1.0, _march(base, 90, 90)), (1.0, _march(base, 5, 5)), (5.0, _march(base, 5, 5))])
    assert sum(s.report().reps.values()) + sum(s.report().partial_reps.values()) == 0


def test_a_top_rule_is_judged_over_the_reps_top_window_only():
    ex = get("bridge")
    base = good_angles(ex) | {"feet_width": 1.0}

    def bridge(sag: float, over_arch: float | None = None) -> dict[str, float]:
        return base | {"right_hip_sag": over_arch if over_arch is not None else sag}

    lowering_past = [(2.0, bridge(55)), (0.5, bridge(30)), (1.5, bridge(-5)), (0.5, bridge(30)), (2.0, bridge(55))]
    s = ExerciseSession(ex)
    run(s, lowering_past)
    assert s.report().reps == {"both": 1} and s.report().fault_events == []
    arched = [(2.0, bridge(55)), (0.5, bridge(30)), (1.5, bridge(-5, -45)), (0.5, bridge(30)), (2.0, bridge(55))]
    s = ExerciseSession(ex)
    run(s, arched)
    [e] = [e for e in s.report().fault_events if e.criterion != "controlled speed"]  # the steps here are jumps
    assert e.criterion == "no over-arch" and e.rep == 1 and e.duration_s >= 1.0


def test_speed_is_never_measured_across_a_side_switch():
    ex = get("standing_march")
    s = ExerciseSession(ex)
    a = good_angles(ex)
    fbs = []
    t = 0.0
    for i in range(int(6 / DT)):  # the legs alternate slowly, but each switch jumps the watched angle by 60 deg
        right = 60.0 + 10 * math.sin(t)
        left = 0.0
        if (i // int(1.5 / DT)) % 2:
            right, left = left, right
        fbs.append(s.step(frame(t, a | {"right_hip_flexion": right, "left_hip_flexion": left})))
        t += DT
    assert not any("controlled speed" == e.criterion for e in s.report().fault_events)


def test_every_angle_a_rep_table_can_name_is_said_in_words():
    from formcheck.checking.report import angle_words
    from formcheck.pose.angles import ANGLE_NAMES

    assert all(angle_words(n).startswith(n.replace("_", " ") + " (") for n in ANGLE_NAMES)
    assert "below the shoulder-knee line" in angle_words(get("bridge").reps.signal.replace("{work}", "right"))


def test_a_relative_rule_of_a_rep_under_way_when_the_recording_starts_is_judged_from_its_first_second():
    ex = get("roll_up")
    base = good_angles(ex)

    def up(trunk: float, knee: float) -> dict[str, float]:
        return base | {"trunk_elevation": trunk, "right_knee": knee, "left_knee": knee}

    def recording(knee_later: float) -> list[tuple[float, dict[str, float]]]:  # begins sitting up, then rolls down
        return [(2.0, up(70, 90)), (1.5, up(70, knee_later)), (1.0, up(35, knee_later)), (2.5, up(0, knee_later))]

    s = ExerciseSession(ex)
    run(s, recording(knee_later=90))  # the bent-knee variant, knees kept: fine
    assert s.report().reps == {"both": 1} and s.report().fault_events == []
    s = ExerciseSession(ex)
    run(s, recording(knee_later=35))  # the knees bend by 55 deg during the rep: they were pulled in to help
    assert [e.criterion for e in s.report().fault_events] == ["legs still"]


@pytest.mark.parametrize(("knee_at_top", "fault"), [(115, False), (82, False), (65, True)])
def test_a_bent_knee_roll_up_may_close_its_knees_as_the_pelvis_rolls_but_not_pull_them_in(knee_at_top, fault):
    """From lying with knees at 115 deg: sitting up onto the sit bones closes them by up to ~35 deg on clean reps
    (the hip moves towards the planted feet); pulling them in by 50 deg to help is the fault."""
    ex = get("roll_up")
    base = good_angles(ex)

    def pose(trunk: float, knee: float) -> dict[str, float]:
        return base | {"trunk_elevation": trunk, "right_knee": knee, "left_knee": knee}

    def curl(t: float, t0: float, seconds: float, frm: tuple[float, float], to: tuple[float, float]):
        w = min(max((t - t0) / seconds, 0.0), 1.0)
        return frame(t, pose(frm[0] + w * (to[0] - frm[0]), frm[1] + w * (to[1] - frm[1])))

    s = ExerciseSession(ex)
    run(
        s,
        [
            (3.0, pose(0, 115)),
            (2.0, lambda t: curl(t, 3.0, 2.0, (0, 115), (75, knee_at_top))),
            (2.0, pose(75, knee_at_top)),
            (2.0, lambda t: curl(t, 7.0, 2.0, (75, knee_at_top), (0, 115))),
            (2.0, pose(0, 115)),
        ],
    )
    report = s.report()
    assert report.reps == {"both": 1}
    assert [e.criterion for e in report.fault_events] == (["legs still"] if fault else [])
