"""Reading frames with their timestamps from files, and writing annotated video that plays in a browser.

Supported input: anything OpenCV's FFmpeg backend decodes (mp4, mov, webm, avi, mkv, gif...) and still images
(jpg, png, bmp, webp) as a one-frame source. Output: H.264 in MP4 or VP9 in WebM, which browsers play
(OpenCV's mp4v does not play in browsers, and its VP9 writer is too slow for long recordings).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # FFmpeg's own stderr chatter; problems surface as InputError

import av
import cv2
import numpy as np

from formcheck.errors import InputError, OutputError
from formcheck.files import AtomicTarget

# OpenCV's own error lines (e.g. "Could not find decoder"); problems surface as InputError
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

LOG = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".gif", ".mpg", ".mpeg", ".wmv"})
_TEXT_BYTES = bytes(range(32, 127)) + b"\n\r\t\f\b"
FPS_RANGE = (1.0, 240.0)  # frame rates a camera records at; outside it a header or timestamps are not believed
ASSUMED_FPS = 30.0  # the rate assumed (and said so) when neither the header nor the timestamps give a usable one
MAX_VIDEO_SIDE = 4096  # pixels on a video's long side (4K); larger ones are refused, keeping memory bounded
RAW_FORMATS = frozenset({"h264", "hevc", "mjpeg", "m4v", "mpegvideo", "rawvideo", "cavsvideo", "vc1"})
PROBE_PACKETS = 120  # packets whose timestamps are compared with the header's rate


@dataclass(frozen=True)
class Frame:
    """One decoded frame. ``image``: (H, W, 3) uint8 BGR. ``timestamp_s``: from the stream's timestamps."""

    image: np.ndarray
    timestamp_s: float
    index: int


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frame_count: int  # as the container claims; may be 0 or wrong for some formats
    is_image: bool

    @property
    def output_fps(self) -> float:
        """The rate to write an annotated copy at: the source's, or 30 where it is missing or outside the writer's
        range (0, 240]."""
        return self.fps if 0 < self.fps <= 240 else 30.0

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 and self.frame_count > 0 else float("nan")


