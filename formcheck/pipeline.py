"""One frame in, one result out: pose -> smoothing -> angles -> view, shared by the CLI, file analysis and webcam.

``FramePipeline.process(image, t)`` is the single per-frame entry point; ``analyse_file`` drives it over a file and
returns per-frame results plus a ``Summary``.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from formcheck.angles import compute_angles
from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.quality import image_problem
from formcheck.smoothing import PoseSmoother
from formcheck.video import AnnotatedVideoWriter, VideoSource
from formcheck.view import camera_view, near_side

LOG = logging.getLogger(__name__)


MSG_ONE_FRAME = ("The video holds a single frame: angles are shown, but reps and holds need a recording of the "
                 "movement.")


MSG_MORE_PEOPLE = ("{n} people in view: formcheck follows the largest (nearest) one. For reliable numbers, only the "
                   "person exercising should be in view.")


class Estimator(Protocol):
    def __call__(self, frame_bgr: np.ndarray, timestamp_s: float) -> Pose | None: ...


@dataclass
class FrameResult:
    """What formcheck knows about one frame. ``angles`` holds NaN where a landmark was not visible enough."""

    index: int
    timestamp_s: float
    pose: Pose | None  # smoothed; ``pose.held`` when bridging a short dropout
    detected: bool  # the model found somebody in this very frame
    n_people: int
    angles: dict[str, float] = field(default_factory=dict)
    view: str = "unknown"
    near_side: str | None = None
    feedback: object | None = None  # an exercise checker's Feedback when one is attached
    problem: str | None = None  # nobody found and the picture is too dark / blurred (formcheck.quality)


@dataclass
class Summary:
    source: str
    frames: int
    frames_with_person: int
    frames_multi_person: int
    duration_s: float
    video_fps: float
    processing_fps: float
    landmarks: int = 0  # landmarks per detected person (33 for BlazePose), 0 if nobody was found
    messages: list[str] = field(default_factory=list)

    @property
    def person_fraction(self) -> float:
        return self.frames_with_person / self.frames if self.frames else 0.0


class FramePipeline:
    """Pose estimation, smoothing, angles and view for successive frames of one stream.

    Args:
        estimator: a callable ``(frame_bgr, t) -> Pose | None`` (a ``formcheck.pose.PoseEstimator``).
        smoother: landmark smoother; ``None`` disables smoothing.
        min_visibility: landmarks below this visibility give NaN angles (in [0, 1]).
        checker: optional object with ``step(result) -> feedback`` (an exercise session), called every frame.
    """

    def __init__(self, estimator: Estimator, smoother: PoseSmoother | None = None,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY, checker: object | None = None) -> None:
        if not 0.0 <= min_visibility <= 1.0:
            raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
        self.estimator = estimator
        self.smoother = smoother
        self.min_visibility = min_visibility
        self.checker = checker
        self._index = 0

    def process(self, image: np.ndarray, timestamp_s: float) -> FrameResult:
        raw = self.estimator(image, timestamp_s)
        pose = self.smoother.update(raw, timestamp_s) if self.smoother is not None else raw
        result = frame_result(pose, timestamp_s, self._index, raw, self.min_visibility)
        if raw is None:
            result.problem = image_problem(image)
        self._index += 1
        if self.checker is not None:
            result.feedback = self.checker.step(result)  # type: ignore[attr-defined]
        return result


def frame_result(pose: Pose | None, timestamp_s: float, index: int = 0, raw: Pose | None = None,
                 min_visibility: float = DEFAULT_MIN_VISIBILITY) -> FrameResult:
    """Angles, view and near side of a (smoothed) pose; ``raw`` is the unsmoothed detection (defaults to ``pose``)."""
    detected = raw if raw is not None else (pose if pose is not None and not pose.held else None)
    result = FrameResult(index, timestamp_s, pose, detected is not None, detected.n_people if detected else 0)
    if pose is not None:
        result.angles = compute_angles(pose, min_visibility)
        result.view = camera_view(pose)
        result.near_side = near_side(pose, min_visibility)
    return result


def analyse_file(path: str | Path, pipeline_factory: Callable[[bool], FramePipeline],
                 out: str | Path | None = None, annotate: Callable[[np.ndarray, FrameResult], np.ndarray] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 max_duration_s: float | None = None) -> tuple[list[FrameResult], Summary]:
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
    cut = False
    try:
        for frame in source:
            if max_duration_s is not None and frame.timestamp_s >= max_duration_s:
                cut = True
                break
            result = pipeline.process(frame.image, frame.timestamp_s)
            results.append(result)
            if writer is not None:
                writer.write(annotate(frame.image, result) if annotate else frame.image)
            if progress is not None:
                progress(len(results), source.info.frame_count)
    finally:
        if writer is not None:
            writer.close()
    elapsed = time.perf_counter() - started
    summary = summarise(str(path), results, source.info.fps, elapsed)
    if len(results) == 1 and not source.info.is_image:
        summary.messages.insert(0, MSG_ONE_FRAME)
    if cut:
        total = source.info.duration_s
        summary.messages.insert(0, f"The recording is longer than {_span(max_duration_s)}"
                                   f"{f' ({_span(total)})' if math.isfinite(total) else ''}: only the first "
                                   f"{_span(max_duration_s)} were analysed. Trim it to the exercise.")
    elif source.truncated:
        summary.messages.insert(0, f"The file looks cut off or damaged: only {source.decoded_until_s:.1f} s of its "
                                   f"{source.info.duration_s:.1f} s could be decoded; the results cover that part.")
    return results, summary


def _span(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def summarise(source: str, results: list[FrameResult], video_fps: float, elapsed_s: float) -> Summary:
    frames = len(results)
    with_person = sum(r.detected for r in results)
    multi = sum(r.n_people > 1 for r in results)
    duration = results[-1].timestamp_s + (1.0 / video_fps if video_fps > 0 else 0.0) if results else 0.0
    summary = Summary(source, frames, with_person, multi, duration, video_fps,
                      frames / elapsed_s if elapsed_s > 0 else math.inf)
    summary.landmarks = next((len(r.pose.xy) for r in results if r.detected and r.pose is not None), 0)
    summary.messages = person_messages(results)
    return summary


def person_messages(results: list[FrameResult]) -> list[str]:
    """Plain-language notes about who was seen: nobody, somebody only part of the time, several people."""
    frames = len(results)
    if frames == 0:
        return ["The file holds no frames."]
    seen = [r for r in results if r.detected]
    msgs: list[str] = []
    problems = [r.problem for r in results if r.problem]
    if len(problems) > 0.3 * frames:  # the picture itself is the trouble: say so, with the commonest problem
        worst = max(set(problems), key=problems.count)
        msgs.append(f"{problems.count(worst) / frames:.0%} of frames: {worst}")
    if not seen:
        msgs.append("No person was found in any frame. Make sure your whole body is in view and well lit.")
        return msgs
    share = len(seen) / frames
    if share < 0.9:
        first, last = seen[0].timestamp_s, seen[-1].timestamp_s
        msgs.append(f"A person was found in {share:.0%} of frames (first at {first:.1f} s, last at {last:.1f} s); "
                    f"the rest had nobody in view.")
    gaps = tracking_gaps(results)
    if gaps:
        listed = ", ".join(f"at {start:.1f} s for {length:.1f} s" for start, length in gaps[:3])
        msgs.append(f"Tracking was lost {len(gaps)} time{'s' if len(gaps) > 1 else ''} ({listed}"
                    f"{', ...' if len(gaps) > 3 else ''}); reps and holds pause while nobody is tracked.")
    multi = sum(r.n_people > 1 for r in results)
    if multi > 0.1 * frames:
        msgs.append(f"More than one person was in view in {multi / frames:.0%} of frames; formcheck followed the "
                    f"largest (nearest) person. Analyse one person at a time for reliable numbers.")
    return msgs


def tracking_gaps(results: Sequence[FrameResult], min_gap_s: float = 0.5) -> list[tuple[float, float]]:
    """(start, length) in seconds of each stretch of at least ``min_gap_s`` without a detection, between two
    stretches with one (the person was there, was lost, and was found again)."""
    gaps, lost_at, seen = [], None, False
    for r in results:
        if r.detected:
            if lost_at is not None and seen and r.timestamp_s - lost_at >= min_gap_s:
                gaps.append((lost_at, r.timestamp_s - lost_at))
            seen, lost_at = True, None
        elif lost_at is None:
            lost_at = r.timestamp_s
    return gaps
