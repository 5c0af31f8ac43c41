"""Speed benchmark: raw MediaPipe landmarker vs the whole formcheck pipeline, on the same clip, in one run.

    python bench/bench.py [VIDEO] [--model full|lite] [--frames N]

Prints ms/frame (median, p95) for: decode only; the raw landmarker alone (VIDEO mode, on frames decoded beforehand);
formcheck's per-frame work without the landmarker (smoothing + angles + view + drawing); the whole pipeline as the
CLI runs it (decode + pose + smoothing + angles + drawing + H.264 encoding); and the overhead ratio over the raw
landmarker. Figures are measured, never asserted: this is not a test.
"""
from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.angles import compute_angles  # noqa: E402
from formcheck.draw import draw_angle_labels, draw_skeleton  # noqa: E402
from formcheck.pipeline import FramePipeline, analyse_file  # noqa: E402
from formcheck.pose import PoseEstimator  # noqa: E402
from formcheck.smoothing import PoseSmoother  # noqa: E402
from formcheck.video import VideoSource  # noqa: E402
from formcheck.view import camera_view, near_side  # noqa: E402

LOG = logging.getLogger("bench")
DEFAULT_CLIP = ROOT.parent / "shared" / "media" / "kneeling_hip_flexor_stretch__side__skatefit.mp4"


def stats(ms: list[float]) -> str:
    return f"median {statistics.median(ms):6.2f} ms  p95 {float(np.percentile(ms, 95)):6.2f} ms"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("video", nargs="?", default=str(DEFAULT_CLIP))
    ap.add_argument("--model", choices=("full", "lite"), default="full")
    ap.add_argument("--frames", type=int, default=300, help="frames to use (from the start)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    frames = []
    decode_ms = []
    for f in VideoSource(args.video):
        frames.append(f)
        decode_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        if len(frames) >= args.frames:
            break
    h, w = frames[0].image.shape[:2]
    LOG.info("clip %s: %d frames of %dx%d, model %s", Path(args.video).name, len(frames), w, h, args.model)

    raw_ms, poses = [], []
    with PoseEstimator(args.model) as est:
        for f in frames:
            t = time.perf_counter()
            poses.append(est(f.image, f.timestamp_s))
            raw_ms.append((time.perf_counter() - t) * 1000)

    own_ms = []
    smoother = PoseSmoother()
    for f, p in zip(frames, poses):
        t = time.perf_counter()
        sp = smoother.update(p, f.timestamp_s)
        if sp is not None:
            a = compute_angles(sp)
            camera_view(sp), near_side(sp)
            img = f.image.copy()
            draw_skeleton(img, sp)
            draw_angle_labels(img, sp, a, ("left_knee", "right_knee", "left_hip", "right_hip"))
        own_ms.append((time.perf_counter() - t) * 1000)

    import tempfile

    with tempfile.TemporaryDirectory() as tmp, PoseEstimator(args.model) as est:
        def factory(_is_image: bool) -> FramePipeline:
            return FramePipeline(est, PoseSmoother())

        def annotate(img, r):
            img = img.copy()
            if r.pose is not None:
                draw_skeleton(img, r.pose)
            return img

        sub = Path(tmp) / "clip.mp4"
        _cut(args.video, sub, len(frames))
        t = time.perf_counter()
        results, summary = analyse_file(sub, factory, out=Path(tmp) / "out.mp4", annotate=annotate)
        whole_s = time.perf_counter() - t
    whole_ms = whole_s * 1000 / len(results)
    raw_med = statistics.median(raw_ms)
    clip_s = summary.duration_s

    print(f"decode only              {stats(decode_ms)}")
    print(f"raw landmarker ({args.model:4s})    {stats(raw_ms)}")
    print(f"formcheck own work       {stats(own_ms)}  ({statistics.median(own_ms) / raw_med:.1%} of raw landmarker)")
    print(f"whole pipeline (file)    mean   {whole_ms:6.2f} ms/frame  {1000 / whole_ms:5.1f} fps  "
          f"{clip_s / whole_s:4.2f}x real time")
    print(f"whole / raw landmarker   {whole_ms / raw_med:.2f}x")
    print(f"peak RSS                 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


def _cut(src: str, dst: Path, n: int) -> None:
    """Re-encode the first n frames (so the whole-pipeline run reads the same frames from a file)."""
    from formcheck.video import AnnotatedVideoWriter

    src_info = VideoSource(src).info
    with AnnotatedVideoWriter(dst, src_info.fps or 30.0, max_side=10_000) as w:
        for i, f in enumerate(VideoSource(src)):
            if i >= n:
                break
            w.write(f.image)


if __name__ == "__main__":
    sys.exit(main())
