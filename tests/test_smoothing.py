from dataclasses import replace

import numpy as np
import pytest

from formcheck.landmarks import Landmark as L
from formcheck.pose.smoothing import OneEuroFilter, PoseSmoother
from tests.factory import body_world, pose_from_world, side_pose, turned


def test_one_euro_reduces_jitter_on_a_still_signal():
    rng = np.random.default_rng(0)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    raw = 100 + rng.normal(0, 2.0, 300)
    out = np.array([f(np.array([v]), i / 30)[0] for i, v in enumerate(raw)])
    assert np.std(out[30:]) < 0.5 * np.std(raw[30:])
    assert abs(np.mean(out[30:]) - 100) < 1.0


def test_one_euro_follows_a_step_within_a_few_frames():
    f = OneEuroFilter(min_cutoff=1.5, beta=0.5)
    outs = [f(np.array([0.0 if i < 10 else 100.0]), i / 30)[0] for i in range(40)]
    assert outs[9] == 0.0 and outs[-1] > 95.0


def test_filter_arguments_are_validated():
    with pytest.raises(ValueError, match="min_cutoff"):
        OneEuroFilter(min_cutoff=0)
    with pytest.raises(ValueError, match="max_gap_s"):
        PoseSmoother(max_gap_s=-1)


def test_smoother_bridges_short_dropouts_then_gives_up():
    s = PoseSmoother(max_gap_s=0.3)
    assert s.update(side_pose(t=0.0), 0.0) is not None
    held = s.update(None, 0.2)
    assert held is not None and held.held and held.timestamp_s == 0.2
    assert s.update(None, 0.5) is None  # 0.5 s since the last real pose
    fresh = s.update(side_pose(knee_deg=90.0), 0.6)
    assert fresh is not None and not fresh.held
    np.testing.assert_allclose(fresh.xy, side_pose(knee_deg=90.0).xy)  # restarted, not dragged from the old pose


def test_world_landmarks_are_smoothed_too_and_none_passes_through():
    rng = np.random.default_rng(1)
    s = PoseSmoother()
    still = turned(body_world(60.0, 100.0), 45.0)
    out = []
    for i in range(60):
        noisy = still + rng.normal(0.0, 0.01, still.shape)  # 1 cm jitter
        smoothed = s.update(pose_from_world(noisy, t=i / 30), i / 30)
        assert smoothed is not None and smoothed.world is not None
        out.append(smoothed.world)
    assert np.std(np.array(out[30:]) - still) < 0.5 * 0.01
    plain = PoseSmoother().update(side_pose(), 0.0)
    assert plain is not None and plain.world is None


def _lag_s(smoother: PoseSmoother, speed_px_s: float) -> float:
    """How far behind a pose translating steadily along x the smoothed one is after 1 s, in seconds of travel."""
    base = side_pose()
    out = None
    for i in range(31):
        t = i / 30
        moved = replace(base, xy=base.xy + np.array([speed_px_s * t, 0.0]), timestamp_s=t)
        out = smoother.update(moved, t)
    assert out is not None
    return float(np.median(base.xy[:, 0] + speed_px_s * 1.0 - out.xy[:, 0])) / speed_px_s


def test_shipped_smoother_follows_a_moving_limb_within_two_frames_and_steadies_a_still_one():
    diag = float(np.hypot(*side_pose().image_size))
    # 0.2 image diagonals a second: a knee hug or a leg raise on its way (bench/smoothing.py)
    assert _lag_s(PoseSmoother(), 0.2 * diag) < 0.045  # measured 0.030 s at 30 frames/s
    assert _lag_s(PoseSmoother(beta=0.5), 0.2 * diag) > 0.075  # the earlier setting: 0.086 s behind
    rng = np.random.default_rng(2)
    s, base, out = PoseSmoother(), side_pose(), []
    for i in range(90):
        noisy = replace(base, xy=base.xy + rng.normal(0.0, 2.0, base.xy.shape), timestamp_s=i / 30)
        smoothed = s.update(noisy, i / 30)
        assert smoothed is not None
        out.append(smoothed.xy - base.xy)
    assert np.std(np.array(out[30:])) < 0.6 * 2.0  # 2 px of landmark jitter at rest, mostly taken off


def test_a_landmark_faster_than_any_limb_is_passed_on_as_it_is_not_blended_in():
    # a knee read on the other leg between two frames: blending it in would draw a fast but possible movement over
    # several frames, which the continuity watch could not tell from a real one
    s, here = PoseSmoother(), side_pose()
    for i in range(10):
        s.update(replace(here, timestamp_s=i / 30), i / 30)
    jumped_xy = here.xy.copy()
    jumped_xy[int(L.LEFT_KNEE)] += (0.0, -0.5 * here.body_size())  # half a body in one frame: 15 body sizes a second
    out = s.update(replace(here, xy=jumped_xy, timestamp_s=10 / 30), 10 / 30)
    assert out is not None
    np.testing.assert_allclose(out.xy[int(L.LEFT_KNEE)], jumped_xy[int(L.LEFT_KNEE)])
    np.testing.assert_allclose(out.xy[int(L.RIGHT_KNEE)], here.xy[int(L.RIGHT_KNEE)])  # the rest still smoothed
    back = s.update(replace(here, timestamp_s=11 / 30), 11 / 30)  # and straight back when the model reads it right
    assert back is not None
    np.testing.assert_allclose(back.xy[int(L.LEFT_KNEE)], here.xy[int(L.LEFT_KNEE)])
    slow_xy = here.xy.copy()
    slow_xy[int(L.LEFT_KNEE)] += (0.0, -0.1 * here.body_size())  # 3 body sizes a second: a fast real knee, smoothed
    slow = s.update(replace(here, xy=slow_xy, timestamp_s=12 / 30), 12 / 30)
    assert slow is not None and slow.xy[int(L.LEFT_KNEE), 1] > slow_xy[int(L.LEFT_KNEE), 1] + 1.0


def test_a_landmark_that_keeps_going_fast_is_smoothed_not_restarted():
    # a foot in fast high knees passes 5 body sizes a second for a frame or two; it got there by speeding up, so the
    # filter keeps it (a restart would pass the jittery detection on and snap the smoothed foot forward)
    s, here = PoseSmoother(), side_pose()
    size, knee = here.body_size(), int(L.LEFT_KNEE)
    speeds = [0.0] * 10 + [1.5, 3.0, 4.5, 5.5]  # body sizes a second, frame after frame
    xy, outs = here.xy.copy(), []
    for i, v in enumerate(speeds):
        xy = xy.copy()
        xy[knee, 1] -= v * size / 30
        out = s.update(replace(here, xy=xy, timestamp_s=i / 30), i / 30)
        assert out is not None
        outs.append(out.xy[knee, 1])
    assert outs[-1] > xy[knee, 1] + 1.0  # still lagging a little behind: smoothed, not passed on as it is
    jumped = s.update(replace(here, xy=here.xy, timestamp_s=len(speeds) / 30), len(speeds) / 30)  # and straight back
    assert jumped is not None  # from 5.5 up to 19 body sizes a second down: no limb turns that fast
    np.testing.assert_allclose(jumped.xy[knee], here.xy[knee])