def _sniff(path: Path) -> None:
    """Raise InputError for files that are clearly not media, before handing them to a decoder."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name}: the file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(512)
    if head and all(b in _TEXT_BYTES for b in head):
        raise InputError(f"{path.name}: this is a text file, not a video or image")


class VideoSource:
    """Iterate ``Frame``s of a video file (or one frame of a still image) with timestamps in seconds.

    Timestamps come from the container (CAP_PROP_POS_MSEC), so variable-frame-rate files keep real time; where a
    container gives none, ``index / fps`` is used. They are made strictly increasing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.frames_decoded = 0
        self.decoded_until_s = 0.0
        _sniff(self.path)
        self._still: np.ndarray | None = None
        self.use_stamps, self.timing_note = True, None  # see plan_timing
        if self.path.suffix.lower() in IMAGE_SUFFIXES:
            img = cv2.imread(str(self.path), cv2.IMREAD_COLOR)
            if img is None:
                raise InputError(f"{self.path.name}: the image could not be decoded (corrupt or unsupported)")
            h, w = img.shape[:2]
            if max(h, w) > MAX_VIDEO_SIDE:  # a 48-megapixel photo: keep what follows (drawing, the model) bounded
                scale = MAX_VIDEO_SIDE / max(h, w)
                img = cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
                h, w = img.shape[:2]
            self._still = img
            self.info = VideoInfo(w, h, 0.0, 1, True)
            return
        cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        opened = cap.isOpened()
        self.info = VideoInfo(
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(cap.get(cv2.CAP_PROP_FPS) or 0.0),
            max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)),
            False,
        )
        cap.release()
        if not opened:
            self.info = self._probe_pyav()
        if self.info.width <= 0 or self.info.height <= 0:
            raise InputError(f"{self.path.name}: the video has no picture (no video stream found)")
        if max(self.info.width, self.info.height) > MAX_VIDEO_SIDE:
            raise InputError(
                f"{self.path.name} is {self.info.width}x{self.info.height} pixels; formcheck reads videos up to "
                f"{MAX_VIDEO_SIDE} pixels on the long side (4K). Export it at 1080p: that is plenty for the pose model."
            )
        stamp_fps, raw = probe_timestamps(self.path)
        fps, self.use_stamps, self.timing_note = plan_timing(self.info.fps, stamp_fps, raw)
        self.info = replace(self.info, fps=fps)

    def __iter__(self) -> Iterator[Frame]:
        if self._still is not None:
            yield Frame(self._still, 0.0, 0)
            return
        fps = self.info.fps  # plausible: plan_timing made it so
        yield from self._timed(self._opencv_images(), fps)
        if self.frames_decoded == 0:  # OpenCV's FFmpeg lacks some decoders (e.g. AV1): try PyAV's
            LOG.info("%s: OpenCV decoded no frame; trying PyAV", self.path.name)
            yield from self._timed(self._pyav_images(), fps)
        if self.frames_decoded == 0:
            codec = video_codec(self.path)
            if codec is not None and _has_decoder(codec):
                raise InputError(f"{self.path.name}: no frame could be decoded: the video data ({codec}) is damaged.")
            raise InputError(
                f"{self.path.name}: the video codec ({codec or 'unknown'}) is not supported. "
                "Re-export it as an H.264 MP4."
            )

    def _probe_pyav(self) -> VideoInfo:
        """Size and rate from PyAV when OpenCV cannot open the file; raise a specific InputError when it is not a
        video at all or its codec cannot be decoded."""
        try:
            with av.open(str(self.path)) as container:
                if not container.streams.video:
                    raise InputError(f"{self.path.name}: the file has no video stream (audio only?)")
                stream = container.streams.video[0]
                codec = video_codec(self.path)
                if codec is None:
                    raise InputError(
                        f"{self.path.name}: the video codec is not supported (unknown to FFmpeg). "
                        "Re-export it as an H.264 MP4."
                    )
                rate = float(stream.average_rate or stream.guessed_rate or 0.0)
                return VideoInfo(stream.codec_context.width, stream.codec_context.height, rate, stream.frames, False)
        except av.FFmpegError:
            raise InputError(
                f"{self.path.name}: not a readable video (corrupt, truncated or an unsupported format)"
            ) from None

    def _timed(self, images: Iterator[tuple[np.ndarray, float]], fps: float) -> Iterator[Frame]:
        """Frames with strictly increasing timestamps; a missing or repeated one becomes ``index / fps``."""
        last_t, index = -1.0, 0
        for image, stamp in images:
            t = stamp if self.use_stamps else np.nan
            if not np.isfinite(t) or t <= last_t or (t == 0.0 and index > 0):
                t = max(index / fps, last_t + 1e-3)
            last_t = t
            yield Frame(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image, t, index)
            index += 1
            self.frames_decoded, self.decoded_until_s = index, t + 1.0 / fps

    def _opencv_images(self) -> Iterator[tuple[np.ndarray, float]]:
        """OpenCV applies the rotation a phone stores in the file's metadata (portrait video comes out upright)."""
        cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        try:
            while True:
                ok, img = cap.read()
                if not ok or img is None:
                    return
                yield img, cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        finally:
            cap.release()

    def _pyav_images(self) -> Iterator[tuple[np.ndarray, float]]:
        try:
            with av.open(str(self.path)) as container:
                for frame in container.decode(video=0):
                    yield frame.to_ndarray(format="bgr24"), float(frame.time) if frame.time is not None else np.nan
        except (av.FFmpegError, ValueError, IndexError) as exc:  # IndexError: no video stream
            LOG.info("%s: PyAV could not decode it either: %s", self.path.name, exc)

    @property
    def truncated(self) -> bool:
        """After iterating: True when decoding stopped well before the container's stated duration (a cut-off or
        damaged file), so results cover only part of the recording."""
        expected = self.info.duration_s
        return bool(
            not self.info.is_image
            and np.isfinite(expected)
            and self.frames_decoded > 0
            and self.decoded_until_s < 0.9 * expected - 0.1
        )


