import math

import pytest

from formcheck.checking.counters import CircleCounter, HoldTimer, Phase, RepCounter

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


def signal(*segments):
    """segments of (seconds, value) at 30 fps -> list of (t, value)."""
    out, t = [], 0.0
    for seconds, v in segments:
        for _ in range(int(round(seconds / DT))):
            out.append((t, v))
            t += DT
    return out


def feed(counter, samples):
    return [r for t, v in samples if (r := counter.update(v, t)) is not None]


def test_counts_exact_reps_after_arming():
    c = RepCounter(active_at=160, rest_at=145, min_phase_s=0.25)
    reps = feed(c, signal((1, 130), (1, 170), (1, 130), (1, 175), (1, 135)))
    assert c.count == 2 and len(reps) == 2
    assert reps[1].peak == 175 and reps[0].top_s == pytest.approx(1.0, abs=0.05)


def test_arming_ignores_a_start_in_the_active_zone():
    c = RepCounter(active_at=160, rest_at=145)
    feed(c, signal((1, 170), (1, 130)))  # getting into position: starts high, comes down
    assert c.count == 0 and c.phase is Phase.REST
    feed(c, signal((1, 170), (1, 130)))
    assert c.count == 1


def test_jitter_between_thresholds_and_brief_spikes_do_not_count():
    c = RepCounter(active_at=160, rest_at=145, min_phase_s=0.25)
    feed(c, signal((1, 130), (0.1, 165), (0.5, 150), (0.1, 140), (0.5, 158), (1, 130)))
    assert c.count == 0


def test_nan_dropouts_keep_the_state():
    c = RepCounter(active_at=160, rest_at=145)
    feed(c, signal((1, 130), (0.5, 170), (0.3, math.nan), (0.5, 170), (1, 130)))
    assert c.count == 1 and c.reps[0].top_s == pytest.approx(1.3, abs=0.05)


def test_down_direction_and_hold_flag():
    c = RepCounter(active_at=40, rest_at=70, direction="down", hold_s=1.0)
    feed(c, signal((1, 90), (0.5, 20), (1, 90), (1.5, 20), (1, 90)))
    assert [r.held for r in c.reps] == [False, True]


def test_rep_counter_validates_thresholds():
    with pytest.raises(ValueError, match="active_at"):
        RepCounter(active_at=100, rest_at=120, direction="up")
    with pytest.raises(ValueError, match="direction"):
        RepCounter(active_at=100, rest_at=120, direction="sideways")  # type: ignore[arg-type]


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


def test_rep_range_of_motion_is_measured_from_the_rest_just_before_it():
    c = RepCounter(active_at=60, rest_at=30, min_phase_s=0.2)
    t, dt = 0.0, 1 / 30
    signal = [40.0] * 30 + [20.0] * 60 + [-50.0] + [20.0] * 30 + [85.0] * 30 + [20.0] * 30  # one glitch at rest
    reps = []
    for v in signal:
        rep = c.update(v, t)
        reps += [rep] if rep else []
        t += dt
    [rep] = reps
    assert rep.peak == 85.0 and rep.start_value == 20.0 and rep.rom == 65.0  # the glitch did not set the start
    assert rep.start_s < rep.end_s and rep.end_s - rep.start_s == pytest.approx(rep.top_s)
