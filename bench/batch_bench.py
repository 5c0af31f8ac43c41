"""Batch throughput: the same real clips through ``formcheck batch``'s engines, with the raw landmarker's rate
measured in the same run.

    python bench/batch_bench.py [--clips N] [--model lite|full] [--jobs 2] [--engines serial local dask [ray]]

- raw landmarker: MediaPipe alone (VIDEO mode) on frames decoded beforehand, frames/s (the ceiling per core);
- serial: every clip in this process, one after another (one landmarker, reused);
- local: formcheck's default process pool (``--jobs`` workers, spawned for the run, model loaded once per worker);
- dask: a local Dask cluster of ``--jobs`` single-threaded workers, started for the run (start-up shown apart);
- ray (only when ``ray`` is importable; formcheck does not ship a Ray engine): the same task function as Ray tasks
  on ``ray.init(num_cpus=jobs)``, for the engine comparison in the README.

Each engine starts from an empty output folder (nothing skipped) and must give the same counts as the others.
recordings/s and frames/s are over the wall time of the whole batch, start-up included. Figures are measured, never
asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.app.batch import Task, analyse_task, make_tasks, run_batch  # noqa: E402
from formcheck.media.video import VideoSource  # noqa: E402

MEDIA = ROOT.parent / "shared" / "media"
# the shortest real recordings first (2 of them landscape, 1 nobody-in-view); >= 10 for the benchmark
CLIPS = (
    "reverse_lunge__front_oblique__tobefrank.mp4",
    "reverse_lunge__side__gymtastic.mp4",
    "squat_reps__front_oblique__gymtastic.mp4",
    "dead_bug__side__1080p__atc.mp4",
    "reverse_lunge__side__screenrec_feelingstretched__amila.mp4",
    "glute_bridge__side__skatefit.mp4",
    "no_person_tree_hand_at_end__opencv_tree.avi",
    "knee_to_chest_supine_alternating__side__skatefit.mp4",
    "straight_leg_raise_with_hug_supine__side__skatefit.mp4",
    "kneeling_hip_flexor_stretch__side__skatefit.mp4",
    "standing_knee_lift_march__oblique__skatefit.mp4",
    "pelvic_tilt_quadruped__oblique__bloomfit.mp4",
)
COUNTS = ("exercise", "reps_full_left", "reps_full_right", "reps_full_both", "holds_left", "holds_right", "holds_both")


def raw_landmarker(paths: list[Path], model: str, frames_per_clip: int) -> float:
    """frames/s of MediaPipe alone on the first frames of each clip (decoded beforehand)."""
    from formcheck.pose.estimator import PoseEstimator

    spent, n = 0.0, 0
    for path in paths:
        frames = []
        for f in VideoSource(path):
            frames.append(f)
            if len(frames) >= frames_per_clip:
                break
        with PoseEstimator(model) as est:  # type: ignore[arg-type]
            est(frames[0].image, frames[0].timestamp_s)  # the first call sets up the graph: not counted
            t = time.perf_counter()
            for f in frames[1:]:
                est(f.image, f.timestamp_s)
            spent += time.perf_counter() - t
            n += len(frames) - 1
    return n / spent


def run_ray(tasks: list[Task], jobs: int) -> tuple[list[dict[str, Any]], float]:
    import ray

    t = time.perf_counter()
    ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
    startup = time.perf_counter() - t
    try:
        remote = ray.remote(num_cpus=1)(analyse_task)
        rows = ray.get([remote.remote(task) for task in tasks])
    finally:
        ray.shutdown()
    return rows, startup


def dask_startup(jobs: int) -> float:
    from dask.distributed import Client, LocalCluster

    t = time.perf_counter()
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c):
        return time.perf_counter() - t


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=10, help=f"how many of the {len(CLIPS)} clips (>= 10 for README)")
    ap.add_argument("--model", choices=("full", "lite"), default="lite")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--engines", nargs="+", default=["serial", "local", "dask"], choices=("serial", "local", "dask", "ray")
    )
    ap.add_argument("--raw-frames", type=int, default=120, help="frames per clip for the raw landmarker's rate")
    args = ap.parse_args()

    paths = [MEDIA / name for name in CLIPS[: args.clips]]
    infos = [VideoSource(p).info for p in paths]
    print(f"{len(paths)} clips, model {args.model}, {args.jobs} workers:")
    for p, i in zip(paths, infos):
        print(f"  {p.name[:60]:60s} {i.width}x{i.height}")
    raw = raw_landmarker(paths[:4], args.model, args.raw_frames)
    print(
        f"raw landmarker (MediaPipe alone, 1 process, first {args.raw_frames} frames of 4 clips): {raw:6.1f} frames/s"
    )
    counts: dict[str, list[tuple]] = {}
    print(f"{'engine':8s} {'wall s':>8s} {'start-up s':>10s} {'rec/s':>7s} {'frames/s':>9s} {'x raw':>6s} errors")
    for engine in args.engines:
        with tempfile.TemporaryDirectory() as tmp:
            startup = dask_startup(args.jobs) if engine == "dask" else float("nan")
            t = time.perf_counter()
            if engine == "ray":
                rows, startup = run_ray(make_tasks(paths, "auto", args.model), args.jobs)
            else:
                folder = Path(tmp) / "in"
                folder.mkdir()
                for p in paths:
                    (folder / p.name).symlink_to(p)
                rows = run_batch(str(folder), Path(tmp) / "out", "auto", args.model, engine, args.jobs).rows  # type: ignore[arg-type]
            wall = time.perf_counter() - t
        frames = sum(int(r.get("frames") or 0) for r in rows)
        errors = [f"{Path(r['file']).name}: {r.get('error')}" for r in rows if r.get("status") != "done"]
        counts[engine] = sorted((Path(r["file"]).name, *(r.get(c) for c in COUNTS)) for r in rows)
        print(
            f"{engine:8s} {wall:8.1f} {startup:10.1f} {len(rows) / wall:7.3f} {frames / wall:9.1f} "
            f"{frames / wall / raw:6.2f} {len(errors)}"
        )
        for e in errors:
            print(f"    error: {e}")
    same = len({tuple(v) for v in counts.values()}) == 1
    print(f"counts per recording identical across engines: {same}")
    if not same:
        base = next(iter(counts.values()))
        for engine, rows in counts.items():
            for a, b in zip(base, rows):
                if a != b:
                    print(f"    {engine}: {b} vs {a}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
