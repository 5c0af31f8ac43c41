import math

import pytest

from formcheck.checking.counters import CircleCounter, HoldTimer

DT = 1 / 30


def run_hold(timer, pattern):
    """pattern: list of (seconds, ok) segments at 30 fps; returns the holds that just completed."""
    t, done = 0.0, []
    for seconds, ok in pattern:
        for _ in range(int(round(seconds / DT))):
            if timer.update(ok, t, "left") is not None:
                done.append(t)
            t += DT
    return done


def test_hold_completes_once_at_target():
    timer = HoldTimer(target_s=2.0)
    done = run_hold(timer, [(3.0, True)])
    assert len(done) == 1 and done[0] == pytest.approx(2.0, abs=DT)
    assert timer.seconds == pytest.approx(3.0 - DT, abs=1e-6)


def test_short_wobble_within_grace_does_not_reset_and_is_not_counted():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_hold(timer, [(2.0, True), (0.3, False), (2.0, True)])
    assert timer.current is not None and timer.current.start_s == 0.0
    assert timer.seconds == pytest.approx(4.0 - DT, abs=1e-6)  # 2 s + 2 s; the 0.3 s of bad form is not counted


def test_dropout_none_is_bridged_like_a_wobble():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_hold(timer, [(2.0, True), (0.2, None), (1.0, True)])
    assert len(timer.finished) == 0 and timer.current is not None


def test_failure_longer_than_grace_ends_the_hold():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_hold(timer, [(2.0, True), (1.0, False), (1.0, True)])
    assert len(timer.finished) == 1 and timer.finished[0].duration_s == pytest.approx(2.0 - DT, abs=1e-6)
    assert not timer.finished[0].completed
    assert timer.seconds == pytest.approx(1.0 - DT, abs=1e-6)


def test_side_change_starts_a_new_hold():
    timer = HoldTimer(target_s=1.0)
    timer.update(True, 0.0, "left")
    timer.update(True, 0.5, "left")
    timer.update(True, 0.6, "right")
    assert [h.side for h in timer.finished] == ["left"] and timer.current.side == "right"


def test_hold_arguments_validated():
    with pytest.raises(ValueError, match="target_s"):
        HoldTimer(0)
    with pytest.raises(ValueError, match="unseen_s"):
        HoldTimer(10, unseen_s=-1)


def circle_path(
    turns: list[tuple[float, float]],
    radius: tuple[float, float] = (15.0, 15.0),
    centre: tuple[float, float] = (5.0, -20.0),
) -> list[tuple[float, float, float]]:
    """(t, out, headward) frames of a leg going round: ``turns`` = (circles, seconds each), + inward, - outward; the
    path is an ellipse with these half-widths (degrees) around ``centre``, starting at its top (towards the head)."""
    frames, t, phase = [], 0.0, 0.0
    for circles, period in turns:
        for _ in range(int(round(abs(circles) * period / DT))):
            phase += math.copysign(2 * math.pi * DT / period, circles)
            frames.append((t, centre[0] - radius[0] * math.sin(phase), centre[1] + radius[1] * math.cos(phase)))
            t += DT
    return frames


def fed(c: CircleCounter, frames: list[tuple[float, float, float]]) -> list[str]:
    return [e for t, x, y in frames if (e := c.update(x, y, t)) is not None]


@pytest.mark.parametrize("period", [1.2, 2.5, 5.0])
def test_circles_are_counted_exactly_per_direction_fast_or_slow(period):
    """Inward: over the midline (out < 0), down towards the feet, out and up: atan2(headward, out) increasing. Five
    one way then five the other, each counted when it is done, none lost to finding the centre at the start."""
    c = CircleCounter()
    events = fed(c, circle_path([(5, period), (-5, period)]))
    assert events == ["inward"] * 5 + ["outward"] * 5
    assert c.counts == {"inward": 5, "outward": 5}


