"""Analyse a recording end to end with the default wiring (model, smoothing, checker, drawing); shared by the CLI
and the app. ``analyse_file`` drives any pipeline over a file; ``analyse_recording`` is it with the shipped model."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from formcheck.app.summary import MSG_ONE_FRAME, summarise
from formcheck.checking.session import ExerciseSession
from formcheck.errors import InputError
from formcheck.exercises import get
from formcheck.media.draw import annotate
from formcheck.media.video import IMAGE_SUFFIXES, VIDEO_SUFFIXES, AnnotatedVideoWriter, VideoSource
from formcheck.pose.estimator import PoseEstimator, Variant
from formcheck.pose.pipeline import FramePipeline
from formcheck.pose.smoothing import PoseSmoother
from formcheck.values import Checker, FrameResult, Summary


def check_upload(name: str, size: int, max_bytes: int) -> None:
    """Refuse an upload before decoding it: wrong type (by name), empty, or over ``max_bytes``. Raises InputError."""
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES | IMAGE_SUFFIXES:
        raise InputError(
            f"{name}: {suffix or 'no extension'} is not a video or image formcheck reads "
            f"(use {', '.join(sorted(VIDEO_SUFFIXES))})"
        )
    if size <= 0:
        raise InputError(f"{name}: the file is empty (0 bytes)")
    if size > max_bytes:
        raise InputError(
            f"{name} is {size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB. "
            "Trim the recording to the exercise, or export it at a lower resolution."
        )


def apply_session(results: list[FrameResult], exercise: str) -> ExerciseSession:
    """Run an exercise's checker over already analysed frames (no model), attaching each frame's feedback: the same
    counts as checking during analysis, so a recording can be re-checked as another exercise at once."""
    session = ExerciseSession(get(exercise))
    for r in results:
        r.feedback = session.step(r)
    return session


def render_annotated(
    path: str | Path, results: list[FrameResult], out: str | Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Decode ``path`` again and write it to ``out`` (.mp4/.webm) with ``results`` (by frame index) drawn on it."""
    source = VideoSource(path)
    with AnnotatedVideoWriter(out, source.info.output_fps) as writer:
        for frame, result in zip(source, results):
            writer.write(annotate(frame.image, result))
            if progress is not None:
                progress(frame.index + 1, len(results))


def analyse_recording(
    path: str | Path,
    model: Variant = "full",
    out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    session: Checker | None = None,
    max_duration_s: float | None = None,
) -> tuple[list[FrameResult], Summary]:
    """Pose, angles and summary for a video or still; with ``out`` also an annotated .mp4/.webm; with ``session``
    (an ``ExerciseSession``) each frame's feedback is attached to its result; with ``max_duration_s`` only that much
    of a long recording is analysed (the summary says so)."""
    estimators: list[PoseEstimator] = []

    def factory(is_image: bool) -> FramePipeline:
        est = PoseEstimator(model, mode="image" if is_image else "video")
        estimators.append(est)
        return FramePipeline(est, None if is_image else PoseSmoother(), checker=session)

    try:
        return analyse_file(
            path, factory, out=out, annotate=annotate if out else None, progress=progress, max_duration_s=max_duration_s
        )
    finally:
        for est in estimators:
            est.close()


def analyse_file(
    path: str | Path,
    pipeline_factory: Callable[[bool], FramePipeline],
    out: str | Path | None = None,
    annotate: Callable[[np.ndarray, FrameResult], np.ndarray] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_duration_s: float | None = None,
) -> tuple[list[FrameResult], Summary]:
    """Run a pipeline over every frame of a video (or a still image) and summarise; with ``max_duration_s`` stop
    after that many seconds of video and say so in the summary.

    ``pipeline_factory(is_image)`` builds the pipeline (IMAGE mode for stills). With ``out`` (a .mp4 or .webm path) each
    frame, drawn on by ``annotate``, is written to a browser-playable video. Raises ``InputError`` for bad files.
    """
    source = VideoSource(path)
    pipeline = pipeline_factory(source.info.is_image)
    writer = AnnotatedVideoWriter(out, source.info.output_fps) if out else None
    results: list[FrameResult] = []
    started = time.perf_counter()
    cut_at: float | None = None
    kept = False
    try:
        for frame in source:
            if max_duration_s is not None and frame.timestamp_s >= max_duration_s:
                cut_at = max_duration_s
                break
            result = pipeline.process(frame.image, frame.timestamp_s)
            results.append(result)
            if writer is not None:
                writer.write(annotate(frame.image, result) if annotate else frame.image)
            if progress is not None:
                progress(len(results), source.info.frame_count)
        kept = True
    finally:
        if writer is not None:
            writer.close(keep=kept)  # a failed analysis leaves no half video (and an old one intact)
    elapsed = time.perf_counter() - started
    summary = summarise(str(path), results, source.info.fps, elapsed)
    if len(results) == 1 and not source.info.is_image:
        summary.messages.insert(0, MSG_ONE_FRAME)
    elif source.timing_note:  # an unbelievable frame rate, or a raw stream: how it was timed instead
        summary.messages.insert(0, source.timing_note)
    if cut_at is not None:
        total = source.info.duration_s
        summary.messages.insert(
            0,
            f"The recording is longer than {_span(cut_at)}"
            f"{f' ({_span(total)})' if math.isfinite(total) else ''}: only the first "
            f"{_span(cut_at)} were analysed. Trim it to the exercise.",
        )
    elif source.truncated:
        summary.messages.insert(
            0,
            f"The file looks cut off or damaged: only {source.decoded_until_s:.1f} s of its "
            f"{source.info.duration_s:.1f} s could be decoded; the results cover that part.",
        )
    return results, summary


def _span(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"