def plan_timing(header_fps: float, stamp_fps: float | None, raw: bool) -> tuple[float, bool, str | None]:
    """How to time a video's frames: (frame rate, whether to use the container's timestamps, a note for the person or
    None). A rate outside ``FPS_RANGE`` is not believed; the timestamps win over the header when they disagree; with
    neither usable (or a raw stream, which has no timing at all) a rate is assumed and the note says so."""
    low, high = FPS_RANGE
    header_ok = low <= header_fps <= high
    stamps_ok = stamp_fps is not None and low <= stamp_fps <= high
    if raw:
        fps = header_fps if header_ok else ASSUMED_FPS
        return (
            fps,
            False,
            (
                f"The file is a raw video stream with no timing: it was timed at {fps:g} fps (assumed), so times "
                "and holds are right only if it was recorded at that rate."
            ),
        )
    if header_ok and (stamp_fps is None or max(header_fps, stamp_fps) <= 1.5 * min(header_fps, stamp_fps)):
        return header_fps, True, None
    if stamps_ok:
        assert stamp_fps is not None
        return (
            stamp_fps,
            True,
            (
                f"The file's header gives {_rate(header_fps)} fps but its frame timestamps say {_rate(stamp_fps)} fps: "
                "it was timed by its timestamps."
            ),
        )
    if header_ok:
        return (
            header_fps,
            False,
            (
                f"The file's frame timestamps ({_rate(stamp_fps)} fps) are not believable: it was timed at the "
                f"header's {_rate(header_fps)} fps."
            ),
        )
    return (
        ASSUMED_FPS,
        False,
        (
            f"The file gives no believable frame rate (header {_rate(header_fps)} fps"
            f"{f', timestamps {_rate(stamp_fps)} fps' if stamp_fps is not None else ''}): it was timed at "
            f"{ASSUMED_FPS:g} fps (assumed), so times and holds are right only if it was recorded at that rate."
        ),
    )


def _rate(fps: float | None) -> str:
    return "none" if fps is None else f"{fps:.3g}" if fps < 1000 else f"{fps:.0f}"


def probe_timestamps(path: Path) -> tuple[float | None, bool]:
    """(the frame rate the first packets' timestamps imply, or None; whether the file is a raw stream without a
    container). Reads packets only, no decoding."""
    try:
        with av.open(str(path)) as container:
            raw = bool(set(container.format.name.split(",")) & RAW_FORMATS)
            stream = container.streams.video[0]
            times = []
            for packet in container.demux(stream):
                if packet.pts is not None and packet.time_base is not None:
                    times.append(float(packet.pts * packet.time_base))
                if len(times) >= PROBE_PACKETS:
                    break
    except (av.FFmpegError, ValueError, IndexError):
        return None, False
    steps = np.diff(np.unique(times))
    return (1.0 / float(np.median(steps)) if len(steps) else None), raw


def _has_decoder(codec: str) -> bool:
    try:
        av.codec.Codec(codec, "r")
        return True
    except (av.codec.codec.UnknownCodecError, ValueError):
        return False


