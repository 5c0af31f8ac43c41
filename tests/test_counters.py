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


@pytest.mark.parametrize("sign,expected", [(1, "clockwise"), (-1, "counterclockwise")])
def test_circle_counter_counts_turns_by_direction(sign, expected):
    c = CircleCounter(window_s=2.0, min_radius_px=5)
    events = []
    for i in range(int(3 * 2.0 / DT)):  # 3 circles of 2 s each
        t = i * DT
        a = sign * 2 * math.pi * t / 2.0
        if (e := c.update(100 + 30 * math.cos(a), 100 + 30 * math.sin(a), t)) is not None:
            events.append(e)
    # the first turn is partly spent finding the centre: 2 or 3 full circles are seen, all the right way
    assert set(events) == {expected} and len(events) in (2, 3)


def test_circle_counter_ignores_a_still_leg():
    c = CircleCounter()
    for i in range(120):
        c.update(100 + (i % 2), 100.0, i * DT)
    assert c.clockwise == c.counterclockwise == 0


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
