"""Tests that run the shipped model (it is in the repository, so they run in CI)."""

import hashlib

import numpy as np
import pytest

from formcheck.errors import ModelError
from formcheck.landmarks import Landmark as L
from formcheck.media.video import VideoSource
from formcheck.pose.estimator import PoseEstimator, model_path
from tests.conftest import ROOT, media

pytestmark = pytest.mark.model

SHA256 = {
    "full": "ea3bc17e81d909c5719320a92fe59da161dcf5bd3e2209f1338a40f0d681a1ea",
    "lite": "5c941ba4a4d34bb478f265874fadb26bd9e309f9acfc7e1469523fea660df7aa",
}


@pytest.mark.parametrize("variant", ["full", "lite"])
def test_shipped_model_matches_documented_checksum(variant):
    path = model_path(variant)
    assert path.parent == ROOT / "models"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[variant]


def test_model_is_found_from_another_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert model_path("full").is_file()


@pytest.mark.parametrize("variant", ["full", "lite"])
def test_still_image_gives_33_landmarks(variant):
    frame = next(iter(VideoSource(ROOT / "sample_videos" / "messi5.jpg")))
    with PoseEstimator(variant, mode="image") as est:
        pose = est(frame.image, 0.0)
    assert pose is not None and pose.xy.shape == (33, 2)
    assert pose.image_size == (548, 342)
    assert np.mean(pose.visibility > 0.5) > 0.5
    assert pose.world is not None and pose.world.shape == (33, 3) and np.all(np.isfinite(pose.world))


def test_world_landmarks_are_metres_around_the_hips_with_image_axes():
    """The adapter keeps MediaPipe's world frame as documented on Pose.world: metres, origin between the hips, y down
    the image like the pixels (the head is above the hips in both), a body-sized extent."""
    frame = next(iter(VideoSource(media("img_half_kneeling_lunge__side__fitinsight.jpg"))))
    with PoseEstimator("full", mode="image") as est:
        pose = est(frame.image, 0.0)
    assert pose is not None and pose.world is not None
    hips = pose.world[[L.LEFT_HIP, L.RIGHT_HIP]].mean(axis=0)
    assert np.linalg.norm(hips) < 0.05
    assert pose.world[L.NOSE, 1] < hips[1] - 0.3 and pose.xy[L.NOSE, 1] < pose.xy[L.LEFT_HIP, 1]
    assert 0.3 < np.linalg.norm(pose.world[L.LEFT_SHOULDER] - pose.world[L.LEFT_HIP]) < 0.8


def test_blank_frames_give_none_and_timestamps_may_repeat():
    with PoseEstimator("lite") as est:
        blank = np.zeros((240, 320, 3), np.uint8)
        assert est(blank, 0.0) is None
        assert est(blank, 0.0) is None  # same timestamp: bumped internally, no MediaPipe error


def test_missing_and_corrupt_model(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        PoseEstimator(model=tmp_path / "none.task")
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"this is not a model")
    with pytest.raises(ModelError, match="corrupt"):
        PoseEstimator(model=bad)


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="variant"):
        model_path("heavy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_people must be in \\[1, 5\\]"):
        PoseEstimator(max_people=0)


def test_two_people_are_noticed():
    frame = next(iter(VideoSource(media("img_warrior2__two_people__front__manoj.jpg"))))
    with PoseEstimator("full", mode="image") as est:
        pose = est(frame.image, 0.0)
    assert pose is not None and pose.n_people == 2
