"""Live camera processing for the webcam page, safe to call from a video callback thread.

``LiveProcessor.process(image, t)`` runs pose -> checker on one camera frame and returns the annotated frame; the
page reads ``latest()`` (a snapshot taken under a lock) from its own thread. Time comes from the frames' timestamps.
A timestamp that jumps backwards (the camera was stopped and started again) starts a fresh stream.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import numpy as np

from formcheck.analysis import annotate
from formcheck.exercises import get
from formcheck.export import report_dict
from formcheck.history import History
from formcheck.pipeline import FramePipeline, FrameResult
from formcheck.pose import PoseEstimator, Variant
from formcheck.session import ExerciseSession, Feedback, Report
from formcheck.smoothing import PoseSmoother

LOG = logging.getLogger(__name__)
RESTART_BACKWARDS_S = 0.5


@dataclass
class LiveState:
    """What the page shows; a copy handed across threads."""

    frames: int = 0
    frames_with_person: int = 0
    timestamp_s: float = 0.0
    exercise: str | None = None
    feedback: Feedback | None = None
    events: list[str] = field(default_factory=list)  # since the last read, for sounds


class LiveProcessor:
    def __init__(self, exercise: str | None = None, model: Variant = "lite", max_side: int = 960,
                 history: History | None = None) -> None:
        self.model, self.max_side = model, max_side
        self.history = history
        self._history_id: int | None = None
        self._logged_faults: set[str] = set()  # faults already written, so a lasting fault is logged once
        self._lock = threading.Lock()
        self._state = LiveState(exercise=exercise)
        self._pipeline: FramePipeline | None = None
        self._estimator: PoseEstimator | None = None
        self._session: ExerciseSession | None = ExerciseSession(get(exercise)) if exercise else None
        self._t0: float | None = None
        self._last_t = -1.0

    def set_exercise(self, exercise: str | None) -> None:
        """Switch exercise: counters and timers start from zero."""
        with self._lock:
            self._finish_history()
            self._session = ExerciseSession(get(exercise)) if exercise else None
            self._state = LiveState(exercise=exercise, frames=self._state.frames,
                                    frames_with_person=self._state.frames_with_person)
            if self._pipeline is not None:
                self._pipeline.checker = self._session

    def _ensure_pipeline(self) -> FramePipeline:
        if self._pipeline is None:
            self._estimator = PoseEstimator(self.model, mode="video")
            self._pipeline = FramePipeline(self._estimator, PoseSmoother(), checker=self._session)
        return self._pipeline

    def process(self, image: np.ndarray, timestamp_s: float) -> np.ndarray:
        with self._lock:
            if self._t0 is None or timestamp_s < self._last_t - RESTART_BACKWARDS_S:
                self._t0 = timestamp_s - max(self._state.timestamp_s, 0.0) - (1 / 30 if self._state.frames else 0)
                if self._pipeline is not None and self._pipeline.smoother is not None:
                    self._pipeline.smoother.reset()
            self._last_t = timestamp_s
            t = timestamp_s - self._t0  # continuous session time across camera restarts
            result = self._ensure_pipeline().process(image, t)
            self._record(result)
        return annotate(image, result, self.max_side)

    def _record(self, result: FrameResult) -> None:
        s = self._state
        s.frames += 1
        s.frames_with_person += int(result.detected)
        s.timestamp_s = result.timestamp_s
        if isinstance(result.feedback, Feedback):
            s.feedback = result.feedback
            s.events.extend(result.feedback.events)
            self._log(result.feedback)

    def _log(self, fb: Feedback) -> None:
        """Write reps, completed holds and new faults to the history as they happen."""
        if self.history is None or self._session is None or not (fb.events or fb.faults):
            return
        if self._history_id is None:
            self._history_id = self.history.start(self._session.exercise.key, "live")
        for event in fb.events:
            if event in ("rep", "hold_complete"):
                self.history.record(self._history_id, fb.t, event, fb.side)
        for fault in fb.faults:
            if fault not in self._logged_faults:
                self.history.record(self._history_id, fb.t, "fault", fb.side, fault)
        self._logged_faults = set(fb.faults)

    def _finish_history(self) -> None:
        if self.history is not None and self._history_id is not None and self._session is not None:
            self.history.finish(self._history_id, report_dict(self._session.report()))
        self._history_id = None
        self._logged_faults = set()

    def latest(self) -> LiveState:
        """A snapshot for the page; events are handed out once."""
        with self._lock:
            snap = LiveState(self._state.frames, self._state.frames_with_person, self._state.timestamp_s,
                             self._state.exercise, self._state.feedback, list(self._state.events))
            self._state.events.clear()
            return snap

    def report(self) -> Report | None:
        with self._lock:
            return self._session.report() if self._session is not None else None

    def close(self) -> None:
        with self._lock:
            self._finish_history()
            if self._estimator is not None:
                self._estimator.close()
            self._pipeline = self._estimator = None
