"""Semi-synthetic faults (formcheck.app.synthetic): a bridge's line angle is changed as a bridge moves, by its hips."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.app.synthetic import set_angle
from formcheck.landmarks import Landmark as L
from formcheck.pose.angles import compute_angles
from tests.factory import planted, pose_from_world, supine_world, turned


@pytest.mark.parametrize("goal", [-25.0, 10.0, 40.0])
def test_a_bridge_line_angle_is_set_by_moving_the_hips_not_the_leg(goal):
    """The hip's line angle reads the goal; the shoulders, knees and feet stay; the trunk's elevation moves with the
    hips (a leg turned about the hip would leave the hips on the mat, and a bridge rep must lift them)."""
    pose = pose_from_world(turned(supine_world(planted(), planted(), lift_deg=10.0), 90.0))
    moved = set_angle(pose, "right_hip_sag", goal)
    after, before = compute_angles(moved), compute_angles(pose)
    assert after["right_hip_sag"] == pytest.approx(goal, abs=0.5)
    kept = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE]
    np.testing.assert_allclose(moved.xy[kept], pose.xy[kept])
    rose = before["right_hip_sag"] - goal  # the line angle falls as the hips rise
    assert np.sign(before["trunk_elevation"] - after["trunk_elevation"]) == np.sign(rose)


def test_a_fault_put_into_a_smoothed_frame_moves_the_models_detection_with_it():
    """The continuity watch reads the model's detection beside the smoothed pose: an altered frame's detection is
    moved as its smoothed pose was (the model would see the person moving that way), keeping what the smoother had
    taken off it."""
    from dataclasses import replace

    from formcheck.app.synthetic import _remeasure
    from formcheck.pose.measure import frame_result

    smoothed = pose_from_world(turned(supine_world(planted(), planted()), 90.0))
    detection = replace(smoothed, xy=smoothed.xy + 3.0)  # the detection, a little off the smoothed pose
    frame = frame_result(smoothed, 0.0, raw=detection)
    altered = set_angle(smoothed, "right_hip_sag", 5.0)
    moved = _remeasure(frame, altered)
    assert moved.detection is not None and moved.pose is altered
    np.testing.assert_allclose(moved.detection.xy, altered.xy + 3.0)
    assert _remeasure(frame_result(smoothed, 0.0), altered).detection is altered  # no separate detection: the pose
