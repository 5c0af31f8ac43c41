"""The rep detector frame by frame: cycles relative to the person's own rest level, full vs partial, recording
edges, holds at the top, dropouts, glitches and cuts (formcheck.checking.reps)."""

import math

import pytest

from formcheck.checking.reps import EDGE_S, RepDetector, verdict
from formcheck.exercises.base import RepSpec

DT = 1 / 30
BRIDGE = RepSpec(
    "{work}_hip", rest=125, target=160, per_side=False, partial="hips reached {peak:.0f}, aim {target:.0f}"
)
MARCH = RepSpec("{work}_hip_flexion", rest=90, target=40, either_direction=True)
KNEE_LIFT = RepSpec("{work}_hip_flexion", rest=0, target=70, partial="the knee came up to {peak:.0f}")


def signal(*segments, t0: float = 0.0):
    """segments of (seconds, value) at 30 fps -> list of (t, value); a value may be a (start, end) ramp."""
    out, t = [], t0
    for seconds, v in segments:
        n = int(round(seconds / DT))
        for i in range(n):
            value = v[0] + (v[1] - v[0]) * (i + 1) / n if isinstance(v, tuple) else v
            out.append((t, value))
            t += DT
    return out


def feed(det, samples, start_edge=True):
    t0 = samples[0][0] if samples else 0.0
    return [r for t, v in samples if (r := det.update(v, t, start_edge and t - t0 <= EDGE_S)) is not None]


def test_full_reps_are_counted_from_the_persons_own_rest_level():
    # a heel bridge: the hips never drop below 150, yet each lift is a clear cycle that reaches the target
    det = RepDetector(BRIDGE)
    reps = feed(
        det,
        signal((1, 150), (0.5, (150, 175)), (0.5, 175), (0.5, (175, 150)), (1, 150)) * 1
        + signal((0.5, (150, 172)), (0.5, 172), (0.5, (172, 151)), (1, 151), t0=3.5),
    )
    assert [r.full for r in reps] == [True, True] and det.counts() == (2, 0)
    assert reps[0].start_value == pytest.approx(150) and reps[0].peak == 175 and reps[0].rom == pytest.approx(25)


def test_a_rep_short_of_the_target_is_partial_and_says_how_far():
    det = RepDetector(BRIDGE, hold_s=5)
    [rep] = feed(det, signal((1, 125), (0.5, (125, 150)), (0.5, 150), (0.5, (150, 125)), (1, 125)))
    assert not rep.full and det.counts() == (0, 1)
    assert verdict(rep, BRIDGE, 5) == "partial: hips reached 150, aim 160"


def test_small_wobbles_and_one_frame_glitches_are_not_reps():
    det = RepDetector(BRIDGE)  # amplitude 0.4 * 35 = 14 deg
    samples = signal((1, 125), (0.5, 135), (0.5, 125), (1 / 30, 175), (1, 125), (1 / 30, 60), (1, 125))
    assert feed(det, samples) == [] and det.counts() == (0, 0)


@pytest.mark.parametrize("lift_s", [0.27, 0.4, 1.1])
def test_fast_high_knees_that_reach_the_target_are_full_reps(lift_s):
    # issue #11's fast high knees: one leg's hip flexion, 0.27 s up to 90 deg and down, then 0.27 s standing while
    # the other knee lifts; at 30 frames/s the top is a few frames, yet each lift is a full rep (the standing
    # march's knee lift, 1.1 s, likewise)
    lift = [(DT, 90 * math.sin(math.pi * (i + 0.5) * DT / lift_s)) for i in range(round(lift_s / DT))]
    det = RepDetector(KNEE_LIFT)
    reps = feed(det, signal((1, 0), *((lift + [(lift_s, 0)]) * 10)))
    assert det.counts(include_pending=False) == (10, 0) and all(r.peak > 80 for r in reps)


def test_a_one_frame_spike_is_never_the_peak_of_a_fast_rep():
    det = RepDetector(KNEE_LIFT)  # a quick lift to 55, with one glitch frame at 95 at its top
    [rep] = feed(det, signal((1, 0), (0.12, (0, 55)), (DT, 95), (0.12, (55, 0)), (1, 0)))
    assert not rep.full and rep.peak < 60 and det.counts() == (0, 1)


