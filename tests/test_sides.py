"""The working side frame by frame (formcheck.checking.sides): max / min rules with their margin, and 'moved', the
leg that moves away from where both legs rest together, whichever end a variant starts from."""

import pytest

from formcheck.checking.sides import SideTracker
from formcheck.exercises.base import SideRule
from formcheck.values import FrameResult

DT = 1 / 30
MOVED = SideRule("{side}_hip_flexion", "moved", first="min")


def frame(t: float, left: float, right: float) -> FrameResult:
    return FrameResult(0, t, None, True, 1, {"left_hip_flexion": left, "right_hip_flexion": right}, "side", "right")


def sides(tracker: SideTracker, *segments: tuple[float, float, float], t0: float = 0.0) -> list[str]:
    """segments of (seconds, left, right) at 30 fps -> the working side on each frame."""
    out, t = [], t0
    for seconds, left, right in segments:
        for _ in range(int(round(seconds / DT))):
            out.append(tracker.update(frame(t, left, right)))
            t += DT
    return out


def test_moved_follows_the_leg_lowered_from_table_top():
    got = sides(SideTracker(MOVED), (2.0, 90, 90), (1.0, 90, 40), (1.0, 90, 90), (1.0, 40, 90))
    assert got[int(2.5 / DT)] == "right" and got[-1] == "left"


def test_moved_follows_the_leg_lifted_from_flat_where_min_would_watch_the_resting_leg():
    segments = ((2.0, 5, 5), (1.0, 5, 90), (1.0, 5, 5), (1.0, 90, 5))
    got = sides(SideTracker(MOVED), *segments)
    assert got[int(2.5 / DT)] == "right" and got[-1] == "left"
    by_min = sides(SideTracker(SideRule("{side}_hip_flexion", "min")), *segments)
    assert by_min[int(2.5 / DT)] == "left"  # the thigh on the floor: the old rule's known limit


def test_moved_picks_as_first_says_until_both_legs_were_seen_resting_together():
    got = sides(SideTracker(MOVED), (1.0, 90, 40), (2.0, 90, 90), (1.0, 5, 90))
    assert got[0] == "right"  # min: the lower thigh, before any rest together was seen
    assert got[-1] == "left"  # moved 85 deg from the 90 where both rested


def test_moved_keeps_the_side_inside_the_margin():
    got = sides(SideTracker(MOVED), (2.0, 90, 90), (1.0, 90, 40), (1.0, 84, 90))
    assert got[-1] == "right"  # the left leg moved 6 deg: inside the 12 deg margin


def test_with_a_rule_the_nearer_side_works_until_the_other_leads_by_the_margin():
    """Both sides alike (a two-leg bridge: both hips as far below their lines): the better-seen side, not whichever
    read a few degrees ahead on the first frame; then the rule, once a side leads by the margin (a leg raised)."""
    got = sides(SideTracker(SideRule("{side}_hip_flexion", "min")), (1.0, 50, 55), (1.0, 20, 55), (1.0, 55, 55))
    assert got[0] == "right"  # the nearer side (frame() says so), though the left reads 5 deg lower
    assert got[int(1.5 / DT)] == "left" and got[-1] == "left"  # led by 35 deg; then alike again: it stays


def test_a_side_excluded_by_the_rule_is_never_switched_to():
    """The bridge's rule: the leg with its hip nearer its line works, but not a leg without a steep shin (stretched
    long or raised: no foot on the mat); once working, a side keeps working until the other leads."""
    rule = SideRule("{side}_hip_flexion", "min", excluded_above=("{side}_knee", 100.0))

    def at(t: float, left: float, right: float, left_knee: float) -> FrameResult:
        angles = {"left_hip_flexion": left, "right_hip_flexion": right, "left_knee": left_knee, "right_knee": 90.0}
        return FrameResult(0, t, None, True, 1, angles, "side", "right")

    tracker = SideTracker(rule)
    assert tracker.update(at(0.0, 10, 50, 160)) == "right"  # the left leads by 40 but is excluded
    assert tracker.update(at(0.1, 10, 50, 90)) == "left"  # no longer excluded
    assert tracker.update(at(0.2, 10, 50, 160)) == "left"  # working, it works on
    with pytest.raises(ValueError, match="excluded_above"):
        SideRule("{side}_hip_flexion", excluded_above=("left_knee", 100.0))


@pytest.mark.parametrize(
    "kwargs,match", [({"pick": "upper"}, "pick"), ({"first": "moved"}, "first"), ({"margin": -1.0}, "margin")]
)
def test_side_rule_arguments_are_validated(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SideRule("{side}_hip_flexion", **kwargs)
