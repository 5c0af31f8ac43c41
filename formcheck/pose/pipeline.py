"""One frame in, one result out: pose -> smoothing -> angles -> view (-> a checker), for files and the webcam alike.

``FramePipeline.process(image, t)`` is the single per-frame entry point. Reading and writing video is the media
layer's job; driving a pipeline over a file is :func:`formcheck.app.recording.analyse_file`.
"""

from __future__ import annotations

import logging

import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY
from formcheck.pose.level import CameraLevel
from formcheck.pose.measure import frame_result
from formcheck.pose.quality import image_problem
from formcheck.pose.smoothing import PoseSmoother
from formcheck.values import Checker, Estimator, FrameResult

LOG = logging.getLogger(__name__)


class FramePipeline:
    """Pose estimation, smoothing, angles and view for successive frames of one stream.

    Args:
        estimator: a callable ``(frame_bgr, t) -> Pose | None`` (a ``formcheck.pose.estimator.PoseEstimator``).
        smoother: landmark smoother; ``None`` disables smoothing.
        min_visibility: landmarks below this visibility give NaN angles (in [0, 1]).
        checker: optional checker (an exercise session or a routine), stepped every frame; its feedback is attached.
        level: undo the camera's roll, read from the picture's verticals (formcheck.pose.level).
    """

    def __init__(
        self,
        estimator: Estimator,
        smoother: PoseSmoother | None = None,
        min_visibility: float = DEFAULT_MIN_VISIBILITY,
        checker: Checker | None = None,
        level: bool = True,
    ) -> None:
        if not 0.0 <= min_visibility <= 1.0:
            raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
        self.estimator = estimator
        self.smoother = smoother
        self.min_visibility = min_visibility
        self.checker = checker
        self.level = CameraLevel() if level else None
        self._index = 0

    def process(self, image: np.ndarray, timestamp_s: float) -> FrameResult:
        raw = self.estimator(image, timestamp_s)
        pose = self.smoother.update(raw, timestamp_s) if self.smoother is not None else raw
        roll = self.level.update(image, pose, timestamp_s) if self.level is not None else 0.0
        result = frame_result(pose, timestamp_s, self._index, raw, self.min_visibility, roll)
        if raw is None:
            result.problem = image_problem(image)
        result.gain = float(getattr(self.estimator, "gain", 1.0))  # a stand-in estimator has no exposure step
        self._index += 1
        if self.checker is not None:
            result.feedback = self.checker.step(result)
        return result
