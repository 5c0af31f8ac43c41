import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck.landmarks import LIMB_SEGMENTS, N_LANDMARKS
from formcheck.landmarks import Landmark as L
from formcheck.pose.view import camera_view, metres_per_pixel, near_side
from tests.factory import body_world, make_pose, planted, pose_from_world, side_pose, supine_world, turned


def _world(shoulder_dx: float, shoulder_dz: float) -> np.ndarray:
    w = np.zeros((N_LANDMARKS, 3))
    w[L.LEFT_SHOULDER] = [shoulder_dx / 2, -0.5, shoulder_dz / 2]
    w[L.RIGHT_SHOULDER] = [-shoulder_dx / 2, -0.5, -shoulder_dz / 2]
    w[L.LEFT_HIP] = [shoulder_dx / 3, 0.0, shoulder_dz / 3]
    w[L.RIGHT_HIP] = [-shoulder_dx / 3, 0.0, -shoulder_dz / 3]
    return w


def test_camera_view_from_world_landmarks():
    assert camera_view(make_pose({}, world=_world(0.4, 0.02))) == "front"
    assert camera_view(make_pose({}, world=_world(0.05, 0.4))) == "side"
    assert camera_view(make_pose({}, world=_world(0.3, 0.3))) == "oblique"


def test_camera_view_falls_back_to_pixels():
    assert camera_view(side_pose()) == "side"  # shoulders overlap in 2-D
    front = make_pose(
        {
            L.LEFT_SHOULDER: (600.0, 300.0),
            L.RIGHT_SHOULDER: (400.0, 300.0),
            L.LEFT_HIP: (580.0, 550.0),
            L.RIGHT_HIP: (420.0, 550.0),
        }
    )
    assert camera_view(front) == "front"


def test_near_side_from_depth():
    left_near = {lm: -0.2 for lm in (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)}
    assert near_side(make_pose({}, z=left_near)) == "left"
    right_near = {lm: -0.2 for lm in (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)}
    assert near_side(make_pose({}, z=right_near)) == "right"
    assert near_side(make_pose({}, default_visibility=0.0)) is None


def test_body_yaw_is_nan_without_world_landmarks():
    import math

    from formcheck.pose.view import body_yaw

    assert math.isnan(body_yaw(side_pose()))


@pytest.mark.parametrize(
    ("pitch", "roll", "expected"), [(0, 0, 90), (25, 0, 65), (45, 0, 45), (0, 35, 55), (25, -35, 30)]
)
def test_body_yaw_is_the_left_right_axis_against_the_picture_plane(pitch, roll, expected):
    """Issue #11: a camera pitched down at a mat, or a trunk rolled about its long axis (a knee hug with a trunk
    turn), takes the body out of the picture's plane as a turn about the vertical does; yaw measured in the
    horizontal plane alone read 90 for all of these, so the picture's angles were used where they lie."""
    from formcheck.pose.view import body_yaw

    lying = pose_from_world(turned(supine_world(planted(), planted(), roll_deg=roll), 90.0, pitch))
    assert body_yaw(lying) == pytest.approx(expected, abs=1e-6)
    if roll == 0:
        standing = pose_from_world(turned(body_world(0.0, 180.0), 90.0, pitch))
        assert body_yaw(standing) == pytest.approx(expected, abs=1e-6)


def test_the_pictures_scale_is_the_median_world_to_pixel_ratio_of_the_usable_segments():
    """``metres_per_pixel`` (one numpy pass) against its definition, segment by segment: the median of world / pixel
    length over the trunk and leg segments that have both lengths, on poses with hidden and degenerate landmarks."""
    rng = np.random.default_rng(7)
    for k in range(300):
        pose = pose_from_world(turned(body_world(), float(rng.uniform(0, 360))), (1280, 720), 300.0, 0.0)
        pose = replace(pose, world=turned(body_world(), 30.0) + rng.normal(0, 0.02, (N_LANDMARKS, 3)))
        xy, world = pose.xy.copy(), pose.world.copy()
        for j in rng.choice(N_LANDMARKS, size=int(rng.integers(0, 6)), replace=False):
            (xy if k % 2 else world)[j] = np.nan
        if k % 7 == 0:
            xy[L.LEFT_KNEE] = xy[L.LEFT_HIP]  # a zero-length segment in the picture
        pose = replace(pose, xy=xy, world=world)
        ratios = [
            float(np.hypot(*(world[b, :2] - world[a, :2]))) / float(np.hypot(*(xy[b] - xy[a])))
            for a, b in LIMB_SEGMENTS
            if np.all(np.isfinite(xy[[a, b]]))
            and np.all(np.isfinite(world[[a, b], :2]))
            and float(np.hypot(*(xy[b] - xy[a]))) > 1e-6
        ]
        expected = float(np.median(ratios)) if ratios else math.nan
        got = metres_per_pixel(pose)
        assert got == expected or (math.isnan(got) and math.isnan(expected)), k
    assert math.isnan(metres_per_pixel(replace(pose, world=None)))
