"""The leg's direction in the body's own frame (formcheck.pose.leg_direction): the same numbers from any camera."""

from __future__ import annotations

import math

import pytest

from formcheck.pose.leg_direction import LEG_DIRECTION_NAMES, compute_leg_directions
from tests.factory import Leg, pose_from_world, side_pose, supine_world, turned

VIEWS = {"side": (90.0, 0.0), "other side": (-90.0, 0.0), "45 deg off, from above": (45.0, 20.0), "feet": (0.0, 0.0)}


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
@pytest.mark.parametrize(
    "flexion, tilt_out, headward, out",
    [
        (90.0, 0.0, 0.0, 0.0),
        (70.0, 0.0, -20.0, 0.0),
        (105.0, 0.0, 15.0, 0.0),
        (90.0, 15.0, 0.0, 15.0),
        (90.0, -12.0, 0.0, -12.0),
    ],
)
def test_a_raised_leg_reads_the_same_from_every_camera(view, flexion, tilt_out, headward, out):
    """Built joint by joint: hip flexion 90 = the leg at the ceiling (both 0); less flexion points it towards the
    feet (headward < 0); tilted out to its own side, ``out`` > 0 for either leg, across the midline < 0."""
    leg = Leg(hip_flexion_deg=flexion, tilt_out_deg=tilt_out)
    d = compute_leg_directions(pose_from_world(turned(supine_world(left=leg, right=leg), *view)))
    for side in ("left", "right"):
        assert d[f"{side}_leg_headward"] == pytest.approx(headward, abs=0.5)
        assert d[f"{side}_leg_out"] == pytest.approx(out, abs=0.5)


def test_an_inward_circle_turns_anticlockwise_for_either_leg():
    """Inward = over the midline, down towards the feet, out, up: (out, headward) goes (-, 0), (0, -), (+, 0), (0, +),
    so atan2(headward, out) increases, for the left leg and the right leg alike."""
    path = [(90.0, -15.0), (75.0, 0.0), (90.0, 15.0), (105.0, 0.0)]  # (hip flexion, tilt out)
    for side in ("left", "right"):
        angles = []
        for flexion, tilt in path:
            leg = Leg(hip_flexion_deg=flexion, tilt_out_deg=tilt)
            d = compute_leg_directions(pose_from_world(turned(supine_world(**{side: leg}), 90.0)))
            angles.append(math.degrees(math.atan2(d[f"{side}_leg_headward"], d[f"{side}_leg_out"])))
        steps = [(b - a + 180) % 360 - 180 for a, b in zip(angles, angles[1:] + angles[:1])]
        assert all(s > 0 for s in steps) and sum(steps) == pytest.approx(360.0, abs=1.0)


def test_no_world_landmarks_no_direction():
    d = compute_leg_directions(side_pose())  # a picture-only pose
    assert set(d) == set(LEG_DIRECTION_NAMES) and all(math.isnan(v) for v in d.values())
