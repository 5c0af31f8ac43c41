"""Analyse a recording end to end with the default wiring; shared by the CLI and the app."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from formcheck.draw import draw_angle_labels, draw_skeleton
from formcheck.pipeline import FramePipeline, FrameResult, Summary, analyse_file
from formcheck.pose import PoseEstimator, Variant
from formcheck.smoothing import PoseSmoother

LABELLED_JOINTS = ("left_knee", "right_knee", "left_hip", "right_hip")


def annotate(image: np.ndarray, result: FrameResult) -> np.ndarray:
    """A copy of the frame with the skeleton and the main joint angles drawn on it."""
    image = image.copy()
    if result.pose is not None:
        draw_skeleton(image, result.pose)
        draw_angle_labels(image, result.pose, result.angles, LABELLED_JOINTS)
    return image


def analyse_recording(path: str | Path, model: Variant = "full", out: str | Path | None = None,
                      progress: Callable[[int, int], None] | None = None) -> tuple[list[FrameResult], Summary]:
    """Pose, angles and summary for a video or still; with ``out`` also an annotated .mp4/.webm."""
    estimators: list[PoseEstimator] = []

    def factory(is_image: bool) -> FramePipeline:
        est = PoseEstimator(model, mode="image" if is_image else "video")
        estimators.append(est)
        return FramePipeline(est, None if is_image else PoseSmoother())

    try:
        return analyse_file(path, factory, out=out, annotate=annotate if out else None, progress=progress)
    finally:
        for est in estimators:
            est.close()
