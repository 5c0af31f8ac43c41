"""Speed benchmark: raw MediaPipe landmarker vs formcheck, on the same clip, in one run.

    python bench/bench.py [VIDEO] [--models full lite] [--frames N] [--upload CLIP] [--exercise NAME]

For each model: the raw landmarker alone (VIDEO mode, on frames decoded beforehand), ms/frame median and p95;
formcheck's own per-frame work (smoothing + angles + view + exercise checker + drawing) and its share of the
landmarker's cost; then the upload path end to end on a whole clip (decode + pose + angles + checker + drawing +
H.264 encoding in a background thread) as frames/s and multiple of real time, and the process's peak memory.
Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.app.recording import analyse_recording, apply_session, render_annotated  # noqa: E402
from formcheck.checking.session import ExerciseSession  # noqa: E402
from formcheck.exercises import get  # noqa: E402
from formcheck.media.draw import annotate  # noqa: E402
from formcheck.media.video import VideoSource  # noqa: E402
from formcheck.pose.estimator import PoseEstimator  # noqa: E402
from formcheck.pose.measure import frame_result  # noqa: E402
from formcheck.pose.smoothing import PoseSmoother  # noqa: E402

LOG = logging.getLogger("bench")
MEDIA = ROOT.parent / "shared" / "media"


def stats(ms: list[float]) -> str:
    return f"median {statistics.median(ms):6.2f} ms  p95 {float(np.percentile(ms, 95)):6.2f} ms"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_frame(frames, model: str, exercise: str) -> None:
    raw_ms, poses = [], []
    with PoseEstimator(model) as est:
        for f in frames:
            t = time.perf_counter()
            poses.append(est(f.image, f.timestamp_s))
            raw_ms.append((time.perf_counter() - t) * 1000)
    own_ms = []
    smoother, session = PoseSmoother(), ExerciseSession(get(exercise))
    for i, (f, p) in enumerate(zip(frames, poses)):
        t = time.perf_counter()
        r = frame_result(smoother.update(p, f.timestamp_s), f.timestamp_s, i, p)
        r.feedback = session.step(r)
        annotate(f.image, r)
        own_ms.append((time.perf_counter() - t) * 1000)
    ratio = statistics.median(own_ms) / statistics.median(raw_ms)
    print(f"[{model}] raw landmarker      {stats(raw_ms)}  {1000 / statistics.median(raw_ms):5.1f} fps")
    print(f"[{model}] formcheck own work  {stats(own_ms)}  = {ratio:.1%} of the raw landmarker")


def upload(path: Path, model: str, exercise: str) -> None:
    """The CLI's single pass (pose, checker and drawing together), then the app's path: pose once, then the checker
    over the results and a second decode to draw (what lets the app re-check another exercise without the model)."""
    info = VideoSource(path).info
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        results, summary = analyse_recording(
            path, model, out=Path(tmp) / "out.mp4", session=ExerciseSession(get(exercise))
        )
        one_pass = time.perf_counter() - t
        t = time.perf_counter()
        results, summary = analyse_recording(path, model)
        pose = time.perf_counter() - t
        t = time.perf_counter()
        apply_session(results, exercise)
        check = time.perf_counter() - t
        t = time.perf_counter()
        render_annotated(path, results, Path(tmp) / "app.mp4")
        draw = time.perf_counter() - t
    n, dur = len(results), summary.duration_s
    print(f"[{model}] upload {path.name[:40]} ({info.width}x{info.height}, {dur:.1f} s, {n} frames)")
    print(f"[{model}]   CLI single pass        {n / one_pass:5.1f} fps  {dur / one_pass:4.2f}x real time")
    print(
        f"[{model}]   app: pose {pose:5.1f} s + re-check {check:4.2f} s + draw {draw:4.1f} s = "
        f"{dur / (pose + check + draw):4.2f}x real time; another exercise: {check + draw:4.1f} s"
    )


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("video", nargs="?", default=str(MEDIA / "kneeling_hip_flexor_stretch__side__skatefit.mp4"))
    ap.add_argument("--models", nargs="+", choices=("full", "lite"), default=["full", "lite"])
    ap.add_argument("--frames", type=int, default=300, help="frames for the per-frame comparison")
    ap.add_argument(
        "--upload",
        default=str(MEDIA / "warrior1__front_oblique__yogaandyou_trim12-62s.mp4"),
        help="clip for the end-to-end upload path ('' to skip)",
    )
    ap.add_argument("--exercise", default="kneeling_hip_flexor")
    args = ap.parse_args()

    frames, decode_ms, t0 = [], [], time.perf_counter()
    for f in VideoSource(args.video):
        frames.append(f)
        decode_ms.append((time.perf_counter() - t0) * 1000)
        if len(frames) >= args.frames:
            break
        t0 = time.perf_counter()
    h, w = frames[0].image.shape[:2]
    print(f"clip {Path(args.video).name}: {len(frames)} frames of {w}x{h}")
    print(f"decode only              {stats(decode_ms)}")
    for model in args.models:
        per_frame(frames, model, args.exercise)
    del frames
    if args.upload:
        for model in args.models:
            upload(Path(args.upload), model, "warrior_one")
    print(f"peak RSS (whole run)     {rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
