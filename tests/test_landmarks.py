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
