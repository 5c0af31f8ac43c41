"""Memory over a long live session: drive ``LiveProcessor`` (the live page's worker) with a synthetic stream and
report memory at the start and the end, the way the live socket drives it (one frame at a time, each answered).

    .venv/bin/python bench/soak.py                    # 30 min of frames at 10 fps, synthetic poses (no model)
    .venv/bin/python bench/soak.py --model lite       # the real landmarker on a looped real clip (../shared)

Time is the frames' own (``i / fps``), so 30 minutes of frames take far less than 30 minutes to run.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from formcheck.app.history import History  # noqa: E402
from formcheck.app.live import LiveProcessor  # noqa: E402

LOG = logging.getLogger("soak")


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc), MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@dataclass
class SoakResult:
    frames: int
    minutes: float
    rss_start_mib: float  # after warm-up
    rss_end_mib: float
    traced_start_mib: float  # Python allocations (tracemalloc) still held, ``warmup_frames`` after tracing began
    traced_end_mib: float
    traced_from: int  # the frame tracemalloc started at (it triples the worker's cost, so it may watch only the end)
    heap_from: int  # the frame of the heap's start figure
    reps: int
    history_events: int
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"frames {self.frames} ({self.minutes:.0f} min of stream time) in {self.seconds:.0f} s",
            f"RSS       start {self.rss_start_mib:8.1f} MiB   end {self.rss_end_mib:8.1f} MiB   "
            f"growth {self.rss_end_mib - self.rss_start_mib:+.1f} MiB",
            f"Python    start {self.traced_start_mib:8.2f} MiB   end {self.traced_end_mib:8.2f} MiB   "
            f"growth {self.traced_end_mib - self.traced_start_mib:+.2f} MiB "
            f"(frames {self.heap_from}-{self.frames}; traced from {self.traced_from})",
            f"reps counted {self.reps}, events in the history {self.history_events}",
        ]


class Worker(Protocol):
    """What the soak drives: ``LiveProcessor``'s two calls (a test may stand in its own)."""

    def process(self, image: np.ndarray, t: float) -> Any: ...

    def close(self) -> None: ...


def soak(
    make: Callable[[History], Worker],
    frames: Iterator[tuple[np.ndarray, float]],
    db: Path,
    warmup_frames: int = 600,
    traced_from: int = 0,
) -> SoakResult:
    """Feed ``frames`` to the processor ``make(history)`` builds. RSS is taken after ``warmup_frames`` and at the
    end. Python's own allocations are traced from frame ``traced_from`` on, and their start figure is taken
    ``warmup_frames`` later, when the worker's rolling buffers hold only traced frames: the growth is then what the
    frames after it kept, as if traced from the start."""
    if traced_from < 0:
        raise ValueError(f"traced_from must be >= 0, got {traced_from}")
    heap_from = traced_from + warmup_frames
    history = History(db)
    proc = make(history)
    started = time.perf_counter()
    n, reps, rss_start, traced_start, t, t_first = 0, 0, 0.0, 0.0, 0.0, None
    if traced_from == 0:
        tracemalloc.start()
    try:
        for img, t in frames:
            t_first = t if t_first is None else t_first
            reps += proc.process(img, t).events.count("rep")
            n += 1
            if n == traced_from:
                tracemalloc.start()
            if n == warmup_frames:
                gc.collect()
                rss_start = rss_mib()
            if n == heap_from:
                gc.collect()
                traced_start = tracemalloc.get_traced_memory()[0] / 2**20
        gc.collect()
        rss_end = rss_mib()
        if n < heap_from:
            raise ValueError(f"the stream had {n} frames, too few to trace from frame {traced_from}")
        traced_end = tracemalloc.get_traced_memory()[0] / 2**20
    finally:
        tracemalloc.stop()
        proc.close()
    logged = sum(s.reps + s.holds + s.faults for s in history.sessions())
    return SoakResult(
        n,
        (t - (t_first or t)) / 60,
        rss_start,
        rss_end,
        traced_start,
        traced_end,
        traced_from,
        heap_from,
        reps,
        logged,
        time.perf_counter() - started,
    )


def synthetic_frames(
    minutes: float, fps: float, size: tuple[int, int] = (160, 120)
) -> Iterator[tuple[np.ndarray, float]]:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    for i in range(int(minutes * 60 * fps)):
        yield img, 1000.0 + i / fps  # a webcam clock does not start at 0


def clip_images() -> list[np.ndarray]:
    """Every third frame of a real march clip, as a 640x480 webcam gives them (held for the whole run, so the
    buffer is in both the start and the end figure)."""
    from formcheck.media.video import VideoSource, letterbox

    clip = ROOT.parent / "shared" / "media" / "standing_knee_lift_march__oblique__skatefit.mp4"
    return [letterbox(f.image, 640, 480) for f in VideoSource(clip)][::3]


def clip_frames(images: list[np.ndarray], minutes: float, fps: float) -> Iterator[tuple[np.ndarray, float]]:
    for i in range(int(minutes * 60 * fps)):
        k = i % (2 * len(images) - 2)  # play forwards then backwards: no jump
        yield images[k if k < len(images) else 2 * len(images) - 2 - k], 1000.0 + i / fps


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--model", choices=["synthetic", "lite", "full"], default="synthetic")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.model == "synthetic":
            from tests.factory import MarchingEstimator

            result = soak(
                lambda h: LiveProcessor("standing_march", history=h, estimator_factory=MarchingEstimator),
                synthetic_frames(args.minutes, args.fps),
                Path(tmp) / "h.sqlite",
            )
        else:
            images = clip_images()
            result = soak(
                lambda h: LiveProcessor("standing_march", model=args.model, history=h),
                clip_frames(images, args.minutes, args.fps),
                Path(tmp) / "h.sqlite",
            )
    LOG.info("soak: %s estimator, LiveProcessor('standing_march'), history on", args.model)
    for line in result.lines():
        LOG.info("%s", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