def test_dropouts_inside_a_rep_keep_it_whole():
    det = RepDetector(BRIDGE)
    [rep] = feed(det, signal((1, 125), (0.4, 170), (0.3, math.nan), (0.4, 170), (1, 125)))
    assert rep.full and rep.top_s == pytest.approx(1.1 - DT, abs=0.05)


def test_recording_that_starts_at_the_top_counts_that_rep_when_it_returns():
    det = RepDetector(BRIDGE)
    [rep] = feed(det, signal((1.0, 170), (0.5, (170, 125)), (1, 125)))
    assert rep.under_way_at_start and rep.full and rep.start_s == 0.0 and math.isnan(rep.start_value)


def test_a_rep_under_way_at_the_start_counts_when_it_comes_back_by_a_whole_prescribed_range():
    """A camera placed high reads everything higher: the rest comes back at 158, inside the top zone (a bridge's
    target is 160), yet the hips came down 37 deg, more than the whole prescribed range (35): that is the return."""
    det = RepDetector(BRIDGE)
    [rep] = feed(det, signal((1.0, 195), (0.5, (195, 158)), (1, 158)))
    assert rep.under_way_at_start and rep.full
    sag = RepDetector(BRIDGE)  # the hips sag 25 deg and stay in the top zone: still the same rep's top
    assert feed(sag, signal((1.0, 195), (0.5, (195, 170)), (1, 170))) == [] and sag.counts() == (0, 0)


def test_recording_that_starts_part_way_up_does_not_count_it():
    det = RepDetector(BRIDGE)  # 150 is below the target: could be getting into position
    assert feed(det, signal((1.0, 150), (0.5, (150, 125)), (1, 125))) == [] and det.counts() == (0, 0)


def test_a_top_seen_later_than_the_start_is_not_a_rep_under_way():
    det = RepDetector(BRIDGE)  # first judged frame 2 s into the recording: not at its start
    samples = signal((1.0, 170), (0.5, (170, 125)), (1, 125))
    assert [t for t, v in samples if det.update(v, t + 2.0, at_recording_start=False)] == []


def test_a_return_in_the_last_frames_counts():
    det = RepDetector(BRIDGE)
    feed(det, signal((1, 125), (0.5, (125, 170)), (0.5, 170), (2 / 30, 130)))  # ends 2 frames into the return
    assert det.reps == [] and det.counts() == (1, 0)
    [rep] = det.all_reps()
    assert rep.full and rep.end_s == pytest.approx(1 + 1.0 - DT + DT, abs=DT)


def test_a_return_begun_just_before_the_person_is_lost_until_the_end_is_not_counted():
    # a bridge held up, its hips read lower on the last frame before a fade to a title card: a return begun in a
    # recording's last frames counts only if the recording ends then, not when nobody is seen for 12 s more
    det = RepDetector(BRIDGE)
    samples = signal((1, 125), (0.5, (125, 170)), (2, 170), (2 * DT, 140))
    feed(det, samples)
    last = samples[-1][0]
    assert det.counts(ends_s=last + DT) == (1, 0) and det.counts() == (1, 0)
    assert det.counts(ends_s=last + 12.0) == (0, 0) and det.all_reps(ends_s=last + 12.0) == []


def test_a_top_without_a_return_is_not_counted():
    det = RepDetector(BRIDGE)
    feed(det, signal((1, 125), (0.5, (125, 170)), (1.0, 170)))
    assert det.counts() == (0, 0)


def test_time_at_the_top_is_the_reps_hold():
    det = RepDetector(BRIDGE, hold_s=2.0)
    reps = feed(
        det,
        signal(
            (1, 125),
            (0.3, (125, 170)),
            (1.0, 170),
            (0.3, (170, 125)),
            (1, 125),
            (0.3, (125, 170)),
            (2.2, 170),
            (0.3, (170, 125)),
            (1, 125),
        ),
    )
    assert [round(r.top_s, 1) for r in reps] == [1.0, 2.2] or [round(r.top_s, 1) for r in reps] == [1.1, 2.3]
    assert [r.held for r in reps] == [False, True]
    assert verdict(reps[0], BRIDGE, 2.0).startswith("held 1.") and verdict(reps[0], BRIDGE, 2.0).endswith(
        "of 2 s at the top"
    )
    assert verdict(reps[1], BRIDGE, 2.0) == "good, held 2 s"


