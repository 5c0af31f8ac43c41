"""Live camera processing for the live page, safe to call from a worker thread.

``LiveProcessor.process(image, t)`` runs pose -> checker on one camera frame and returns that frame's
``LiveUpdate``: the frame's result (pose, angles, feedback), the events and the sound they call for, where a guided
routine stands, and how long the model and the checker took. The page's channel (:mod:`formcheck.app.channel`) turns
it into the message the browser draws and speaks; nothing is queued between them, because the browser sends the
next frame only when this one's answer is back. Time comes from the frames' timestamps (the browser's capture time).
A timestamp that jumps backwards (the camera was stopped and started again with a new clock) continues the session
time where it was. The camera state logic is in :mod:`formcheck.app.camera`; history writing in
:mod:`formcheck.app.journal`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from formcheck.app.history import DEFAULT_PROFILE, History
from formcheck.app.journal import Journal
from formcheck.checking.report import Report
from formcheck.checking.routine import RoutineFeedback, RoutineRunner, RoutineStatus
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import get
from formcheck.landmarks import Pose
from formcheck.media.sounds import SoundPlanner
from formcheck.pose.estimator import PoseEstimator, Variant
from formcheck.pose.pipeline import FramePipeline
from formcheck.pose.smoothing import PoseSmoother
from formcheck.values import Estimator, Feedback, FrameResult

LOG = logging.getLogger(__name__)
RESTART_BACKWARDS_S = 0.5
DIM_WINDOW_S = 3.0  # the room is called dim once the picture was brightened in over DIM_ON of the frames with a
DIM_ON, DIM_OFF = 0.75, 0.25  # person over this long, and lit again under DIM_OFF (a gain that comes and goes near
# its threshold, or a lamp switched on for a second, does not make the notice flicker)


@dataclass
class LiveUpdate:
    """What one processed frame gives the page."""

    frames: int = 0  # frames processed so far in this stream
    frames_with_person: int = 0
    timestamp_s: float = 0.0  # session time (continuous across camera restarts)
    exercise: str | None = None
    feedback: Feedback | None = None
    n_people: int = 0  # people the model saw in this frame (the largest is followed)
    events: list[str] = field(default_factory=list)
    sounds: list[str] = field(default_factory=list)  # sound names (formcheck.media.sounds) to play
    routine: RoutineStatus | None = None  # where a guided routine stands
    result: FrameResult | None = None  # the frame's pose, angles and view
    dim: bool = False  # the room is dim (the picture brightened for the model): see DimRoom
    model_ms: float = 0.0  # wall time in the pose model for this frame
    check_ms: float = 0.0  # wall time in smoothing, measuring and the checker


class TimedEstimator:
    """Wraps an estimator and remembers how long its last call took (milliseconds of wall time)."""

    def __init__(self, estimator: Estimator) -> None:
        self.estimator = estimator
        self.last_ms = 0.0

    def __call__(self, frame_bgr: np.ndarray, timestamp_s: float) -> Pose | None:
        start = time.perf_counter()
        try:
            return self.estimator(frame_bgr, timestamp_s)
        finally:
            self.last_ms = (time.perf_counter() - start) * 1000

    @property
    def gain(self) -> float:
        """The brightness gain the wrapped model gave the last frame (formcheck.pose.exposure; 1 = none)."""
        return float(getattr(self.estimator, "gain", 1.0))

    def close(self) -> None:
        close = getattr(self.estimator, "close", None)
        if close is not None:
            close()


Checker = ExerciseSession | RoutineRunner


class DimRoom:
    """Whether the room is dim, frame by frame: the share of the frames with a person in the last DIM_WINDOW_S
    whose picture was brightened for the model went over DIM_ON, and has not since gone under DIM_OFF (nobody in
    view: as it was)."""

    def __init__(self) -> None:
        self._recent: deque[tuple[float, bool]] = deque()  # (time, brightened) of recent frames with a person
        self._on = False

    def update(self, result: FrameResult) -> bool:
        if result.detected:
            self._recent.append((result.timestamp_s, result.gain > 1.0))
        while self._recent and self._recent[0][0] < result.timestamp_s - DIM_WINDOW_S:
            self._recent.popleft()
        if self._recent:
            share = sum(d for _, d in self._recent) / len(self._recent)
            self._on = share > DIM_ON or (self._on and share >= DIM_OFF)
        return self._on


class LiveProcessor:
    """Pose -> checker for a camera stream. ``exercise`` (a registry key) or ``routine`` picks the checker;
    ``estimator_factory`` replaces the MediaPipe model (tests, soak runs). Owns the per-frame work and the checker;
    history writing (:class:`formcheck.app.journal.Journal`) is its part. Thread-safe: the page changes the
    exercise while a worker thread processes frames."""

    def __init__(
        self,
        exercise: str | None = None,
        model: Variant = "lite",
        history: History | None = None,
        routine: RoutineRunner | None = None,
        estimator_factory: Callable[[], Estimator] | None = None,
        profile: str = DEFAULT_PROFILE,
    ) -> None:
        self.model = model
        self.history = history
        self._estimator_factory = estimator_factory or (lambda: PoseEstimator(self.model, mode="video"))
        self.journal = Journal(history, profile)  # history writing; ``journal.flush()`` waits for it
        self._lock = threading.Lock()
        self._frames = self._with_person = 0
        self._pipeline: FramePipeline | None = None
        self._estimator: TimedEstimator | None = None
        self._checker: Checker | None = routine or (ExerciseSession(get(exercise)) if exercise else None)
        self._sounds = SoundPlanner()
        self._t0: float | None = None
        self._last_t = -1.0
        self._session_t = 0.0
        self._dim = DimRoom()

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
            if self._pipeline is not None:
                self._pipeline.checker = checker

    def routine_command(self, command: str) -> RoutineStatus:
        """``"skip"`` or ``"back"`` in a guided routine; returns where the routine now stands."""
        if command not in ("skip", "back"):
            raise ValueError(f"command must be 'skip' or 'back', got {command!r}")
        with self._lock:
            if not isinstance(self._checker, RoutineRunner):
                raise ValueError("routine_command needs a guided routine: call set_routine first")
            report = self._checker.session.report(include_pending=False)
            events = self._checker.skip() if command == "skip" else self._checker.back()
            if "exercise_done" in events:
                self.journal.finish(report)
            return self._checker.status()

    @property
    def routine(self) -> RoutineRunner | None:
        return self._checker if isinstance(self._checker, RoutineRunner) else None

    @property
    def exercise(self) -> str | None:
        """The registry key of the exercise being checked now (a routine's current one), or None."""
        return self._checker.exercise.key if self._checker is not None else None

    # ---- per frame (worker thread) -----------------------------------------------------------------------------
    def process(self, image: np.ndarray, timestamp_s: float) -> LiveUpdate:
        """Pose -> checker on one BGR frame taken at ``timestamp_s`` (the camera's clock, seconds)."""
        with self._lock:
            if self._t0 is None or timestamp_s < self._last_t - RESTART_BACKWARDS_S:
                self._t0 = timestamp_s - self._session_t - (1 / 30 if self._frames else 0)
                if self._pipeline is not None and self._pipeline.smoother is not None:
                    self._pipeline.smoother.reset()
            self._last_t = timestamp_s
            t = timestamp_s - self._t0  # continuous session time across camera restarts
            if self._pipeline is None:
                self._estimator = TimedEstimator(self._estimator_factory())
                self._pipeline = FramePipeline(self._estimator, PoseSmoother(), checker=self._checker)
            start = time.perf_counter()
            result = self._pipeline.process(image, t)
            total_ms = (time.perf_counter() - start) * 1000
            update = self._publish(result)
            update.model_ms = self._estimator.last_ms if self._estimator else 0.0
            update.check_ms = max(0.0, total_ms - update.model_ms)
            return update

    def _publish(self, result: FrameResult) -> LiveUpdate:
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
            result=result,
            dim=self._dim.update(result),
        )
        if fb is not None:
            update.events = list(fb.events)
            sound = self._sounds.pick(fb.events, fb.t)
            update.sounds = [sound] if sound else []
            update.routine = fb.routine if isinstance(fb, RoutineFeedback) else None
            self.journal.log(result, self._checker)  # reps, holds, faults: to the history as they happen
        return update

    # ---- reading and ending (page thread) ----------------------------------------------------------------------
    def report(self) -> Report | None:
        with self._lock:
            return self._checker.report(include_pending=False) if self._checker is not None else None

    def stopped(self) -> None:
        """The camera stopped or the tab closed: the history session gets its end time and report now; counts are
        kept, and reps after a restart join the same session."""
        with self._lock:
            self.journal.pause(self._checker.report(include_pending=False) if self._checker is not None else None)

    def close(self, flush_s: float = 10.0) -> None:
        """Close the history session and the model; wait up to ``flush_s`` for the history writes to land."""
        with self._lock:
            self.journal.finish(self._checker.report(include_pending=False) if self._checker is not None else None)
            if self._estimator is not None:
                self._estimator.close()
            self._pipeline = self._estimator = None
        self.journal.flush(flush_s)
