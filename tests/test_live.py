"""The live processor on real frames, as the webcam callback drives it (runs in CI: model in the repo)."""
import itertools

import pytest

from formcheck.history import History
from formcheck.live import LiveProcessor
from formcheck.video import VideoSource, letterbox
from tests.conftest import media

pytestmark = [pytest.mark.model, pytest.mark.media]


def camera_frames(name, start_s, seconds):
    """Frames as a 640x480 webcam would deliver them (letterboxed), with their own timestamps."""
    for f in VideoSource(media(name)):
        if f.timestamp_s < start_s:
            continue
        if f.timestamp_s > start_s + seconds:
            break
        yield letterbox(f.image, 640, 480), f.timestamp_s


def test_live_counts_reps_and_survives_a_camera_restart(tmp_path):
    history = History(tmp_path / "h.sqlite")
    proc = LiveProcessor("standing_march", model="full", history=history)
    try:
        for img, t in camera_frames("standing_knee_lift_march__oblique__skatefit.mp4", 6.0, 5.0):
            out = proc.process(img, t + 1000.0)  # webcam clocks do not start at 0
            assert out.shape == (480, 640, 3)
        first = proc.latest()
        assert first.frames > 100 and first.frames_with_person > 0.9 * first.frames
        assert first.feedback is not None and sum(first.feedback.reps.values()) >= 2
        assert "rep" in first.events and proc.latest().events == []  # events are handed out once
        # camera stopped and started again: its clock restarts; session time keeps going forward
        for img, t in itertools.islice(camera_frames("standing_knee_lift_march__oblique__skatefit.mp4", 11.0, 1.0), 20):
            proc.process(img, t - 11.0)
        again = proc.latest()
        assert again.timestamp_s > first.timestamp_s
        assert sum(again.feedback.reps.values()) >= sum(first.feedback.reps.values())
        proc.set_exercise("kneeling_hip_flexor")  # a new exercise starts from zero
        assert proc.latest().feedback is None and proc.report().reps == {}
        [logged] = history.sessions()  # reps went to the history as they happened; the switch closed the session
        assert logged.exercise == "standing_march" and logged.ended
        assert logged.reps == sum(again.feedback.reps.values())
    finally:
        proc.close()