def test_either_direction_follows_a_march_from_table_top_and_from_flat():
    down = RepDetector(MARCH)
    feed(down, signal((1, 90), (0.5, (90, 35)), (0.5, (35, 90)), (1, 90)))
    up = RepDetector(MARCH)
    feed(up, signal((1, 0), (0.5, (0, 90)), (0.5, (90, 0)), (1, 0)))
    short = RepDetector(MARCH)
    feed(short, signal((1, 90), (0.5, (90, 65)), (0.5, (65, 90)), (1, 90)))
    assert down.counts() == (1, 0) and up.counts() == (1, 0) and short.counts() == (0, 1)


def test_a_drifting_rest_level_is_followed():
    det = RepDetector(BRIDGE)
    samples = signal((1, 120), (0.5, 170), (1, 120))
    for shift in (10, 20):  # the person ends each rep a little higher
        samples += signal((1, 120 + shift), (0.5, 170 + shift / 2), (1, 120 + shift), t0=samples[-1][0] + DT)
    assert len(feed(det, samples)) == 3


def test_reset_drops_the_rep_under_way_but_keeps_finished_ones():
    det = RepDetector(BRIDGE)
    feed(det, signal((1, 125), (0.5, 170), (1, 125), (0.5, 170)))
    det.reset()
    det.update(125.0, 10.0)
    assert det.counts() == (1, 0) and det.under_way() is None


def _top_then_break(det: RepDetector, gap_s: float, after: float, top: float = 170.0) -> list:
    """A bridge held at ``top`` from 1.5 s, a camera cut or dropout of ``gap_s`` at 4 s (the session resets the
    detector with the first value after it), then ``after`` for 3 s, down to 125 and rest."""
    reps = feed(det, signal((1, 125), (0.5, (125, top)), (2.5, top)))
    t_after = 4.0 + gap_s
    reps += [r] if (r := det.reset(after, t_after)) is not None else []
    return reps + feed(det, signal((3, after), (0.5, (after, 125)), (2, 125), t0=t_after), start_edge=True)


def test_a_top_held_through_a_short_break_goes_on_and_its_unseen_time_is_held():
    # hold 5 s: a break of up to a third of it (1.67 s) with the hips up on both sides is the same rep and its hold
    det = RepDetector(BRIDGE, hold_s=5)
    [rep] = _top_then_break(det, 1.5, 168.0)
    assert rep.full and rep.held and 7.0 <= rep.top_s <= 7.4 and rep.start_s < 1.5  # 2.5 + 1.5 unseen + 3 s, ramps
    assert det.counts() == (1, 0)


def test_a_dip_shorter_than_the_top_grace_just_before_a_break_is_still_the_top():
    # the last 0.15 s before the break read 150 (a wipe beginning, a landmark wobble): jitter at the top, as in a hold
    det = RepDetector(BRIDGE, hold_s=5)
    feed(det, signal((1, 125), (0.5, (125, 170)), (2.35, 170), (0.15, 150)))
    assert det.reset(169.0, 5.0) is None
    [rep] = feed(det, signal((3, 169), (0.5, (169, 125)), (2, 125), t0=5.0), start_edge=True)
    assert rep.start_s < 1.5 and rep.held
    det = RepDetector(BRIDGE, hold_s=5)  # a longer dip is a way down begun: dropped
    feed(det, signal((1, 125), (0.5, (125, 170)), (2.1, 170), (0.4, 150)))
    det.reset(169.0, 5.0)
    assert all(r.start_s >= 5.0 for r in feed(det, signal((3, 169), (0.5, (169, 125)), (2, 125), t0=5.0)))


