"""The guided routine, stepped frame by frame with synthetic angles built from each exercise's own thresholds."""

from __future__ import annotations

import pytest

from formcheck.checking.routine import MSG_SWITCH, ROUTINE_ORDER, RoutineRunner, Step, routine_steps, steps_for
from formcheck.exercises import get
from tests.test_session import DT, _active, good_angles, run

HOLD_S = get("kneeling_hip_flexor").prescription.hold_s


def feed(runner: RoutineRunner, segments, t0: float = 0.0):
    """test_session.run on the runner (same step interface); also returns the end time."""
    return run(runner, segments, t0), t0 + sum(round(sec / DT) * DT for sec, _ in segments)


def events(feedback) -> list[str]:
    return [e for fb in feedback for e in fb.events]


def test_steps_follow_each_prescription():
    steps = routine_steps()
    assert [s.exercise for s in steps][:2] == ["kneeling_hip_flexor"] * 2
    assert steps[0] == Step("kneeling_hip_flexor", "left", "hold", 3) and steps[1].side == "right"
    assert steps_for(get("psoas_march")) == [Step("psoas_march", None, "reps", 20)]  # 20 alternating, in total
    assert steps_for(get("single_leg_raise")) == [Step("single_leg_raise", s, "reps", 20) for s in ("left", "right")]
    assert steps_for(get("bridge")) == [Step("bridge", None, "reps", 10)]
    assert steps_for(get("leg_circles"))[0].kind == "circles"
    assert {s.exercise for s in steps} == set(ROUTINE_ORDER) and "standing_march" not in ROUTINE_ORDER
    assert [s.exercise for s in steps] == sorted((s.exercise for s in steps), key=ROUTINE_ORDER.index)


def test_three_holds_per_leg_then_the_next_exercise():
    runner = RoutineRunner()
    ex = get("kneeling_hip_flexor")
    one_leg = [(HOLD_S + 0.5, good_angles(ex, "left")), (1.5, None)] * 3
    fb, t = feed(runner, one_leg)
    assert events(fb).count("hold_complete") == 3 and events(fb).count("set_done") == 1
    status = fb[-1].routine
    assert status.index == 1 and status.step.side == "right" and status.done == 0
    assert status.line.startswith("Step 2/") and "right side - 0/3 (3 holds of 30 s)" in status.line
    assert status.next_title == "Lying psoas stretch (dangling leg) - left side"
    fb, _ = feed(runner, [(HOLD_S + 0.5, good_angles(ex, "right")), (1.5, None)] * 3, t)
    assert "exercise_done" in events(fb) and runner.exercise.key == "lying_psoas"
    assert fb[-1].routine.index == 2 and fb[-1].routine.done == 0  # the new exercise starts from zero
    [kneeling] = runner.finished_reports
    assert kneeling.exercise == "kneeling_hip_flexor" and kneeling.holds_completed == {"left": 3, "right": 3}


def test_wrong_leg_is_told_to_switch_and_does_not_complete_the_step():
    runner = RoutineRunner()
    fb, _ = feed(runner, [(HOLD_S + 0.5, good_angles(get("kneeling_hip_flexor"), "right"))])
    assert fb[-1].cue == MSG_SWITCH.format(side="left") and fb[-1].level == "info"
    assert fb[-1].routine.index == 0 and fb[-1].routine.done == 0


def test_reps_step_and_routine_end():
    runner = RoutineRunner([Step("bridge", None, "reps", 2)])
    ex = get("bridge")
    rest, active = good_angles(ex), dict(good_angles(ex))
    active[ex.reps.signal.format(work="right")] = _active(ex)
    fb, _ = feed(runner, [(1.0, rest), (1.0, active), (1.0, rest), (1.0, active), (1.0, rest)])
    assert events(fb).count("rep") == 2
    assert {"set_done", "exercise_done", "routine_done"} <= set(events(fb))
    assert runner.finished and fb[-1].routine.finished and fb[-1].routine.line == "Routine complete - well done!"


def test_skip_and_back():
    runner = RoutineRunner()
    assert runner.skip() == [] and runner.index == 1  # same exercise, other leg
    assert runner.skip() == ["exercise_done"] and runner.exercise.key == "lying_psoas"
    assert runner.back() == ["exercise_done"] and runner.index == 1 and runner.exercise.key == "kneeling_hip_flexor"
    with pytest.raises(ValueError, match="steps must hold at least one step"):
        RoutineRunner([])
