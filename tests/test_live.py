"""The live processor on real frames, as the live socket drives it (runs in CI: model in the repo)."""

import itertools

import numpy as np
import pytest

from formcheck.app.camera import MSG_CAMERA_STOPPED, MSG_CAMERA_WAITING, CameraWatch
from formcheck.app.history import History
from formcheck.app.live import LiveProcessor
from formcheck.checking.routine import RoutineRunner, Step
from formcheck.media.video import VideoSource, letterbox
from tests.conftest import media
from tests.factory import MarchingEstimator

pytestmark = [pytest.mark.model, pytest.mark.media]


MARCH = "standing_knee_lift_march__oblique__skatefit.mp4"


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
        first = [proc.process(img, t + 1000.0) for img, t in camera_frames(MARCH, 6.0, 5.0)]  # clocks do not start at 0
        last = first[-1]
        assert last.frames > 100 and last.frames_with_person > 0.9 * last.frames
        assert last.feedback is not None and sum(last.feedback.reps.values()) >= 2
        assert sum(u.events.count("rep") for u in first) == sum(last.feedback.reps.values())  # each rep once
        assert last.result is not None and last.result.pose is not None and last.model_ms > 0
        # camera stopped and started again: its clock restarts; session time keeps going forward
        again = [proc.process(img, t - 11.0) for img, t in itertools.islice(camera_frames(MARCH, 11.0, 1.0), 20)][-1]
        assert again.timestamp_s > last.timestamp_s
        assert sum(again.feedback.reps.values()) >= sum(last.feedback.reps.values())
        proc.set_exercise("kneeling_hip_flexor")  # a new exercise starts from zero
        assert proc.exercise == "kneeling_hip_flexor" and proc.report().reps == {}
        assert proc.journal.flush()  # history writes are the background writer's: wait for them
        [logged] = history.sessions()  # reps went to the history as they happened; the switch closed the session
        assert logged.exercise == "standing_march" and logged.ended
        assert logged.reps == sum(again.feedback.reps.values())
    finally:
        proc.close()


# ---- without the model: the worker's threading, queue, routine and camera logic -------------------------------


BLANK = np.zeros((120, 160, 3), np.uint8)


def feed(proc: LiveProcessor, seconds: float, t0: float = 0.0, fps: float = 30.0) -> list:
    return [proc.process(BLANK, t0 + i / fps) for i in range(int(seconds * fps))]


def test_each_frame_hands_out_its_own_events_once():
    updates = feed(LiveProcessor("standing_march", estimator_factory=MarchingEstimator), 20.0)
    last = updates[-1]
    assert last.frames == 600 and last.frames_with_person == 600
    assert [u.frames for u in updates] == list(range(1, 601))
    reps = sum(u.events.count("rep") for u in updates)
    assert reps == sum(last.feedback.reps.values()) >= 16
    assert sum(u.sounds.count("rep") for u in updates) == reps  # a blip per rep
    assert all(u.check_ms >= 0 and u.model_ms >= 0 for u in updates)


class DimmingEstimator(MarchingEstimator):
    """The marching stand-in in a room whose light goes down at 5 s and up at 12 s; from 15 s a gain that comes and
    goes every other frame (a picture right at the exposure step's threshold)."""

    def __call__(self, image, t):
        self.gain = 2.5 if 5.0 <= t < 12.0 or (t >= 15.0 and self.calls % 2) else 1.0
        return super().__call__(image, t)


def test_a_dim_room_is_noticed_live_after_a_while_and_the_notice_does_not_flicker():
    updates = feed(LiveProcessor("standing_march", estimator_factory=DimmingEstimator), 20.0)
    dim = [(round(u.timestamp_s, 3), u.dim) for u in updates]
    assert all(u.result.gain == 2.5 for u in updates if 5.0 <= u.timestamp_s < 12.0)  # the pipeline sees the gain
    assert not any(d for t, d in dim if t < 7.1)  # lit, then dim in under 3/4 of the last 3 s
    assert all(d for t, d in dim if 7.5 <= t < 14.1)  # on at 3/4 of the last 3 s, off under 1/4
    assert not any(d for t, d in dim if t >= 14.5)  # lit again; then a gain on every other frame is no dim room


def test_frames_from_two_threads_are_taken_one_at_a_time():
    import threading

    proc = LiveProcessor("standing_march", estimator_factory=MarchingEstimator)
    out: list = []
    workers = [threading.Thread(target=lambda k=k: out.extend(feed(proc, 5.0, t0=k * 5.0))) for k in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(u.frames for u in out) == list(range(1, 301))  # no frame counted twice, none lost


def test_routine_advances_live_and_each_exercise_goes_to_the_history(tmp_path):
    history = History(tmp_path / "h.sqlite")
    proc = LiveProcessor(history=history, estimator_factory=MarchingEstimator)
    proc.set_routine(RoutineRunner([Step("standing_march", None, "reps", 6), Step("bridge", None, "reps", 10)]))
    updates = feed(proc, 8.0)
    events = {e for u in updates for e in u.events}
    assert {"set_done", "exercise_done"} <= events and any("set_done" in u.sounds for u in updates)
    assert updates[-1].exercise == "bridge" and proc.routine.status().step.exercise == "bridge"
    assert proc.journal.flush()
    [march] = history.sessions()
    assert march.exercise == "standing_march" and march.ended and march.reps == 6
    status = proc.routine_command("back")  # back to the march, from zero
    assert status.step.exercise == "standing_march" and status.done == 0
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
