"""Analyse a recording end to end with the default wiring; shared by the CLI and the app."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from formcheck.draw import BAD, GOOD, WHITE, draw_angle_labels, draw_panel, draw_skeleton
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
    fb = result.feedback
    if fb is not None:
        color = {"ok": GOOD, "fix": BAD, "warn": BAD}.get(fb.level, WHITE)
        lines = [(fb.cue, color)]
        if fb.hold_target_s and not fb.reps:
            lines.append((f"{fb.side or ''} hold {fb.hold_s:4.1f} / {fb.hold_target_s:.0f} s".strip(), WHITE))
        if fb.reps:
            lines.append(("reps " + "  ".join(f"{k} {v}" for k, v in fb.reps.items()), WHITE))
        draw_panel(image, lines)
    return image


def analyse_recording(path: str | Path, model: Variant = "full", out: str | Path | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      session: object | None = None) -> tuple[list[FrameResult], Summary]:
    """Pose, angles and summary for a video or still; with ``out`` also an annotated .mp4/.webm; with ``session``
    (an ``ExerciseSession``) each frame's feedback is attached to its result."""
    estimators: list[PoseEstimator] = []

    def factory(is_image: bool) -> FramePipeline:
        est = PoseEstimator(model, mode="image" if is_image else "video")
        estimators.append(est)
        return FramePipeline(est, None if is_image else PoseSmoother(), checker=session)

    try:
        return analyse_file(path, factory, out=out, annotate=annotate if out else None, progress=progress)
    finally:
        for est in estimators:
            est.close()