def test_a_flattened_circle_counts_but_a_back_and_forth_does_not():
    """The model's depth may flatten the half of a circle that runs along the camera's line of sight: an ellipse a
    third as wide still counts. A leg going up and down (or slanting, both axes moving together) is no circle."""
    assert fed(CircleCounter(), circle_path([(3, 2.0)], radius=(5.5, 16.0))) == ["inward"] * 3
    line = [(i * DT, 0.3 * 15 * math.sin(i * DT * math.pi), 15 * math.sin(i * DT * math.pi)) for i in range(300)]
    assert fed(CircleCounter(), line) == []  # 5 up-and-downs of a slanting leg in 10 s


def test_a_still_leg_and_small_wobbles_are_no_circles():
    still = [(i * DT, 10 + 2.0 * math.sin(i * 1.7), -20 + 2.0 * math.cos(i * 2.3)) for i in range(300)]
    assert fed(CircleCounter(), still) == []
    assert fed(CircleCounter(), circle_path([(4, 2.0)], radius=(4.0, 4.0))) == []  # under 5 deg: no circle


def test_a_gap_or_a_bent_knee_starts_the_circle_afresh():
    """A circle is one unbroken turn: frames missing for over half a second, or an interruption (the session's, when
    the knee bends), leave the turn under way uncounted; the circles after it count again."""
    once_round = circle_path([(1.6, 2.0)])  # 1.6 circles, 0.7 s of it missing: a full turn only across the hole
    assert fed(CircleCounter(), [f for f in once_round if not 1.0 <= f[0] < 1.7]) == []
    assert fed(CircleCounter(), [f for f in once_round if not 1.0 <= f[0] < 1.3]) == ["inward"]  # 0.3 s: one turn
    frames = circle_path([(4, 2.0)])
    c = CircleCounter()
    fed(c, frames[:90])  # 1.5 circles
    c.interrupt()
    assert fed(c, frames[90:]) == ["inward"] * 2  # 2.5 circles left: two whole ones after the restart


def test_circle_counter_arguments_are_validated():
    with pytest.raises(ValueError, match="window_s"):
        CircleCounter(window_s=0)
    with pytest.raises(ValueError, match="min_radius_deg"):
        CircleCounter(min_radius_deg=-1)
    assert CircleCounter().update(math.nan, 0.0, 0.0) is None


def test_time_out_of_view_between_good_form_is_held_and_reported():
    """A camera cut (or the legs leaving the frame) inside a hold: the hold goes on when the same good form is seen
    again, and the time out of view is counted and named."""
    timer = HoldTimer(target_s=30.0)  # may be out of view up to 10 s
    run_hold(timer, [(8.0, True), (6.0, None), (0.2, False), (3.0, True)])
    assert timer.finished == [] and timer.current is not None and timer.current.start_s == 0.0
    assert timer.current.unseen_s == pytest.approx(6.2 + DT, abs=1e-6)
    assert timer.seconds == pytest.approx(8.0 + 6.2 + 3.0 - DT, abs=1e-6)
    assert "out of view" in timer.current.words()


def test_out_of_view_longer_than_a_third_of_the_target_ends_the_hold():
    timer = HoldTimer(target_s=30.0)
    run_hold(timer, [(8.0, True), (11.0, None), (3.0, True)])
    assert len(timer.finished) == 1 and timer.finished[0].duration_s == pytest.approx(8.0 - DT, abs=1e-6)
    assert timer.finished[0].unseen_s == 0.0 and timer.current.unseen_s == 0.0


def test_back_in_view_with_the_form_wrong_ends_the_hold():
    timer = HoldTimer(target_s=30.0, grace_s=0.5)
    run_hold(timer, [(8.0, True), (4.0, None), (1.0, False), (3.0, True)])
    assert len(timer.finished) == 1 and timer.finished[0].unseen_s == 0.0
    assert timer.current.duration_s == pytest.approx(3.0 - DT, abs=1e-6)


