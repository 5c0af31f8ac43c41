"""Pose estimation with MediaPipe's PoseLandmarker (Tasks API). The only module that imports mediapipe.

``PoseEstimator`` is a callable: ``estimator(frame_bgr, timestamp_s) -> Pose | None``. It runs in VIDEO mode (tracking
across frames; timestamps must increase, which it enforces) for streams and files, or IMAGE mode for stills.
"""

from __future__ import annotations

import logging
import os
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from formcheck import settings
from formcheck.errors import ModelError
from formcheck.landmarks import Pose
from formcheck.pose import exposure

os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ INFO/WARNING lines off the user's terminal

import mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision

LOG = logging.getLogger(__name__)

Variant = Literal["lite", "full"]
Mode = Literal["video", "image"]
VARIANTS: tuple[str, ...] = ("lite", "full")
_BUNDLE_ENTRIES = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
MODEL_MAX_SIDE = 1280  # frames larger than this (long side) are scaled down before the model: it works at 256 px
QUIET_CALLS = 3  # MediaPipe prints its start-up warnings while loading and on the first frames
_native_logs = False  # MediaPipe / TFLite's own stderr lines: hidden unless show_native_logs(True) (CLI --verbose)


def show_native_logs(show: bool) -> None:
    """Let MediaPipe's and TFLite's C++ log lines (INFO / W0000 ...) through to stderr (hidden by default)."""
    global _native_logs
    _native_logs = show


