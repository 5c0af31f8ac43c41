import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose
from formcheck.pose.angles import ANGLE_NAMES, compute_angles, joint_angle, segment_angle
from tests.factory import kneeling_pose, make_pose, side_pose


def test_joint_angle_known_values():
    assert joint_angle(np.array([0.0, 0.0]), np.array([0.0, 1.0]), np.array([0.0, 2.0])) == pytest.approx(180.0)
    assert joint_angle(np.array([1.0, 0.0]), np.array([0.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(90.0)
    assert joint_angle(np.array([1.0, 0.0]), np.array([0.0, 0.0]), np.array([1.0, 1.0])) == pytest.approx(45.0)


def test_joint_angle_never_wraps_and_is_nan_when_degenerate():
    # reflex configuration: still reported as the smaller angle, in [0, 180]
    v = joint_angle(np.array([1.0, 0.1]), np.array([0.0, 0.0]), np.array([1.0, -0.1]))
    assert 0.0 <= v <= 180.0 and v == pytest.approx(2 * math.degrees(math.atan(0.1)), abs=1e-6)
    assert math.isnan(joint_angle(np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([1.0, 0.0])))


@pytest.mark.parametrize("knee", [180.0, 150.0, 90.0, 45.0])
@pytest.mark.parametrize("facing", ["left", "right"])
def test_knee_angle_of_synthetic_pose(knee, facing):
    a = compute_angles(side_pose(facing=facing, knee_deg=knee, hip_flexion_deg=60.0))
    assert a["left_knee"] == pytest.approx(knee, abs=1e-6)
    assert a["right_knee"] == pytest.approx(knee, abs=1e-6)


def test_left_and_right_are_independent():
    pose = side_pose(knee_deg=180.0)
    xy = pose.xy.copy()
    xy[L.RIGHT_ANKLE] = xy[L.RIGHT_KNEE] + [100.0, 0.0]  # right shin horizontal -> right knee 90
    a = compute_angles(Pose(xy, pose.z, pose.visibility, pose.world, pose.image_size, 0.0))
    assert a["left_knee"] == pytest.approx(180.0)
    assert a["right_knee"] == pytest.approx(90.0)


@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("flex", [90.0, 30.0, -20.0])
def test_hip_flexion_sign_follows_the_person_not_the_image(facing, flex):
    a = compute_angles(side_pose(facing=facing, hip_flexion_deg=flex, knee_deg=120.0))
    assert a["left_hip_flexion"] == pytest.approx(flex, abs=1e-6)
    assert a["left_hip"] == pytest.approx(180.0 - abs(flex), abs=1e-6)
    assert a["trunk_vs_vertical"] == pytest.approx(0.0, abs=1e-6)


def _looking_along_the_trunk(facing: str, back_foot_reversed: bool = False, feet: bool = True) -> Pose:
    """A knee hug's frame: hip flexed 120, knee folded to 50, the head curled so far towards the knees that ear ->
    nose runs along the trunk line (in the picture the three-point flexion does not depend on lying or standing)."""
    pose = side_pose(facing=facing, hip_flexion_deg=120.0, knee_deg=50.0)
    f = 1.0 if facing == "right" else -1.0
    xy = pose.xy.copy()
    xy[L.NOSE] = xy[L.LEFT_EAR] + [f * 2.0, 30.0]  # 4 deg off the trunk line: no sign from the face
    if back_foot_reversed:  # a kneeling back foot: heel -> toe points backwards
        xy[L.RIGHT_FOOT_INDEX] = xy[L.RIGHT_ANKLE] + [-f * 25.0, 10.0]
    vis = pose.visibility.copy()
    if not feet:
        vis[[L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX]] = 0.0
    return replace(pose, xy=xy, visibility=vis)


@pytest.mark.parametrize("facing", ["left", "right"])
def test_hip_flexion_takes_its_sign_from_the_feet_when_the_face_looks_along_the_trunk(facing):
    # the real knee hug lifts the head like this at every top: hip flexion was NaN on 26-37 % of its frames
    a = compute_angles(_looking_along_the_trunk(facing))
    assert a["left_hip_flexion"] == pytest.approx(120.0, abs=1e-6)


@pytest.mark.parametrize("facing", ["left", "right"])
def test_hip_flexion_has_no_sign_when_neither_face_nor_feet_give_one(facing):
    assert math.isnan(compute_angles(_looking_along_the_trunk(facing, feet=False))["left_hip_flexion"])
    # feet pointing opposite ways (a kneeling back foot) say nothing either: no guessed sign
    assert math.isnan(compute_angles(_looking_along_the_trunk(facing, back_foot_reversed=True))["left_hip_flexion"])


def test_low_visibility_gives_nan_for_angles_using_that_landmark_only():
    pose = side_pose(knee_deg=90.0, hip_flexion_deg=90.0)
    vis = pose.visibility.copy()
    vis[L.LEFT_ANKLE] = 0.2
    a = compute_angles(Pose(pose.xy, pose.z, vis, pose.world, pose.image_size, 0.0))
    assert math.isnan(a["left_knee"]) and math.isnan(a["left_shin_vs_vertical"])
    assert a["right_knee"] == pytest.approx(90.0)
    assert a["left_hip"] == pytest.approx(90.0)  # does not use the ankle


def test_angles_use_pixels_so_aspect_ratio_is_respected():
    """Normalised (0.5,0.5)-(0.5,0.3)-(0.7,0.5) is a right angle in a square image, but not in a 16:9 one."""

    class P:
        def __init__(self, x, y):
            self.x, self.y, self.z, self.visibility = x, y, 0.0, 1.0

    lms = [P(0.5, 0.5) for _ in range(33)]
    lms[L.LEFT_HIP], lms[L.LEFT_KNEE], lms[L.LEFT_ANKLE] = P(0.5, 0.3), P(0.5, 0.5), P(0.7, 0.5)
    square = Pose.from_mediapipe(lms, None, (1000, 1000), 0.0)
    wide = Pose.from_mediapipe(lms, None, (1920, 1080), 0.0)
    assert compute_angles(square)["left_knee"] == pytest.approx(90.0)
    # in pixels: thigh 216 px up, shin 384 px sideways -> still 90 (perpendicular axes)...
    assert compute_angles(wide)["left_knee"] == pytest.approx(90.0)
    lms[L.LEFT_ANKLE] = P(0.7, 0.7)  # 45 deg on normalised coordinates
    sq, wd = (compute_angles(Pose.from_mediapipe(lms, None, s, 0.0))["left_knee"] for s in ((1000, 1000), (1920, 1080)))
    assert sq == pytest.approx(135.0)
    expected = 180.0 - math.degrees(math.atan2(0.2 * 1920, 0.2 * 1080))
    assert wd == pytest.approx(expected) and abs(wd - sq) > 10


def test_segment_angles():
    up, down = np.array([0.0, 0.0]), np.array([0.0, 10.0])
    assert segment_angle(down, up, "vs_vertical_up") == pytest.approx(0.0)
    assert segment_angle(up, down, "vs_vertical_down") == pytest.approx(0.0)
    assert segment_angle(up, np.array([10.0, 0.0]), "vs_vertical_down") == pytest.approx(90.0)
    assert segment_angle(up, np.array([-10.0, -10.0]), "elevation") == pytest.approx(45.0)
    assert segment_angle(up, np.array([10.0, 10.0]), "elevation") == pytest.approx(-45.0)
    with pytest.raises(ValueError, match="kind"):
        segment_angle(up, down, "sideways")


def test_lying_leg_raise_elevation():
    # lying person, head to the left, feet to the right; leg raised 60 degrees from the floor
    hip = (500.0, 600.0)
    ankle = (500.0 + 200 * math.cos(math.radians(60)), 600.0 - 200 * math.sin(math.radians(60)))
    pose = make_pose(
        {
            L.LEFT_HIP: hip,
            L.LEFT_ANKLE: ankle,
            L.LEFT_SHOULDER: (300.0, 600.0),
            L.RIGHT_HIP: hip,
            L.RIGHT_SHOULDER: (300.0, 600.0),
        }
    )
    a = compute_angles(pose)
    assert a["left_leg_elevation"] == pytest.approx(60.0)
    assert a["trunk_vs_vertical"] == pytest.approx(90.0)


def test_every_table_angle_is_reported_and_bounded():
    a = compute_angles(side_pose(knee_deg=100.0, hip_flexion_deg=45.0))
    assert set(a) == set(ANGLE_NAMES)
    for name, v in a.items():
        assert math.isnan(v) or -180.0 <= v <= 180.0, name


def test_min_visibility_is_validated():
    with pytest.raises(ValueError, match="min_visibility"):
        compute_angles(side_pose(), min_visibility=1.5)


@pytest.mark.parametrize("facing", ["right", "left"])
def test_hip_sag_is_signed_by_gravity_and_continuous_through_the_line(facing):
    f = 1.0 if facing == "right" else -1.0

    def lying(hip_y: float) -> dict[str, float]:  # lying on the back, knees bent: shoulder, hip and knee of a bridge
        side = {"LEFT", "RIGHT"}
        pts = {L[f"{s}_SHOULDER"]: (500 - f * 200, 600.0) for s in side}
        pts |= {L[f"{s}_HIP"]: (500.0, hip_y) for s in side}
        pts |= {L[f"{s}_KNEE"]: (500 + f * 200, 450.0) for s in side}
        return compute_angles(make_pose(pts))

    on_floor, on_line, pushed_past = lying(640.0), lying(525.0), lying(420.0)
    assert on_floor["left_hip_sag"] == pytest.approx(180.0 - on_floor["left_hip"]) and on_floor["left_hip_sag"] > 30
    assert abs(on_line["right_hip_sag"]) < 0.5
    assert pushed_past["left_hip_sag"] == pytest.approx(-(180.0 - pushed_past["left_hip"]))
    assert pushed_past["left_hip_sag"] < -20
    sags = [lying(y)["left_hip_sag"] for y in np.linspace(640, 420, 45)]
    assert all(a > b for a, b in zip(sags, sags[1:], strict=False))  # falls steadily as the hips rise, no jump


def test_hip_sag_is_nan_without_a_line_to_be_below():
    upright = side_pose(hip_flexion_deg=0.0)  # shoulder straight above the knee: no "below" to speak of
    assert math.isnan(compute_angles(upright)["left_hip_sag"])
    hidden = make_pose({L.LEFT_SHOULDER: (300, 600), L.LEFT_HIP: (500, 640)}, visibility={L.LEFT_KNEE: 0.1})
    assert math.isnan(compute_angles(hidden)["left_hip_sag"])


@pytest.mark.parametrize("back", [-25.0, 0.0, 10.0, 30.0])
def test_thigh_back_is_where_the_hips_are_over_the_back_knee_and_needs_no_shoulder(back):
    """``*_thigh_back``: knee -> hip against the vertical, + = hips ahead of the knee. The back hip's flexion moves
    with the shoulder landmark (MediaPipe's least reliable on a kneeling person); the thigh's slope does not."""
    true = compute_angles(kneeling_pose(thigh_back_deg=back))
    drifted = compute_angles(kneeling_pose(thigh_back_deg=back, shoulder_drift_deg=20.0))
    assert true["left_thigh_back"] == pytest.approx(back, abs=1e-6)
    assert drifted["left_thigh_back"] == pytest.approx(back, abs=1e-6)
    assert true["left_hip_flexion"] == pytest.approx(-back, abs=1e-6)  # upright trunk: extension = the thigh's slope
    assert drifted["left_hip_flexion"] == pytest.approx(20.0 - back, abs=1e-6)
    mirrored = make_pose(
        {lm: (1000.0 - x, y) for lm, (x, y) in zip(L, kneeling_pose(thigh_back_deg=back).xy, strict=True)}
    )
    assert compute_angles(mirrored)["left_thigh_back"] == pytest.approx(back, abs=1e-6)  # facing left: same sign