def test_a_wrong_pose_before_the_view_is_lost_is_not_bridged():
    """Bad form for longer than the grace ends the hold even if the person then leaves the view."""
    timer = HoldTimer(target_s=30.0, grace_s=0.5)
    run_hold(timer, [(8.0, True), (1.0, False), (4.0, None), (3.0, True)])
    assert len(timer.finished) == 1 and timer.finished[0].duration_s == pytest.approx(8.0 - DT, abs=1e-6)


def test_out_of_view_after_the_target_was_reached_ends_the_hold():
    """A hold done: stepping out of view and back is the next set, not more of the same hold."""
    timer = HoldTimer(target_s=5.0, grace_s=0.5)  # may be out of view 1.7 s before the target
    done = run_hold(timer, [(5.5, True), (1.5, None), (5.5, True)])
    assert len(done) == 2 and len(timer.finished) == 1 and timer.finished[0].unseen_s == 0.0


def run_frames(timer, segments, t0: float = 0.0):
    """segments: (seconds, ok, still, way_out) at 30 fps; returns the time after the last frame."""
    t = t0
    for seconds, ok, still, way_out in segments:
        for _ in range(int(round(seconds / DT))):
            timer.update(ok, t, "left", still=still, way_out=way_out)
            t += DT
    return t


def test_easing_in_is_not_held_the_hold_begins_once_the_key_angle_keeps_still():
    timer = HoldTimer(target_s=10.0)
    run_frames(timer, [(1.0, True, False, False)])  # good form, but the key angle is still moving in
    assert timer.current is None and timer.seconds == 0.0
    run_frames(timer, [(2.0, True, True, False)], t0=1.0)
    assert timer.current.start_s == pytest.approx(1.0)
    assert timer.seconds == pytest.approx(2.0 - DT, abs=1e-6)


def test_moving_within_the_hold_is_held():
    timer = HoldTimer(target_s=10.0)
    run_frames(timer, [(1.0, True, True, False), (2.0, True, False, False), (1.0, True, True, False)])
    assert timer.seconds == pytest.approx(4.0 - DT, abs=1e-6)  # rocking in range once the hold began counts


def test_the_way_out_is_taken_off_when_the_key_angle_leaves_its_range():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_frames(timer, [(4.0, True, True, False), (1.0, True, False, False), (1.0, False, False, True)])
    (hold,) = timer.finished
    assert hold.duration_s == pytest.approx(4.0 - DT, abs=1e-6)  # the second of moving out was not holding


def test_another_rule_breaking_the_form_takes_nothing_off():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_frames(timer, [(4.0, True, True, False), (1.0, True, False, False), (1.0, False, False, False)])
    (hold,) = timer.finished
    assert hold.duration_s == pytest.approx(5.0 - DT, abs=1e-6)


def test_only_the_last_unbroken_movement_is_the_way_out():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    segments = [(2.0, True, True, False), (1.0, True, False, False), (1.0, True, True, False)]
    run_frames(timer, [*segments, (0.5, True, False, False), (1.0, False, False, True)])
    (hold,) = timer.finished
    assert hold.duration_s == pytest.approx(4.0 - DT, abs=1e-6)  # 4.5 s held, the last 0.5 s was the way out


def test_a_short_wobble_then_good_form_again_takes_nothing_off():
    timer = HoldTimer(target_s=10.0, grace_s=0.5)
    run_frames(timer, [(3.0, True, True, False), (0.5, True, False, False), (0.2, False, False, True)])
    run_frames(timer, [(1.0, True, True, False), (1.0, False, False, False)], t0=3.7)
    (hold,) = timer.finished
    assert hold.duration_s == pytest.approx(4.5 - DT, abs=1e-6)


def test_a_hold_that_reached_its_target_is_never_taken_below_it():
    timer = HoldTimer(target_s=4.0, grace_s=0.5)
    run_frames(timer, [(3.5, True, True, False), (1.5, True, False, False), (1.0, False, False, True)])
    (hold,) = timer.finished
    assert hold.completed and hold.duration_s == pytest.approx(4.0)
