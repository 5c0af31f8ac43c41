"""Many recordings at once: one task per recording (MediaPipe's VIDEO mode tracks across frames, so a recording is
never split), run on a local process pool (default, every core), in this process (``serial``), or on a Dask cluster.

Each worker keeps its landmarker loaded between recordings (``PoseEstimator.new_stream``), so the model is loaded once
per worker. A finished recording is written to ``OUT/.formcheck-batch/`` under its content hash the moment it ends, so
a re-run skips it; ``OUT/results.csv`` has one row per recording. A bad file is a row with its error, and a worker
that dies on a file costs that file only: the others are run again.

The engines' own packages are imported only when used, so the CLI starts fast without them.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from formcheck.app.outputs import check_output_folder
from formcheck.checking.report import count_for
from formcheck.errors import FormcheckError, InputError
from formcheck.media.video import IMAGE_SUFFIXES, VIDEO_SUFFIXES

LOG = logging.getLogger(__name__)

Engine = Literal["local", "serial", "dask"]
ENGINES: tuple[str, ...] = ("local", "serial", "dask")
DONE_DIR = ".formcheck-batch"
RESULTS_CSV = "results.csv"
SIDES = ("left", "right", "both")
COLUMNS = (
    "file",
    "sha256",
    "status",  # done / error
    "exercise",  # the exercise checked: given, or picked from the video ('' when it can't tell)
    "exercise_source",  # given / picked / unknown
    "match",  # the picked exercise's match score (0-1), empty when given
    *(f"reps_full_{s}" for s in SIDES),
    *(f"reps_partial_{s}" for s in SIDES),
    *(f"holds_{s}" for s in SIDES),  # holds that reached the prescribed time
    "longest_hold_s",
    "fault_count",
    "faults",  # "message x2; message x1"
    "frames",
    "person_fraction",
    "duration_s",  # of the recording, from its timestamps
    "processing_s",  # wall time spent on it by its worker
    "worker",
    "note",
    "error",
)
TaskFn = Callable[["Task"], dict[str, Any]]


@dataclass(frozen=True)
class Task:
    """One recording to analyse. ``exercise``: an exercise key or ``auto``."""

    path: str
    sha256: str
    exercise: str
    model: str

    @property
    def key(self) -> str:
        """What a finished result is stored under: the same content checked the same way is never redone."""
        return f"{self.sha256}-{self.exercise}-{self.model}"


@dataclass
class BatchOutcome:
    rows: list[dict[str, Any]]
    analysed: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    csv_path: Path | None = None
    errors: list[str] = field(default_factory=list)


# ---- finding recordings ----------------------------------------------------------------------------------------


def find_recordings(spec: str | Sequence[str]) -> list[Path]:
    """The recordings a batch covers: a folder's videos and images (and its sub-folders'), or the files a glob
    pattern matches (whatever their type: a file that is not a video becomes an error row), or several of these (a
    shell-expanded glob). Sorted, each once; raises InputError when there are none."""
    if not isinstance(spec, str):
        found = sorted({p for one in spec for p in _find(one)})
        if not found:
            raise InputError(f"{' '.join(spec)}: no recordings found")
        return found
    return _find(spec)


def _find(spec: str) -> list[Path]:
    path = Path(spec)
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES | IMAGE_SUFFIXES]
    elif path.is_file():
        found = [path]
    else:
        found = [Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file()]
    found = [p for p in found if DONE_DIR not in p.parts]
    if not found:
        raise InputError(f"{spec}: no recordings found (give a folder of videos or a pattern such as 'clips/*.mp4')")
    return sorted(found)


def content_hash(path: str | Path, chunk: int = 1 << 20) -> str:
    """sha256 of the file's bytes: a recording keeps its key when renamed or moved."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


# ---- one recording (runs in a worker) --------------------------------------------------------------------------

_local = threading.local()  # per worker thread: {(model, mode): PoseEstimator}
LOADS = 0  # landmarkers this process has loaded (a worker loads one per model and mode, then reuses it)


