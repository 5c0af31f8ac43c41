"""Live camera processing for the webcam page, safe to call from a video callback thread.

``LiveProcessor.process(image, t)`` runs pose -> checker on one camera frame and returns the annotated frame. Each
processed frame also puts a ``LiveUpdate`` on a bounded thread-safe queue; the page drains it with ``drain()`` (or
``latest()``, which merges what was drained). When the page falls behind, the oldest updates are dropped but their
events (reps, completed holds, sounds) are carried into the next one, so nothing is lost and memory stays flat.
Time comes from the frames' timestamps. A timestamp that jumps backwards (the camera was stopped and started again)
starts a fresh stream. ``CameraWatch`` and ``StartRaceGuard`` hold the page's camera state logic.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from formcheck.analysis import annotate
from formcheck.exercises import get
from formcheck.export import report_dict
from formcheck.history import History
from formcheck.pipeline import Estimator, FramePipeline, FrameResult
from formcheck.pose import PoseEstimator, Variant
from formcheck.routine import RoutineRunner
from formcheck.session import ExerciseSession, Feedback, Report
from formcheck.smoothing import PoseSmoother
from formcheck.sounds import SoundPlanner

LOG = logging.getLogger(__name__)
RESTART_BACKWARDS_S = 0.5
QUEUE_SIZE = 64


@dataclass
class LiveUpdate:
    """What the page shows after one frame; handed across threads through the queue."""

    frames: int = 0
    frames_with_person: int = 0
    timestamp_s: float = 0.0
    exercise: str | None = None
    feedback: Feedback | None = None
    n_people: int = 0  # people the model saw in this frame (the largest is followed)
    events: list[str] = field(default_factory=list)  # this frame's (plus any dropped updates')
    sounds: list[str] = field(default_factory=list)  # sound names (formcheck.sounds) to play, oldest first




Checker = ExerciseSession | RoutineRunner


class LiveProcessor:
    """Pose -> checker for a camera stream. ``exercise`` (a registry key) or ``routine`` picks the checker;
    ``estimator_factory`` replaces the MediaPipe model (tests, soak runs)."""

    def __init__(self, exercise: str | None = None, model: Variant = "lite", max_side: int = 960,
                 history: History | None = None, routine: RoutineRunner | None = None,
                 estimator_factory: Callable[[], Estimator] | None = None) -> None:
        self.model, self.max_side = model, max_side
        self.history = history
        self._estimator_factory = estimator_factory or (lambda: PoseEstimator(self.model, mode="video"))
        self._history_id: int | None = None
        self._logged_faults: set[str] = set()  # faults already written, so a lasting fault is logged once
        self._lock = threading.Lock()
        self._queue: queue.Queue[LiveUpdate] = queue.Queue(maxsize=QUEUE_SIZE)
        self._state = LiveUpdate(exercise=exercise)  # the page's merged view (latest())
        self._frames = self._with_person = 0
        self._pipeline: FramePipeline | None = None
        self._estimator: Estimator | None = None
        self._checker: Checker | None = routine or (ExerciseSession(get(exercise)) if exercise else None)
        self._sounds = SoundPlanner()
        self._t0: float | None = None
        self._last_t = -1.0
        self._session_t = 0.0

    # ---- control (page thread) ---------------------------------------------------------------------------------
    def set_exercise(self, exercise: str | None) -> None:
        """Switch to one exercise: counters and timers start from zero."""
        self._set_checker(ExerciseSession(get(exercise)) if exercise else None)

    def set_routine(self, routine: RoutineRunner) -> None:
        """Switch to a guided routine, from its current step."""
        self._set_checker(routine)

    def _set_checker(self, checker: Checker | None) -> None:
        with self._lock:
            self._finish_history()
            self._checker = checker
            self._state = LiveUpdate(exercise=checker.exercise.key if checker else None,
                                     frames=self._frames, frames_with_person=self._with_person)
            self._clear_queue()
            if self._pipeline is not None:
                self._pipeline.checker = checker

    def routine_command(self, command: str) -> None:
        """``"skip"`` or ``"back"`` in a guided routine."""
        if command not in ("skip", "back"):
            raise ValueError(f"command must be 'skip' or 'back', got {command!r}")
        with self._lock:
            if not isinstance(self._checker, RoutineRunner):
                raise ValueError("routine_command needs a guided routine: call set_routine first")
            report = self._checker.session.report()
            events = self._checker.skip() if command == "skip" else self._checker.back()
            if "exercise_done" in events:
                self._finish_history(report)
            self._state.feedback = None
            self._state.exercise = self._checker.exercise.key
            self._clear_queue()

    @property
    def routine(self) -> RoutineRunner | None:
        return self._checker if isinstance(self._checker, RoutineRunner) else None

    # ---- per frame (callback thread) ---------------------------------------------------------------------------
    def _ensure_pipeline(self) -> FramePipeline:
        if self._pipeline is None:
            self._estimator = self._estimator_factory()
            self._pipeline = FramePipeline(self._estimator, PoseSmoother(), checker=self._checker)
        return self._pipeline

    def process(self, image: np.ndarray, timestamp_s: float) -> np.ndarray:
        with self._lock:
            if self._t0 is None or timestamp_s < self._last_t - RESTART_BACKWARDS_S:
                self._t0 = timestamp_s - self._session_t - (1 / 30 if self._frames else 0)
                if self._pipeline is not None and self._pipeline.smoother is not None:
                    self._pipeline.smoother.reset()
            self._last_t = timestamp_s
            t = timestamp_s - self._t0  # continuous session time across camera restarts
            result = self._ensure_pipeline().process(image, t)
            self._publish(result)
        return annotate(image, result, self.max_side)

    def _publish(self, result: FrameResult) -> None:
        self._frames += 1
        self._with_person += int(result.detected)
        self._session_t = result.timestamp_s
        fb = result.feedback if isinstance(result.feedback, Feedback) else None
        update = LiveUpdate(self._frames, self._with_person, result.timestamp_s,
                            self._checker.exercise.key if self._checker else None, fb, result.n_people)
        if fb is not None:
            update.events = list(fb.events)
            sound = self._sounds.pick(fb.events, fb.t)
            update.sounds = [sound] if sound else []
            self._log(fb)
        try:
            self._queue.put_nowait(update)
        except queue.Full:  # the page is not reading: keep the newest, carry the dropped one's events forward
            dropped = self._queue.get_nowait()
            update.events[:0], update.sounds[:0] = dropped.events, dropped.sounds[-4:]
            self._queue.put_nowait(update)

    def _clear_queue(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def _log(self, fb: Feedback) -> None:
        """Write reps, completed holds and new faults to the history as they happen."""
        if self.history is None or self._checker is None:
            return
        if fb.events or fb.faults:
            if self._history_id is None:
                key = self._checker.exercise.key if "exercise_done" not in fb.events else self._previous_key()
                self._history_id = self.history.start(key, "live")
            for event in fb.events:
                if event in ("rep", "hold_complete"):
                    self.history.record(self._history_id, fb.t, event, fb.side)
            for fault in fb.faults:
                if fault not in self._logged_faults:
                    self.history.record(self._history_id, fb.t, "fault", fb.side, fault)
            self._logged_faults = set(fb.faults)
        if "exercise_done" in fb.events and isinstance(self._checker, RoutineRunner):
            self._finish_history(self._checker.finished_reports[-1])

    def _previous_key(self) -> str:
        assert isinstance(self._checker, RoutineRunner)
        return self._checker.finished_reports[-1].exercise

    def _finish_history(self, report: Report | None = None) -> None:
        if self.history is not None and self._history_id is not None:
            report = report or (self._checker.report() if self._checker is not None else None)
            if report is not None:
                self.history.finish(self._history_id, report_dict(report))
        self._history_id = None
        self._logged_faults = set()

    # ---- reading (page thread) ---------------------------------------------------------------------------------
    def drain(self) -> list[LiveUpdate]:
        """Every update queued since the last call, oldest first."""
        out: list[LiveUpdate] = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def latest(self) -> LiveUpdate:
        """The newest state, with the events and sounds of everything drained since the last call."""
        updates = self.drain()
        with self._lock:
            if updates:
                last = updates[-1]
                self._state = replace(last, feedback=last.feedback or self._state.feedback,
                                      events=[e for u in updates for e in u.events],
                                      sounds=[s for u in updates for s in u.sounds])
            else:
                self._state = replace(self._state, events=[], sounds=[])
            return self._state

    def report(self) -> Report | None:
        with self._lock:
            return self._checker.report() if self._checker is not None else None

    def close(self) -> None:
        with self._lock:
            self._finish_history()
            close = getattr(self._estimator, "close", None)
            if close is not None:
                close()
            self._pipeline = self._estimator = None


class CameraWatch:
    """What to tell the person about the camera, from the page's view of the stream. ``now`` is the page's clock
    (seconds); it only decides when to say "no frames", never how long a hold lasted."""

    def __init__(self, stall_s: float = 3.0, first_frame_s: float = 10.0) -> None:
        self.stall_s, self.first_frame_s = stall_s, first_frame_s
        self._frames = 0
        self._changed_at = 0.0
        self._playing_since: float | None = None
        self._flowing = False  # frames have arrived since the stream started

    def update(self, playing: bool, frames: int, now: float) -> str | None:
        """``frames``: frames processed so far (``LiveUpdate.frames``). Returns a message, or None when all is well."""
        if not playing:
            self._playing_since, self._flowing, self._frames = None, False, frames
            return MSG_CAMERA_STOPPED if frames else None
        if self._playing_since is None:
            self._playing_since = self._changed_at = now
            self._frames = frames
        if frames != self._frames:
            self._frames, self._changed_at, self._flowing = frames, now, True
            return None
        if not self._flowing:
            return MSG_CAMERA_WAITING if now - self._playing_since >= self.first_frame_s else None
        quiet = now - self._changed_at
        return MSG_CAMERA_LOST.format(seconds=quiet) if quiet >= self.stall_s else None


MSG_CAMERA_STOPPED = "Camera stopped. Press START to carry on: your counts so far are kept."
MSG_CAMERA_WAITING = "Waiting for the camera: allow camera access in the browser, and close other apps using it."
MSG_CAMERA_LOST = ("No frames from the camera for {seconds:.0f} s: is it unplugged, covered or in use by another "
                   "app? Holds are paused until it is back.")


class StartRaceGuard:
    """Recovery from streamlit-webrtc's start-up race, seen from the page.

    A stream that falls back to START within ``window_s`` of starting to play is restarted, at most ``max_retries``
    times in a row; a stop after a steady run, or before the stream ever played, is the person's own. The restart is
    asked for ``delay_s`` after the drop: asking at once left the component hanging in "signalling", because
    streamlit-webrtc had not yet cleared the dropped stream and never answered the new offer.

    Each page run: ``rerun = guard.update(playing, now)`` (rerun the whole page when True), and pass
    ``guard.desired`` as ``webrtc_streamer(desired_playing_state=...)``.
    """

    def __init__(self, window_s: float = 6.0, max_retries: int = 2, delay_s: float = 1.0,
                 give_up_s: float = 15.0) -> None:
        for name, value in (("window_s", window_s), ("delay_s", delay_s), ("give_up_s", give_up_s)):
            if value <= 0:
                raise ValueError(f"{name} must be > 0 seconds, got {value}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        self.window_s, self.max_retries, self.delay_s, self.give_up_s = window_s, max_retries, delay_s, give_up_s
        self.retries = 0
        self._playing_since: float | None = None
        self._restart_at: float | None = None  # when an early drop was seen (a restart is under way)
        self._asked = False  # the component has been asked to play

    @property
    def desired(self) -> bool | None:
        """``desired_playing_state`` for the component: True while a restart is asked for, else None (the person's)."""
        return True if self._asked else None

    def update(self, playing: bool, now: float) -> bool:
        """``playing``: the component's state; ``now``: the page's clock (seconds). True: rerun the page."""
        if self._restart_at is not None:
            if playing or now - self._restart_at > self.give_up_s:
                self._restart_at, self._asked = None, False  # done, or given up: START/STOP are the person's again
                self._playing_since = now if playing else None
                return True
            if not self._asked and now - self._restart_at >= self.delay_s:
                self._asked = True
                return True
            return False
        if playing:
            if self._playing_since is None:
                self._playing_since = now
            elif now - self._playing_since >= self.window_s:
                self.retries = 0  # it has run steadily: a later early drop gets fresh retries
            return False
        if self._playing_since is None:
            return False
        ran = now - self._playing_since
        self._playing_since = None
        if ran < self.window_s and self.retries < self.max_retries:
            self.retries += 1
            self._restart_at = now
            LOG.info("stream stopped %.1f s after it started playing: restarting it (retry %d)", ran, self.retries)
            return True  # a run now lets streamlit-webrtc clear the dropped stream before the restart
        return False