def test_a_top_across_a_longer_break_or_at_another_level_starts_afresh():
    # past a third of the hold, or read outside the top band after the break (another camera angle), the rep under
    # way is dropped as before: after it, a rep under way at the new start counts only from there
    for gap_s, after in ((1.8, 168.0), (0.5, 150.0)):
        det = RepDetector(BRIDGE, hold_s=5)
        reps = _top_then_break(det, gap_s, after)
        assert all(r.start_s >= 4.0 for r in reps), (gap_s, after)
        assert all(r.top_s < 3.6 for r in reps), (gap_s, after)
    det = RepDetector(BRIDGE)  # no prescribed hold: CUT_SEEN_S (1 s) is the longest break a top is held through
    assert [r.start_s < 1.5 for r in _top_then_break(det, 0.9, 170.0)] == [True]
    det = RepDetector(BRIDGE)
    assert [r.start_s < 1.5 for r in _top_then_break(det, 1.2, 170.0)] == [False]


def test_a_partial_top_held_through_a_short_break_still_counts():
    # a bridge that only reaches 150 (short of 160), held through a 1 s dropout: a partial rep, not lost at the break
    det = RepDetector(BRIDGE, hold_s=5)
    reps = _top_then_break(det, 1.0, 150.0, top=150.0)
    assert [(r.full, r.start_s < 1.5) for r in reps] == [(False, True)]


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="hold_s"):
        RepDetector(BRIDGE, hold_s=-1)
    with pytest.raises(ValueError, match="rest and target"):
        RepSpec("x", rest=10, target=10)
    with pytest.raises(ValueError, match="min_amplitude_deg"):
        RepSpec("x", rest=10, target=50, min_amplitude_deg=0)


@pytest.mark.parametrize("rest, top", [(0, 90), (90, 35)], ids=["from flat", "from table-top"])
def test_a_pause_on_the_way_back_is_not_a_new_rest_either_way(rest, top):
    """A march leg lifted (or lowered), held, then brought back with a pause half-way: one rep, in its direction. The
    rep is counted half-way back; until the leg has settled, the way back is not read as a rep from the pause."""
    half = (rest + top) / 2
    det = RepDetector(MARCH)
    one = [(0.5, (rest, top)), (1.0, top), (0.3, (top, half)), (0.6, half), (0.3, (half, rest)), (1.5, rest)]
    reps = feed(det, signal((1, rest), *one, *one))
    assert len(reps) == 2 and det.counts() == (2, 0), [(r.start_s, r.peak) for r in reps]
    assert all(r.peak == pytest.approx(top) for r in reps)
    assert det.prescribed_way == (top < rest)  # from table-top is the prescribed way, from flat the variant


def test_a_march_leg_that_starts_up_and_is_lowered_for_good_is_no_rep_and_its_next_reps_count():
    """A recording that starts with one leg up (which end it rests at cannot be told from the leg alone): lowered and
    kept down for longer than the rest window (3 s), the floor is its rest; then a lift from flat is a rep."""
    det = RepDetector(MARCH)
    samples = signal((1.0, 95), (1.0, (95, 0)), (7.0, 0), (1.0, (0, 90)), (0.5, 90), (1.0, (90, 0)), (2.0, 0))
    reps = feed(det, samples)
    assert len(reps) == 1 and reps[0].start_s >= 9.0 - DT and reps[0].rom == pytest.approx(90, abs=5)
    assert det.counts() == (1, 0)


def test_a_march_leg_lowered_in_a_recordings_last_seconds_is_undecided_and_counts_nothing():
    """Starts up, lowered, and the recording ends before the floor has been held past the rest window: it may be the
    first half of a march whose rest is table-top, so nothing counts; kept down long enough, it is offered as the
    end of a rep under way at the start (the session then asks the other leg)."""
    short = RepDetector(MARCH)
    assert feed(short, signal((1.0, 95), (1.0, (95, 0)), (1.0, 0))) == []
    assert short.counts() == (0, 0) and short.edge_candidate is None
    settled = RepDetector(MARCH)
    feed(settled, signal((1.0, 95), (1.0, (95, 0)), (4.0, 0)))
    assert settled.edge_candidate is not None and settled.edge_candidate.under_way_at_start


def test_a_march_rep_with_a_short_pause_at_its_far_end_is_still_one_rep():
    det = RepDetector(MARCH)  # lowered from table-top, 2.5 s at the bottom (under the 3 s a rest takes), back up
    reps = feed(det, signal((2.0, 90), (1.0, (90, 30)), (2.5, 30), (1.0, (30, 90)), (2.0, 90)))
    assert len(reps) == 1 and reps[0].full
