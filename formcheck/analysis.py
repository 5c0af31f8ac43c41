"""Analyse a recording end to end with the default wiring; shared by the CLI and the app."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from formcheck.draw import BAD, GOOD, WHITE, draw_angle_labels, draw_panel, draw_skeleton
from formcheck.errors import InputError
from formcheck.exercises import get
from formcheck.pipeline import FramePipeline, FrameResult, Summary, analyse_file
from formcheck.pose import PoseEstimator, Variant
from formcheck.session import ExerciseSession
from formcheck.smoothing import PoseSmoother
from formcheck.video import IMAGE_SUFFIXES, VIDEO_SUFFIXES, AnnotatedVideoWriter, VideoSource

OUTPUT_MAX_SIDE = 1280  # annotated video's long side (AnnotatedVideoWriter's default)
LABELLED_JOINTS = ("left_knee", "right_knee", "left_hip", "right_hip")


def annotate(image: np.ndarray, result: FrameResult, max_side: int = OUTPUT_MAX_SIDE) -> np.ndarray:
    """A new frame, at most ``max_side`` pixels on its long side, with the skeleton, the main joint angles and the
    exercise cue drawn on it. Drawing at output size (not on a full-size copy) keeps this cheap for phone video."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        image = cv2.resize(image, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2), interpolation=cv2.INTER_LINEAR)
    else:
        image = image.copy()
    pose = result.pose
    if pose is not None:
        if scale < 1.0:
            pose = replace(pose, xy=pose.xy * np.array([image.shape[1] / w, image.shape[0] / h]),
                           image_size=(image.shape[1], image.shape[0]))
        draw_skeleton(image, pose)
        draw_angle_labels(image, pose, result.angles, LABELLED_JOINTS)
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


def check_upload(name: str, size: int, max_bytes: int) -> None:
    """Refuse an upload before decoding it: wrong type (by name), empty, or over ``max_bytes``. Raises InputError."""
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES | IMAGE_SUFFIXES:
        raise InputError(f"{name}: {suffix or 'no extension'} is not a video or image formcheck reads "
                         f"(use {', '.join(sorted(VIDEO_SUFFIXES))})")
    if size <= 0:
        raise InputError(f"{name}: the file is empty (0 bytes)")
    if size > max_bytes:
        raise InputError(f"{name} is {size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB. "
                         "Trim the recording to the exercise, or export it at a lower resolution.")


def apply_session(results: list[FrameResult], exercise: str) -> ExerciseSession:
    """Run an exercise's checker over already analysed frames (no model), attaching each frame's feedback: the same
    counts as checking during analysis, so a recording can be re-checked as another exercise at once."""
    session = ExerciseSession(get(exercise))
    for r in results:
        r.feedback = session.step(r)
    return session


def render_annotated(path: str | Path, results: list[FrameResult], out: str | Path,
                     progress: Callable[[int, int], None] | None = None) -> None:
    """Decode ``path`` again and write it to ``out`` (.mp4/.webm) with ``results`` (by frame index) drawn on it."""
    source = VideoSource(path)
    with AnnotatedVideoWriter(out, source.info.output_fps) as writer:
        for frame, result in zip(source, results):
            writer.write(annotate(frame.image, result))
            if progress is not None:
                progress(frame.index + 1, len(results))


def analyse_recording(path: str | Path, model: Variant = "full", out: str | Path | None = None,
                      progress: Callable[[int, int], None] | None = None, session: object | None = None,
                      max_duration_s: float | None = None) -> tuple[list[FrameResult], Summary]:
    """Pose, angles and summary for a video or still; with ``out`` also an annotated .mp4/.webm; with ``session``
    (an ``ExerciseSession``) each frame's feedback is attached to its result; with ``max_duration_s`` only that much
    of a long recording is analysed (the summary says so)."""
    estimators: list[PoseEstimator] = []

    def factory(is_image: bool) -> FramePipeline:
        est = PoseEstimator(model, mode="image" if is_image else "video")
        estimators.append(est)
        return FramePipeline(est, None if is_image else PoseSmoother(), checker=session)

    try:
        return analyse_file(path, factory, out=out, annotate=annotate if out else None, progress=progress,
                            max_duration_s=max_duration_s)
    finally:
        for est in estimators:
            est.close()