def video_codec(path: str | Path) -> str | None:
    """The name of the first video stream's codec as FFmpeg reports it (None when the file cannot be parsed)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            return stream.codec_context.name if stream.codec_context is not None else None
    except (av.FFmpegError, ValueError, IndexError):
        return None
    except Exception as exc:  # an unknown codec id makes PyAV raise while building the codec context
        LOG.info("%s: codec not identified: %s", Path(path).name, exc)
        return None


class AnnotatedVideoWriter:
    """Write BGR frames to a video that browsers play: ``.mp4`` -> H.264 (yuv420p, faststart), ``.webm`` -> VP9.

    Encoding runs in a background thread (PyAV releases the GIL), so it overlaps with pose inference. Frames larger
    than ``max_side`` pixels on their long side are scaled down; the frame size is fixed by the first frame.
    """

    CODECS: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {
        ".mp4": ("libx264", {"preset": "veryfast", "crf": "26", "movflags": "+faststart"}),
        ".webm": ("libvpx-vp9", {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "34", "b": "0"}),
    }

    def __init__(self, path: str | Path, fps: float, max_side: int = 1280, queue_size: int = 8) -> None:
        if not 0 < fps <= 240:
            raise ValueError(f"fps must be in (0, 240], got {fps}")
        if max_side < 16:
            raise ValueError(f"max_side must be >= 16 pixels, got {max_side}")
        self.path = Path(path)
        if self.path.suffix.lower() not in self.CODECS:
            raise ValueError(f"path must end in .mp4 (H.264) or .webm (VP9), got {self.path.name}")
        self.fps, self.max_side = fps, max_side
        self.frames_written = 0
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._size: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None
        self._target: AtomicTarget | None = None  # the temporary file, renamed to ``path`` by a clean close()

    def _open(self, w: int, h: int) -> tuple[av.container.OutputContainer, av.video.stream.VideoStream]:
        codec, options = self.CODECS[self.path.suffix.lower()]
        container_opts = {k: v for k, v in options.items() if k == "movflags"}
        assert self._target is not None  # made by the first write(), before this thread starts
        container = av.open(str(self._target.tmp), "w", options=container_opts)
        stream = container.add_stream(codec, rate=Fraction(self.fps).limit_denominator(1001))
        assert isinstance(stream, av.video.stream.VideoStream)  # a video codec always gives a video stream
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {k: v for k, v in options.items() if k != "movflags"}
        return container, stream

    def _run(self, w: int, h: int) -> None:
        try:
            container, stream = self._open(w, h)
            try:
                while (image := self._queue.get()) is not None:
                    for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                        container.mux(packet)
                for packet in stream.encode():
                    container.mux(packet)
            finally:
                container.close()
        except Exception as exc:
            self._error = exc
            while self._queue.get() is not None:  # drain so write() never blocks
                pass

    def write(self, image: np.ndarray) -> None:
        if self._size is None:
            h, w = image.shape[:2]
            scale = min(1.0, self.max_side / max(w, h))
            self._size = (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))  # yuv420p: even sizes
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._target = AtomicTarget(self.path)  # never a half-written file at ``path``
            self._thread = threading.Thread(target=self._run, args=self._size, name="video-writer", daemon=True)
            self._thread.start()
        if image.shape[1::-1] != self._size:
            image = cv2.resize(image, self._size, interpolation=cv2.INTER_AREA)
        self._queue.put(np.ascontiguousarray(image))
        self.frames_written += 1

    def close(self, keep: bool = True) -> None:
        """Finish the video and move it into place; on an error, or with ``keep=False`` (the analysis failed), the
        temporary file goes and ``path`` is untouched (an OutputError says why)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        target, self._target = self._target, None
        if self._error is not None or not keep:
            if target is not None:
                target.discard()
            if not keep:
                return
            raise OutputError(f"could not write {self.path.name}: {self._error}")
        if target is not None:
            target.commit()

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def letterbox(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to fit ``width`` x ``height`` without distortion, centred on black."""
    h, w = image.shape[:2]
    s = min(height / h, width / w)
    small = cv2.resize(image, (max(2, int(w * s) // 2 * 2), max(2, int(h * s) // 2 * 2)))
    canvas = np.zeros((height, width, 3), np.uint8)
    y0, x0 = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    return canvas


MAX_ENCODED_IMAGE_BYTES = 4 * 2**20  # a camera frame sent as JPEG; 640x480 is ~40 kB


def decode_image(data: bytes, max_side: int = 1920) -> np.ndarray | None:
    """A JPEG / PNG / WebP image (a camera frame from the browser) as a BGR array, or None when it is not one.
    Images larger than ``max_side`` on their long side are refused (None): a camera frame never is."""
    if not data or len(data) > MAX_ENCODED_IMAGE_BYTES:
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or max(image.shape[:2]) > max_side:
        return None
    return image


def write_y4m(
    images: Iterator[np.ndarray], path: str | Path, width: int = 640, height: int = 480, fps: int = 30
) -> int:
    """Write BGR images, letterboxed, as YUV4MPEG2: what Chromium's fake camera reads (for browser tests and demos).
    Returns the number of frames written."""
    n = 0
    with Path(path).open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for image in images:
            out.write(b"FRAME\n" + cv2.cvtColor(letterbox(image, width, height), cv2.COLOR_BGR2YUV_I420).tobytes())
            n += 1
    return n
