"""The light on the person, and the gain a badly under-exposed picture gets before the model (pose.exposure)."""

import numpy as np
import pytest

from formcheck.landmarks import Landmark as L
from formcheck.pose import exposure
from formcheck.pose.exposure import MAX_GAIN, WELL_LIT_WHITE, brighten, gain_for, highlight_level, person_box
from tests.factory import make_pose, side_pose


@pytest.mark.parametrize("level", [255.0, WELL_LIT_WHITE, 140.0, 106.0])
def test_a_picture_within_one_stop_of_well_lit_goes_to_the_model_as_it_is(level):
    assert gain_for(level) == 1.0


@pytest.mark.parametrize(("level", "gain"), [(100.0, WELL_LIT_WHITE / 100.0), (64.0, WELL_LIT_WHITE / 64.0)])
def test_a_dim_picture_is_brought_to_well_lit(level, gain):
    assert gain_for(level) == pytest.approx(gain)
    assert gain_for(level) >= 2.0


@pytest.mark.parametrize("level", [0.0, 5.0, 40.0])
def test_the_gain_stops_at_two_stops(level):
    assert gain_for(level) == MAX_GAIN


@pytest.mark.parametrize("level", [-1.0, float("nan"), float("inf")])
def test_a_level_that_is_no_grey_level_is_refused(level):
    with pytest.raises(ValueError, match="level must be a grey level >= 0"):
        gain_for(level)


def test_the_box_is_the_seen_landmarks_widened_and_clipped_to_the_picture():
    pose = side_pose(image_size=(1000, 1000))
    x0, y0, x1, y1 = person_box(pose)
    seen = pose.xy[pose.visibility >= exposure.MIN_VISIBILITY]
    assert x0 < seen[:, 0].min() and x1 > seen[:, 0].max() and y0 < seen[:, 1].min() and y1 > seen[:, 1].max()
    width = seen[:, 0].max() - seen[:, 0].min()
    assert seen[:, 0].min() - x0 == pytest.approx(exposure.BOX_MARGIN * width, abs=1.0)
    edge = make_pose({L.NOSE: (5.0, 5.0), L.LEFT_ANKLE: (995.0, 995.0)})
    assert person_box(edge) == (0, 0, 1000, 1000)


def test_no_box_from_a_pose_hardly_seen():
    assert person_box(make_pose({}, default_visibility=0.1)) is None


def _room(background: int, person: int, box: tuple[int, int, int, int]) -> np.ndarray:
    frame = np.full((480, 640, 3), background, np.uint8)
    x0, y0, x1, y1 = box
    frame[y0:y1, x0:x1] = person
    return frame


def test_a_spotlit_person_in_a_dark_room_is_not_brightened():
    """The real squat filmed in a dark gym: the picture's highlights are dark, the person's are not."""
    box = (300, 200, 340, 300)  # a small part of the picture
    frame = _room(15, 180, box)
    assert gain_for(highlight_level(frame, None)) == MAX_GAIN  # the whole picture would be washed out
    assert gain_for(highlight_level(frame, box)) == 1.0


def test_dark_clothes_in_a_lit_room_are_not_a_dark_room():
    box = (200, 100, 300, 400)
    frame = _room(200, 30, box)  # leggings and top at grey 30 ...
    frame[100:130, 200:300] = 190  # ... a lit face and arms, a tenth of the box
    assert np.mean(frame[100:400, 200:300]) < 50
    assert gain_for(highlight_level(frame, box)) == 1.0


def test_a_dim_room_is_measured_on_the_person():
    box = (200, 100, 300, 400)
    lit = _room(120, 200, box)
    dim = (lit * 0.3).astype(np.uint8)
    assert highlight_level(dim, box) == pytest.approx(60.0)
    assert gain_for(highlight_level(dim, box)) == pytest.approx(WELL_LIT_WHITE / 60.0)


def test_a_box_outside_the_picture_measures_the_whole_picture():
    frame = _room(50, 50, (0, 0, 1, 1))
    assert highlight_level(frame, (900, 900, 1000, 1000)) == 50.0


def test_brighten_saturates_and_leaves_a_lit_picture_alone():
    frame = np.array([[[10, 100, 200]]], np.uint8)
    assert brighten(frame, 1.0) is frame
    assert brighten(frame, 2.0).tolist() == [[[20, 200, 255]]]
    with pytest.raises(ValueError, match=r"gain must be in \[1, 4.0\]"):
        brighten(frame, 0.5)