@contextmanager
def _native_stderr_hidden() -> Iterator[None]:
    """Point the process's stderr (file descriptor 2, where C++ code writes) at /dev/null for the block, unless
    native logs are shown. Python's own messages are flushed first and go through again afterwards."""
    if _native_logs:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def model_path(variant: Variant = "full") -> Path:
    """Path of the shipped model bundle, found relative to the package (``FORMCHECK_MODELS_DIR`` overrides)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return settings.models_dir() / f"pose_landmarker_{variant}.task"


def check_model_file(path: Path) -> None:
    """Raise ModelError with a specific message if ``path`` is not a usable .task bundle."""
    if not path.is_file():
        raise ModelError(
            f"pose model not found at {path}; the repository ships it under models/ "
            f"(rebuild with scripts/build_models.py)"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"pose model {path} is corrupt ({exc}); rebuild with scripts/build_models.py") from exc
    if not _BUNDLE_ENTRIES <= names:
        raise ModelError(
            f"pose model {path} lacks {sorted(_BUNDLE_ENTRIES - names)}; rebuild with scripts/build_models.py"
        )


class PoseEstimator:
    """BlazePose landmarker as a callable: preprocess (BGR -> RGB mp.Image), inference, postprocess (-> Pose).

    A picture whose person is more than a stop under-exposed is brightened first (``formcheck.pose.exposure``: the
    light is measured in the box around the person of the previous frame); ``gain`` is what the last frame got.

    Args:
        variant: "lite" (faster) or "full" (more accurate).
        mode: "video" for streams and files (tracking; needs increasing timestamps) or "image" for stills.
        max_people: how many people the model looks for. With 2, a second person is noticed (``Pose.n_people``)
            and the largest person is returned.
        min_detection_confidence, min_tracking_confidence: MediaPipe's thresholds, each in [0, 1].
        model: explicit path to a .task bundle (defaults to the shipped one for ``variant``).
    """

    def __init__(
        self,
        variant: Variant = "full",
        mode: Mode = "video",
        max_people: int = 2,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        model: Path | None = None,
    ) -> None:
        if mode not in ("video", "image"):
            raise ValueError(f"mode must be 'video' or 'image', got {mode!r}")
        if not 1 <= max_people <= 5:
            raise ValueError(f"max_people must be in [1, 5], got {max_people}")
        for name, value in (
            ("min_detection_confidence", min_detection_confidence),
            ("min_tracking_confidence", min_tracking_confidence),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        path = Path(model) if model is not None else model_path(variant)
        check_model_file(path)
        self.mode: Mode = mode
        self.variant = variant
        self._last_ms = -1
        self._offset_ms = 0  # added to a stream's timestamps, so one landmarker can serve recording after recording
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE,
            num_poses=max_people,
            min_pose_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._calls = 0
        self._box: exposure.Box | None = None  # the last person's box, where the light on them is measured
        self.gain = 1.0  # the brightness gain the last frame was given (exposure.gain_for)
        try:
            with _native_stderr_hidden():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"pose model {path} could not be loaded: {exc}") from exc

    def __call__(self, frame_bgr: np.ndarray, timestamp_s: float) -> Pose | None:
        _check_frame(frame_bgr)
        gain = exposure.gain_for(exposure.highlight_level(frame_bgr, self._box))
        if (gain == 1.0) != (self.gain == 1.0):
            LOG.debug("%.2f s: the picture is %s", timestamp_s, f"brightened x{gain:.1f}" if gain > 1 else "lit again")
        self.gain = gain
        image = self.preprocess(frame_bgr, self.gain)
        if self._calls < QUIET_CALLS:
            self._calls += 1
            with _native_stderr_hidden():
                result = self.inference(image, timestamp_s)
        else:
            result = self.inference(image, timestamp_s)
        pose = self.postprocess(result, (frame_bgr.shape[1], frame_bgr.shape[0]), timestamp_s)
        if pose is not None and self.mode == "video":  # the next frame's light is measured where this person was
            self._box = exposure.person_box(pose) or self._box
        return pose

    @staticmethod
    def preprocess(frame_bgr: np.ndarray, gain: float = 1.0) -> mp.Image:
        """BGR frame -> the model's RGB image: at most MODEL_MAX_SIDE on its long side, brightened by ``gain``."""
        _check_frame(frame_bgr)
        h, w = frame_bgr.shape[:2]
        if max(h, w) > MODEL_MAX_SIDE:  # landmarks come back normalised, so the original size is kept for free
            scale = MODEL_MAX_SIDE / max(h, w)
            frame_bgr = cv2.resize(frame_bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        frame_bgr = exposure.brighten(frame_bgr, gain)
        rgb = np.ascontiguousarray(frame_bgr[:, :, ::-1])
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)

    def inference(self, image: mp.Image, timestamp_s: float) -> vision.PoseLandmarkerResult:
        if self.mode == "image":
            return self._landmarker.detect(image)
        ts_ms = max(self._offset_ms + int(round(timestamp_s * 1000.0)), self._last_ms + 1)  # strictly increasing
        self._last_ms = ts_ms
        return self._landmarker.detect_for_video(image, ts_ms)

    def new_stream(self, gap_s: float = 1.0) -> None:
        """Start another recording on the same landmarker (the model stays loaded): its timestamps, which start
        again from 0, are shifted to ``gap_s`` after the last frame seen, as VIDEO mode needs increasing time. Measured
        on real clips: the landmarks of a recording are then the same as with a fresh landmarker."""
        self._offset_ms = self._last_ms + 1 + int(round(gap_s * 1000.0))
        self._box = None

    @staticmethod
    def postprocess(
        result: vision.PoseLandmarkerResult, image_size: tuple[int, int], timestamp_s: float
    ) -> Pose | None:
        people = result.pose_landmarks or []
        if not people:
            return None
        worlds = result.pose_world_landmarks or [None] * len(people)
        areas = [_bbox_area(p) for p in people]
        best = int(np.argmax(areas))
        return Pose.from_mediapipe(people[best], worlds[best], image_size, timestamp_s, n_people=len(people))

    def close(self) -> None:
        if getattr(self, "_landmarker", None) is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # MediaPipe's own __del__ fails at interpreter exit; close while modules live
        try:
            self.close()
        except Exception:
            pass


def _check_frame(frame_bgr: np.ndarray) -> None:
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.dtype != np.uint8:
        raise ValueError(f"frame_bgr must be a uint8 array of shape (H, W, 3), got {frame_bgr.dtype} {frame_bgr.shape}")


def _bbox_area(landmarks: list) -> float:
    xs = [p.x for p in landmarks]
    ys = [p.y for p in landmarks]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))
