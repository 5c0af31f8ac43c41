import numpy as np
import pytest

from formcheck.landmarks import (
    LANDMARK_JITTER,
    MAX_LIMB_ACCELERATION,
    Pose,
    ranked_quantile,
    step_velocity,
    too_fast,
)
from formcheck.landmarks import Landmark as L
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


def test_body_size_is_the_middle_90_percent_box_diagonal_and_nan_with_a_nan_landmark():
    rng = np.random.default_rng(3)
    for _ in range(200):
        xy = rng.normal(size=(33, 2)) * rng.uniform(1, 500, size=2) + rng.uniform(0, 1000, size=2)
        pose = Pose(xy, np.zeros(33), np.ones(33), None, (1000, 1000), 0.0)
        lo, hi = np.percentile(xy, 5, axis=0), np.percentile(xy, 95, axis=0)
        assert pose.body_size() == pytest.approx(float(np.linalg.norm(hi - lo)), rel=1e-12)
    square = np.zeros((33, 2))
    square[:, 0] = np.linspace(0, 320, 33)  # 10 px apart: the 5th and 95th percentiles are at 16 and 304
    pose = Pose(square, np.zeros(33), np.ones(33), None, (1000, 1000), 0.0)
    assert pose.body_size() == pytest.approx(288.0)
    square[7, 1] = np.nan
    assert np.isnan(Pose(square, np.zeros(33), np.ones(33), None, (1000, 1000), 0.0).body_size())


@pytest.mark.parametrize("n", [1, 2, 5, 33, 100])
def test_ranked_quantile_is_numpys_linear_percentile(n):
    values = sorted(np.random.default_rng(n).normal(size=n).tolist())
    for q in (0.0, 0.05, 0.1, 0.5, 0.95, 1.0):
        assert ranked_quantile(values, q) == pytest.approx(float(np.percentile(values, 100 * q)), abs=1e-12)


def test_too_fast_believes_a_fast_point_that_keeps_going_the_way_it_was_going():
    """formcheck.landmarks.too_fast: over ``MAX_LIMB_SPEED`` from rest is a misread; the same step by a point that was
    already moving that way (a foot in fast high knees) is believed, but not when its velocity turned or jumped by
    more than a limb's acceleration and the model's jitter explain, and never at a low frame rate from rest."""
    size, dt = 500.0, 1 / 30
    before = np.zeros((4, 2))
    step = 6.0 * size * dt  # 6 body sizes a second, over the 5 limit
    after = before + [[0.0, step]] * 4
    assert too_fast(before, after, dt, size).all()  # speed alone
    going = np.array([[0.0, 5.0 * size], [0.0, 0.0], [5.0 * size, 0.0], [np.nan, np.nan]])  # px/s over the step before
    # the same way at 5 (change 1 body size/s), from rest (6), at right angles (7.8), unknown
    assert too_fast(before, after, dt, size, going).tolist() == [False, True, True, True]
    # a change of 6 within a frame is more than any limb's
    assert MAX_LIMB_ACCELERATION * dt + LANDMARK_JITTER / dt < 6.0
    slow_rate = 1 / 15  # at 15 frames/s the allowance is 6.9: a point at rest must still jump
    assert too_fast(before, before + [[0.0, 5.5 * size * slow_rate]] * 4, slow_rate, size, np.zeros((4, 2))).all()
    assert not too_fast(before, before + [[np.nan, np.nan]] * 4, dt, size).any()  # NaN is never too fast


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_too_fast_allows_the_models_jitter_on_top_of_a_limbs_acceleration(fps):
    """A fast point that strays from where it was heading by what the fastest limb's acceleration explains over the
    step, plus the model's jitter (``LANDMARK_JITTER`` body sizes), is believed; half as far again beyond that is a
    misread. At 60 frames/s the acceleration alone explains only 0.028 body sizes, about the model's own jitter: a
    fast foot read with 1 px of noise was taken as misread."""
    size, dt = 500.0, 1 / fps
    before, going = np.zeros((1, 2)), np.array([[0.0, 5.5 * size]])  # already at 5.5 body sizes a second
    explained = (MAX_LIMB_ACCELERATION * dt**2 + LANDMARK_JITTER) * size  # pixels off the straight path
    straight = before + going * dt
    assert not too_fast(before, straight + [[0.9 * explained, 0.0]], dt, size, going).any()
    assert too_fast(before, straight + [[1.5 * explained, 0.0]], dt, size, going).all()


def test_step_velocity_is_nan_where_misread_and_for_no_time():
    before, after = np.zeros((2, 2)), np.array([[3.0, 0.0], [0.0, 3.0]])
    v = step_velocity(before, after, 0.5, np.array([False, True]))
    np.testing.assert_allclose(v[0], [6.0, 0.0])
    assert np.isnan(v[1]).all() and np.isnan(step_velocity(before, after, 0.0, np.zeros(2, dtype=bool))).all()
