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
