import numpy as np
import pytest

from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose
from tests.factory import make_pose


def test_shapes_are_validated_with_argument_name():
    with pytest.raises(ValueError, match="xy must be .* shape \\(33, 2\\)"):
        Pose(np.zeros((17, 2)), np.zeros(33), np.ones(33), np.zeros((33, 3)), (10, 10), 0.0)
    with pytest.raises(ValueError, match="image_size"):
        Pose(np.zeros((33, 2)), np.zeros(33), np.ones(33), np.zeros((33, 3)), (0, 10), 0.0)


def test_point_is_nan_below_visibility():
    pose = make_pose({L.NOSE: (10.0, 20.0)}, visibility={L.NOSE: 0.3})
    assert np.all(np.isnan(pose.point(L.NOSE)))
    assert pose.point(L.NOSE, min_visibility=0.2).tolist() == [10.0, 20.0]


def test_fraction_in_frame():
    pose = make_pose({L.LEFT_ANKLE: (50.0, 1200.0), L.RIGHT_ANKLE: (50.0, 900.0)}, image_size=(1000, 1000))
    assert pose.fraction_in_frame([L.LEFT_ANKLE, L.RIGHT_ANKLE]) == 0.5


class _Lm:
    def __init__(self, x, y, z, visibility=None):
        self.x, self.y, self.z, self.visibility = x, y, z, visibility


def test_from_mediapipe_keeps_world_landmarks_in_metres():
    image = [_Lm(0.5, 0.25, -0.1, 0.9) for _ in range(33)]
    world = [_Lm(0.1 * i, -0.02 * i, 0.3) for i in range(33)]
    pose = Pose.from_mediapipe(image, world, (200, 100), 1.5)
    assert pose.world is not None and pose.world.shape == (33, 3)
    np.testing.assert_allclose(pose.world[5], [0.5, -0.1, 0.3])  # as given: metres, not scaled like the pixels
    np.testing.assert_allclose(pose.xy[0], [100.0, 25.0])
    assert pose.visibility[0] == pytest.approx(0.9)


def test_world_landmarks_are_optional_and_validated():
    image = [_Lm(0.5, 0.5, 0.0) for _ in range(33)]
    assert Pose.from_mediapipe(image, None, (10, 10), 0.0).world is None
    assert Pose.from_mediapipe(image, [], (10, 10), 0.0).world is None
    assert make_pose({}).world is None
    with pytest.raises(ValueError, match="world must be .* shape \\(33, 3\\)"):
        Pose(np.zeros((33, 2)), np.zeros(33), np.ones(33), np.zeros((33, 2)), (10, 10), 0.0)
