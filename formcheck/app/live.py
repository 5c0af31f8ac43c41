"""Live camera processing for the webcam page, safe to call from a video callback thread.

``LiveProcessor.process(image, t)`` runs pose -> checker on one camera frame and returns the annotated frame. Each
processed frame also puts a ``LiveUpdate`` on a bounded thread-safe queue (``updates``); the page reads it with
``latest()``, which merges what it drained. When the page falls behind, the oldest updates are dropped but their
events (reps, completed holds, sounds) are carried into the next one, so nothing is lost and memory stays flat.
Time comes from the frames' timestamps. A timestamp that jumps backwards (the camera was stopped and started again)
starts a fresh stream. The page's camera state logic is in :mod:`formcheck.app.camera`; history writing in
:mod:`formcheck.app.journal`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.app.history import DEFAULT_PROFILE, History
from formcheck.app.journal import Journal
from formcheck.checking.report import Report
from formcheck.checking.routine import RoutineFeedback, RoutineRunner, RoutineStatus
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import get
from formcheck.media.draw import annotate
from formcheck.media.sounds import SoundPlanner
from formcheck.pose.estimator import PoseEstimator, Variant
from formcheck.pose.pipeline import FramePipeline
from formcheck.pose.smoothing import PoseSmoother
from formcheck.values import Estimator, Feedback, FrameResult

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
    sounds: list[str] = field(default_factory=list)  # sound names (formcheck.media.sounds) to play, oldest first
    routine: RoutineStatus | None = None  # where a guided routine stands


class UpdateQueue:
    """A bounded queue of ``LiveUpdate``s from the frame thread to the page. When it is full the oldest update is
    dropped and its events and sounds are carried into the newest, so no rep or cue is lost and memory stays flat."""

    def __init__(self, size: int = QUEUE_SIZE) -> None:
        self._queue: queue.Queue[LiveUpdate] = queue.Queue(maxsize=size)

    def put(self, update: LiveUpdate) -> None:
        try:
            self._queue.put_nowait(update)
        except queue.Full:  # the page is not reading: keep the newest, carry the dropped one's events forward
            dropped = self._queue.get_nowait()
            update.events[:0], update.sounds[:0] = dropped.events, dropped.sounds[-4:]
            self._queue.put_nowait(update)

    def drain(self) -> list[LiveUpdate]:
        """Every update queued since the last call, oldest first (an empty queue gives an empty list)."""
        out: list[LiveUpdate] = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def qsize(self) -> int:
        return self._queue.qsize()


Checker = ExerciseSession | RoutineRunner


class LiveProcessor:
    """Pose -> checker for a camera stream. ``exercise`` (a registry key) or ``routine`` picks the checker;
    ``estimator_factory`` replaces the MediaPipe model (tests, soak runs). Owns the per-frame work and the checker;
    the update queue (:class:`UpdateQueue`) and history writing (:class:`formcheck.app.journal.Journal`) are its
    parts."""

    def __init__(
        self,
        exercise: str | None = None,
        model: Variant = "lite",
        max_side: int = 960,
        history: History | None = None,
        routine: RoutineRunner | None = None,
        estimator_factory: Callable[[], Estimator] | None = None,
        profile: str = DEFAULT_PROFILE,
    ) -> None:
        self.model, self.max_side = model, max_side
        self.history = history
        self._estimator_factory = estimator_factory or (lambda: PoseEstimator(self.model, mode="video"))
        self.journal = Journal(history, profile)  # history writing; ``journal.flush()`` waits for it
        self._lock = threading.Lock()
        self.updates = UpdateQueue()
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
        """Switch to one exercise (None: angles only): counters and timers start from zero."""
        self._set_checker(ExerciseSession(get(exercise)) if exercise else None)

    def set_routine(self, routine: RoutineRunner) -> None:
        """Switch to a guided routine, from its current step."""
        self._set_checker(routine)

    def _set_checker(self, checker: Checker | None) -> None:
        with self._lock:
            self.journal.finish(self._checker.report(include_pending=False) if self._checker is not None else None)
            self._checker = checker
            self._state = LiveUpdate(
                exercise=checker.exercise.key if checker else None,
                frames=self._frames,
                frames_with_person=self._with_person,
            )
            self.updates.drain()
            if self._pipeline is not None:
                self._pipeline.checker = checker

    def routine_command(self, command: str) -> None:
        """``"skip"`` or ``"back"`` in a guided routine."""
        if command not in ("skip", "back"):
            raise ValueError(f"command must be 'skip' or 'back', got {command!r}")
        with self._lock:
            if not isinstance(self._checker, RoutineRunner):
                raise ValueError("routine_command needs a guided routine: call set_routine first")
            report = self._checker.session.report(include_pending=False)
            events = self._checker.skip() if command == "skip" else self._checker.back()
            if "exercise_done" in events:
                self.journal.finish(report)
            self._state.feedback, self._state.routine = None, self._checker.status()
            self._state.exercise = self._checker.exercise.key
            self.updates.drain()

    @property
    def routine(self) -> RoutineRunner | None:
        return self._checker if isinstance(self._checker, RoutineRunner) else None

    # ---- per frame (callback thread) ---------------------------------------------------------------------------
    def process(self, image: np.ndarray, timestamp_s: float) -> np.ndarray:
        with self._lock:
            if self._t0 is None or timestamp_s < self._last_t - RESTART_BACKWARDS_S:
                self._t0 = timestamp_s - self._session_t - (1 / 30 if self._frames else 0)
                if self._pipeline is not None and self._pipeline.smoother is not None:
                    self._pipeline.smoother.reset()
            self._last_t = timestamp_s
            t = timestamp_s - self._t0  # continuous session time across camera restarts
            if self._pipeline is None:
                self._estimator = self._estimator_factory()
                self._pipeline = FramePipeline(self._estimator, PoseSmoother(), checker=self._checker)
            result = self._pipeline.process(image, t)
            self._publish(result)
        return annotate(image, result, self.max_side)

    def _publish(self, result: FrameResult) -> None:
        self._frames += 1
        self._with_person += int(result.detected)
        self._session_t = result.timestamp_s
        fb = result.feedback
        update = LiveUpdate(
            self._frames,
            self._with_person,
            result.timestamp_s,
            self._checker.exercise.key if self._checker else None,
            fb,
            result.n_people,
        )
        if fb is not None:
            update.events = list(fb.events)
            sound = self._sounds.pick(fb.events, fb.t)
            update.sounds = [sound] if sound else []
            update.routine = fb.routine if isinstance(fb, RoutineFeedback) else None
            self.journal.log(fb, self._checker)  # reps, holds, faults: to the history as they happen
        self.updates.put(update)

    # ---- reading (page thread) ---------------------------------------------------------------------------------
    def latest(self) -> LiveUpdate:
        """The newest state, with the events and sounds of everything drained since the last call."""
        updates = self.updates.drain()
        with self._lock:
            if updates:
                last = updates[-1]
                self._state = replace(
                    last,
                    feedback=last.feedback or self._state.feedback,
                    routine=last.routine or self._state.routine,
                    events=[e for u in updates for e in u.events],
                    sounds=[s for u in updates for s in u.sounds],
                )
            else:
                self._state = replace(self._state, events=[], sounds=[])
            return self._state

    def report(self) -> Report | None:
        with self._lock:
            return self._checker.report(include_pending=False) if self._checker is not None else None

    def stopped(self) -> None:
        """The camera stopped or the tab closed (streamlit-webrtc's ``on_video_ended``): the history session gets its
        end time and report now; counts are kept, and reps after a restart join the same session."""
        with self._lock:
            self.journal.pause(self._checker.report(include_pending=False) if self._checker is not None else None)

    def close(self, flush_s: float = 10.0) -> None:
        """Close the history session and the model; wait up to ``flush_s`` for the history writes to land."""
        with self._lock:
            self.journal.finish(self._checker.report(include_pending=False) if self._checker is not None else None)
            close = getattr(self._estimator, "close", None)
            if close is not None:
                close()
            self._pipeline = self._estimator = None
        self.journal.flush(flush_s)