def _estimator(model: str, mode: str) -> Any:
    """This worker's landmarker for ``model`` / ``mode``, created on first use and kept (once per worker)."""
    from formcheck.pose.estimator import PoseEstimator

    global LOADS
    cache: dict[tuple[str, str], PoseEstimator] = _local.__dict__.setdefault("estimators", {})
    if (model, mode) not in cache:
        LOG.debug("worker %s: loading the %s model (%s mode)", os.getpid(), model, mode)
        cache[(model, mode)] = PoseEstimator(model, mode=mode)  # type: ignore[arg-type]
        LOADS += 1
    est = cache[(model, mode)]
    if mode == "video":
        est.new_stream()
    return est


def analyse_task(task: Task) -> dict[str, Any]:
    """Analyse one recording and return its results row; never raises (a problem is the row's ``error``)."""
    started = time.perf_counter()
    row: dict[str, Any] = {
        "file": task.path,
        "sha256": task.sha256,
        "exercise": "" if task.exercise == "auto" else task.exercise,
        "worker": f"{os.uname().nodename}:{os.getpid()}",
    }
    try:
        row |= _analyse(task)
        row["status"] = "done"
    except FormcheckError as exc:
        row |= {"status": "error", "error": str(exc)}
    except Exception as exc:  # a bad file must never stop a batch: the row says what went wrong
        LOG.debug("analysing %s failed", task.path, exc_info=True)
        row |= {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    row["processing_s"] = round(time.perf_counter() - started, 2)
    return row


def _analyse(task: Task) -> dict[str, Any]:
    from formcheck.app.recording import analyse_file, apply_session
    from formcheck.checking.suggest import suggest_exercise
    from formcheck.pose.pipeline import FramePipeline
    from formcheck.pose.smoothing import PoseSmoother

    def factory(is_image: bool) -> FramePipeline:
        est = _estimator(task.model, "image" if is_image else "video")
        return FramePipeline(est, None if is_image else PoseSmoother())

    results, summary = analyse_file(task.path, factory)
    row: dict[str, Any] = {
        "frames": summary.frames,
        "person_fraction": round(summary.person_fraction, 3),
        "duration_s": round(summary.duration_s, 2),
        "note": " ".join(summary.messages),
    }
    exercise, source, match = task.exercise, "given", None
    if task.exercise == "auto":
        ranked = suggest_exercise(results)
        if ranked and ranked[0].confident:
            exercise, source, match = ranked[0].exercise, "picked", ranked[0].score
        else:
            closest = ", ".join(s.exercise for s in ranked[:3] if s.score > 0) or "none"
            exercise, source = "", "unknown"
            row["note"] = f"can't tell which exercise this is (closest: {closest}). {row['note']}".strip()
    row |= {"exercise": exercise, "exercise_source": source, "match": match}
    if exercise:
        row |= report_columns(apply_session(results, exercise).report())
    return row


def report_columns(report: Any) -> dict[str, Any]:
    """The counts of a session ``Report`` as results columns: full and partial reps, completed holds per side."""
    partial = getattr(report, "partial_reps", None) or {}  # added by partial-rep detection; absent before it
    faults = dict(report.faults)
    return {
        **{f"reps_full_{s}": count_for(report.reps, s) for s in SIDES},
        **{f"reps_partial_{s}": count_for(partial, s) for s in SIDES},
        **{f"holds_{s}": report.holds_completed.get(s, 0) for s in SIDES},
        "longest_hold_s": round(max((h.duration_s for h in report.holds), default=0.0), 1),
        "fault_count": sum(faults.values()),
        "faults": "; ".join(f"{msg} x{n}" for msg, n in faults.items()),
    }


# ---- engines ----------------------------------------------------------------------------------------------------


def run_serial(tasks: Sequence[Task], on_done: Callable[[Task, dict], None], fn: TaskFn = analyse_task) -> None:
    """Every task in this process, one after another (the single-process baseline)."""
    for task in tasks:
        on_done(task, fn(task))


def run_local(
    tasks: Sequence[Task], on_done: Callable[[Task, dict], None], jobs: int, fn: TaskFn = analyse_task
) -> None:
    """A local process pool of ``jobs`` workers. At most ``jobs`` tasks are in flight, so when a worker dies (a
    decoder crash) the suspects are known: each is run again alone, and only the one that kills its worker again
    becomes an error row."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # a clean interpreter per worker: no forked MediaPipe state
    pending: list[Task] = list(tasks)
    suspects: list[Task] = []
    while pending:
        with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            running: dict[Future, Task] = {}
            while pending or running:
                while pending and len(running) < jobs:
                    task = pending.pop(0)
                    running[pool.submit(fn, task)] = task
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    task = running.pop(fut)
                    try:
                        row = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        suspects.append(task)
                        continue
                    on_done(task, row)
                if broken:
                    suspects.extend(running.values())
                    LOG.warning("a worker died; %d recordings it may have held run again one at a time", len(suspects))
                    break
    for task in suspects:
        on_done(task, _run_alone(task, fn, ctx))


def _run_alone(task: Task, fn: TaskFn, ctx: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        try:
            return pool.submit(fn, task).result()
        except BrokenProcessPool:
            return _error_row(task, "the worker process died while analysing this file (a decoder or model crash)")


def _error_row(task: Task, error: str) -> dict[str, Any]:
    return {"file": task.path, "sha256": task.sha256, "status": "error", "error": error}


def run_dask(
    tasks: Sequence[Task],
    on_done: Callable[[Task, dict], None],
    jobs: int,
    address: str | None = None,
    fn: TaskFn = analyse_task,
) -> None:
    """The tasks on a Dask cluster: the one at ``address`` (``tcp://host:8786``), or a local one of ``jobs``
    single-threaded worker processes started for this batch. Workers keep their landmarker between tasks (once per
    worker). When a worker dies, Dask blames every task the scheduler had handed it, running or only waiting there
    (``KilledWorker``), so those suspects are run again one at a time, alone on the cluster: only the one whose
    worker dies again becomes an error row. The local cluster gives up on a task at its first worker death
    (``allowed_failures=0``), as the local pool does; a running cluster keeps its own setting."""
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise FormcheckError("--engine dask needs Dask: pip install 'dask[distributed]'") from exc

    for name in ("distributed", "bokeh"):  # Dask's INFO lines (workers starting, closing) would bury the per-file lines
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.WARNING)
    with contextlib.ExitStack() as stack:
        if address:
            try:
                client = Client(address, timeout=30)
            except OSError as exc:
                raise FormcheckError(f"could not join the Dask cluster at {address}: {exc}") from exc
        else:
            # A LocalCluster closes a worker's nanny for good when, 15 s after that worker was lost, no worker of
            # its name is back (distributed.deploy.lost-worker-timeout): a worker caught restarting after another
            # crash would be gone, and the batch would wait for ever. Its nannies restart their workers instead.
            stack.enter_context(dask.config.set({"distributed.deploy.lost-worker-timeout": "1000 days"}))
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    scheduler_kwargs={"allowed_failures": 0},
                )
            )
            client = Client(cluster)
        stack.callback(client.close)
        LOG.info("dask: %d workers", len(client.scheduler_info()["workers"]))
        suspects: list[Task] = []
        for task, row, killed in _dask_rows(client, tasks, fn, "batch"):
            if killed:
                suspects.append(task)
            else:
                on_done(task, row)
        if suspects:
            LOG.warning("a worker died; %d recordings it may have held run again one at a time", len(suspects))
        for suspect in suspects:
            for task, row, _ in _dask_rows(client, [suspect], fn, "alone"):
                on_done(task, row)


def _dask_rows(client: Any, tasks: Sequence[Task], fn: TaskFn, run: str) -> Iterator[tuple[Task, dict[str, Any], bool]]:
    """Submit ``tasks`` and yield ``(task, row, killed)`` for each as it ends; ``killed``: Dask gave up on it because
    workers died while it was theirs (its row then says ``KilledWorker``). ``run`` keeps the keys of a re-run apart."""
    from dask.distributed import KilledWorker, as_completed

    futures = {client.submit(fn, t, pure=False, key=f"formcheck-{t.key}-{id(t)}-{run}"): t for t in tasks}
    for fut in as_completed(futures):
        task = futures.pop(fut)
        killed = False
        try:
            row = fut.result()
        except Exception as exc:  # KilledWorker and friends: this recording's row says so
            killed = isinstance(exc, KilledWorker)
            row = _error_row(task, f"{type(exc).__name__}: {exc}")
        fut.release()  # its row is ours: a worker dying later must not compute it again (and be blamed for it)
        yield task, row, killed


# ---- the batch --------------------------------------------------------------------------------------------------


class Store:
    """Finished recordings in ``OUT/.formcheck-batch/KEY.json`` (written atomically as each one ends)."""

    def __init__(self, out: Path) -> None:
        self.dir = out / DONE_DIR
        self.dir.mkdir(parents=True, exist_ok=True)

    def get(self, task: Task) -> dict[str, Any] | None:
        path = self.dir / f"{task.key}.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def put(self, task: Task, row: dict[str, Any]) -> None:
        tmp = self.dir / f"{task.key}.json.tmp"
        tmp.write_text(json.dumps(row, allow_nan=False))
        tmp.replace(self.dir / f"{task.key}.json")


def make_tasks(paths: Iterable[Path], exercise: str, model: str) -> list[Task]:
    return [Task(str(p), content_hash(p), exercise, model) for p in paths]


def run_batch(
    spec: str | Sequence[str],
    out: str | Path,
    exercise: str = "auto",
    model: str = "full",
    engine: Engine = "local",
    jobs: int | None = None,
    address: str | None = None,
    retry_errors: bool = False,
    on_row: Callable[[dict[str, Any], bool], None] | None = None,
    fn: TaskFn = analyse_task,
) -> BatchOutcome:
    """Analyse every recording ``spec`` names and write ``OUT/results.csv``. Recordings already done (same content,
    exercise and model) are skipped, and so are earlier errors unless ``retry_errors``. ``on_row(row, skipped)`` is
    called once per recording as it finishes (for a progress bar)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    started = time.perf_counter()
    out = check_output_folder("--out", out)
    store = Store(out)
    tasks = make_tasks(find_recordings(spec), exercise, model)
    outcome = BatchOutcome(rows=[])
    by_key: dict[str, dict[str, Any]] = {}
    todo: list[Task] = []
    for task in tasks:
        done = store.get(task)
        if done is not None and (done.get("status") == "done" or not retry_errors):
            by_key[task.key] = done
            outcome.skipped += 1
            if on_row is not None:
                on_row(done | {"file": task.path}, True)
        elif task.key not in {t.key for t in todo}:  # the same content twice is analysed once
            todo.append(task)

    def finished(task: Task, row: dict[str, Any]) -> None:
        store.put(task, row)
        by_key[task.key] = row
        outcome.analysed += 1
        if on_row is not None:
            on_row(row, False)

    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        if not todo:
            pass
        elif engine == "serial":
            run_serial(todo, finished, fn)
        elif engine == "local":
            run_local(todo, finished, min(jobs, len(todo)), fn)
        else:
            run_dask(todo, finished, jobs, address, fn)
    finally:  # an interrupted batch still leaves the rows it has (and resumes from its store)
        outcome.rows = [by_key[t.key] | {"file": t.path} for t in tasks if t.key in by_key]
        outcome.failed = sum(r.get("status") != "done" for r in outcome.rows)
        outcome.csv_path = write_csv(outcome.rows, out / RESULTS_CSV)
        outcome.seconds = time.perf_counter() - started
    return outcome


def write_csv(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """``results.csv``: one row per recording, ``COLUMNS`` in order; unknown values empty (never NaN)."""
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in COLUMNS})
    tmp.replace(path)
    return path
