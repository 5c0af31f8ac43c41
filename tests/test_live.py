"""The live processor on real frames, as the webcam callback drives it (runs in CI: model in the repo)."""

import itertools

import numpy as np
import pytest

from formcheck.app.camera import MSG_CAMERA_STOPPED, MSG_CAMERA_WAITING, CameraWatch, StartRaceGuard
from formcheck.app.history import History
from formcheck.app.live import QUEUE_SIZE, LiveProcessor
from formcheck.checking.routine import RoutineRunner, Step
from formcheck.media.video import VideoSource, letterbox
from tests.conftest import media
from tests.factory import MarchingEstimator

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
        assert proc.journal.flush()  # history writes are the background writer's: wait for them
        [logged] = history.sessions()  # reps went to the history as they happened; the switch closed the session
        assert logged.exercise == "standing_march" and logged.ended
        assert logged.reps == sum(again.feedback.reps.values())
    finally:
        proc.close()


# ---- without the model: the worker's threading, queue, routine and camera logic -------------------------------


BLANK = np.zeros((120, 160, 3), np.uint8)


def feed(proc: LiveProcessor, seconds: float, t0: float = 0.0, fps: float = 30.0) -> float:
    for i in range(int(seconds * fps)):
        proc.process(BLANK, t0 + i / fps)
    return t0 + seconds


def test_queue_stays_bounded_and_loses_no_events_when_the_page_does_not_read():
    proc = LiveProcessor("standing_march", estimator_factory=MarchingEstimator)
    feed(proc, 20.0)  # 600 frames, nobody reading
    assert proc.updates.qsize() <= QUEUE_SIZE
    s = proc.latest()
    assert s.frames == 600 and s.frames_with_person == 600
    assert s.events.count("rep") == sum(s.feedback.reps.values()) >= 16  # dropped updates' events were carried
    assert "rep" in s.sounds and proc.latest().events == []  # handed out once


def test_updates_cross_threads_through_the_queue():
    import threading

    proc = LiveProcessor("standing_march", estimator_factory=MarchingEstimator)
    worker = threading.Thread(target=feed, args=(proc, 10.0))
    worker.start()
    seen = []
    while worker.is_alive():
        seen += proc.updates.drain()
    worker.join()
    seen += proc.updates.drain()
    frames = [u.frames for u in seen]
    assert frames == sorted(frames) and frames[-1] == 300  # in order, through to the last frame
    assert sum(u.events.count("rep") for u in seen) == sum(seen[-1].feedback.reps.values())


def test_routine_advances_live_and_each_exercise_goes_to_the_history(tmp_path):
    history = History(tmp_path / "h.sqlite")
    proc = LiveProcessor(history=history, estimator_factory=MarchingEstimator)
    proc.set_routine(RoutineRunner([Step("standing_march", None, "reps", 6), Step("bridge", None, "reps", 10)]))
    feed(proc, 8.0)
    s = proc.latest()
    assert {"set_done", "exercise_done"} <= set(s.events) and "set_done" in s.sounds
    assert s.exercise == "bridge" and proc.routine.status().step.exercise == "bridge"
    assert proc.journal.flush()
    [march] = history.sessions()
    assert march.exercise == "standing_march" and march.ended and march.reps == 6
    proc.routine_command("back")  # back to the march, from zero
    assert proc.routine.exercise.key == "standing_march" and proc.report().reps == {"left": 0, "right": 0}
    with pytest.raises(ValueError, match="command must be 'skip' or 'back'"):
        proc.routine_command("jump")
    proc.close()


def test_camera_watch_messages():
    w = CameraWatch(stall_s=3.0, first_frame_s=10.0)
    assert w.update(False, 0, 0.0) is None  # not started yet: nothing to say
    assert w.update(True, 0, 1.0) is None
    assert w.update(True, 0, 12.0) == MSG_CAMERA_WAITING  # started, no frame for 11 s
    assert w.update(True, 30, 12.5) is None
    assert w.update(True, 60, 13.5) is None
    assert w.update(True, 60, 15.0) is None  # 1.5 s quiet: a hiccup
    assert "No frames from the camera for 4 s" in w.update(True, 60, 17.5)  # unplugged mid-session
    assert w.update(True, 70, 18.0) is None  # back
    assert w.update(False, 70, 19.0) == MSG_CAMERA_STOPPED


def test_start_race_guard_restarts_an_early_drop_only():
    g = StartRaceGuard(window_s=3.0, max_retries=2, delay_s=1.0, give_up_s=15.0)
    assert g.update(False, 0.0) is False and g.desired is None
    assert g.update(True, 1.0) is False  # START pressed: it plays
    assert g.update(False, 1.5) is True and g.desired is None  # dropped at once: rerun, let the library clean up
    assert g.update(False, 2.0) is False and g.desired is None  # not yet: a restart asked at once would hang
    assert g.update(False, 2.5) is True and g.desired is True  # now ask it to play
    assert g.update(False, 2.8) is False and g.desired is True  # until it does
    assert g.update(True, 3.2) is True and g.desired is None  # playing again: START/STOP are the person's again
    assert g.update(False, 3.4) is True  # a second early drop: second retry
    assert g.update(False, 4.5) is True and g.update(True, 5.0) is True
    assert g.update(False, 5.1) is False and g.desired is None  # out of retries: leave it to the person
    assert g.update(True, 10.0) is False and g.update(True, 14.0) is False  # ran steadily: retries renewed
    assert g.update(False, 20.0) is False  # a stop after a steady run is the person's own
    assert g.update(True, 21.0) is False and g.update(False, 21.5) is True


def test_start_race_guard_gives_up_and_validates():
    g = StartRaceGuard(window_s=3.0, delay_s=1.0, give_up_s=15.0)
    g.update(True, 0.0)
    assert g.update(False, 0.5) and g.update(False, 1.6) and g.desired is True
    assert g.update(False, 16.0) is True and g.desired is None  # never came back: stop asking
    with pytest.raises(ValueError, match="window_s must be > 0"):
        StartRaceGuard(window_s=0)
    with pytest.raises(ValueError, match="max_retries must be >= 0"):
        StartRaceGuard(max_retries=-1)
