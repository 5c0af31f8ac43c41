"""``formcheck batch``: one task per recording on a local pool, in one process or on Dask; resumable by content hash;
one results row per recording, a bad file (or a worker that dies on it) is a row with its error."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from formcheck.app import batch
from formcheck.app.batch import COLUMNS, Task, find_recordings, report_columns, run_batch
from formcheck.app.cli import main
from formcheck.errors import InputError
from formcheck.media.video import AnnotatedVideoWriter, VideoSource
from tests.conftest import media


def fake_task(task: Task) -> dict:
    """Stands in for the model (runs in spawned workers too): 'crash' kills its worker, 'bad' is a bad file."""
    name = Path(task.path).name
    if "crash" in name:
        os._exit(3)
    if "bad" in name:
        return {"file": task.path, "sha256": task.sha256, "status": "error", "error": "not a video"}
    return {"file": task.path, "sha256": task.sha256, "status": "done", "exercise": task.exercise, "frames": 7}


def read_rows(out: Path) -> list[dict[str, str]]:
    with open(out / "results.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for name, content in [("a.mp4", b"aaa"), ("sub/b.webm", b"bbb"), ("bad.mp4", b"text"), ("notes.txt", b"x")]:
        (d / name).write_bytes(content)
    return d


def test_find_recordings_folder_glob_and_none(folder, tmp_path):
    assert [p.name for p in find_recordings(str(folder))] == ["a.mp4", "bad.mp4", "b.webm"]
    assert [p.name for p in find_recordings(str(folder / "*.mp4"))] == ["a.mp4", "bad.mp4"]
    assert [p.name for p in find_recordings(str(folder / "**" / "*.webm"))] == ["b.webm"]
    assert [p.name for p in find_recordings([str(folder / "a.mp4"), str(folder / "*.mp4")])] == ["a.mp4", "bad.mp4"]
    with pytest.raises(InputError, match="no recordings found"):
        find_recordings(str(tmp_path / "nothing*.mp4"))


def test_report_columns_full_partial_holds_and_circles():
    hold = SimpleNamespace(duration_s=31.24)
    report = SimpleNamespace(
        reps={"left": 3, "right": 2},
        partial_reps={"left": 1},
        holds_completed={"left": 1, "both": 2},
        holds=[hold, SimpleNamespace(duration_s=4.0)],
        faults={"Keep your back flat": 2, "Slow down": 1},
    )
    cols = report_columns(report)
    assert (cols["reps_full_left"], cols["reps_full_right"], cols["reps_full_both"]) == (3, 2, 0)
    assert (cols["reps_partial_left"], cols["reps_partial_right"]) == (1, 0)
    assert (cols["holds_left"], cols["holds_right"], cols["holds_both"]) == (1, 0, 2)
    assert cols["longest_hold_s"] == 31.2 and cols["fault_count"] == 3
    assert cols["faults"] == "Keep your back flat x2; Slow down x1"
    del report.partial_reps  # before partial-rep detection exists
    assert report_columns(report)["reps_partial_left"] == 0
    report.reps = {"left inward": 5, "left outward": 4, "right inward": 5}
    assert report_columns(report)["reps_full_left"] == 9


@pytest.mark.parametrize("engine", ["serial", "local"])
def test_bad_file_is_a_row_and_rerun_skips_by_content(folder, tmp_path, engine):
    out = tmp_path / "out"
    seen: list[tuple[str, bool]] = []
    first = run_batch(
        str(folder),
        out,
        exercise="bridge",
        engine=engine,
        jobs=2,
        fn=fake_task,
        on_row=lambda r, s: seen.append((Path(r["file"]).name, s)),
    )
    assert (first.analysed, first.skipped, first.failed) == (3, 0, 1)
    rows = read_rows(out)
    assert list(rows[0]) == list(COLUMNS)
    assert [(Path(r["file"]).name, r["status"], r["error"]) for r in rows] == [
        ("a.mp4", "done", ""),
        ("bad.mp4", "error", "not a video"),
        ("b.webm", "done", ""),
    ]
    # moved and renamed: the same content is not analysed again, and the row names the new path
    (folder / "a.mp4").rename(folder / "renamed.mp4")
    second = run_batch(str(folder), out, exercise="bridge", engine=engine, fn=fake_task)
    assert (second.analysed, second.skipped) == (0, 3)
    assert "renamed.mp4" in {Path(r["file"]).name for r in read_rows(out)}
    third = run_batch(str(folder), out, exercise="bridge", engine=engine, fn=fake_task, retry_errors=True)
    assert (third.analysed, third.skipped) == (1, 2)  # only the error is tried again
    assert {s for _, s in seen} == {False}


def test_a_worker_that_dies_costs_only_its_file(folder, tmp_path):
    (folder / "crash.mp4").write_bytes(b"boom")
    outcome = run_batch(str(folder), tmp_path / "out", engine="local", jobs=2, fn=fake_task)
    rows = {Path(r["file"]).name: r for r in read_rows(tmp_path / "out")}
    assert rows["crash.mp4"]["status"] == "error" and "worker process died" in rows["crash.mp4"]["error"]
    assert rows["a.mp4"]["status"] == rows["b.webm"]["status"] == "done"
    assert outcome.failed == 2  # crash.mp4 and bad.mp4


def test_dask_local_cluster_survives_a_worker_that_dies(folder, tmp_path):
    (folder / "crash.mp4").write_bytes(b"boom")
    outcome = run_batch(str(folder), tmp_path / "out", engine="dask", jobs=1, fn=fake_task)
    rows = {Path(r["file"]).name: r for r in read_rows(tmp_path / "out")}
    assert rows["crash.mp4"]["status"] == "error" and "KilledWorker" in rows["crash.mp4"]["error"]
    assert rows["a.mp4"]["status"] == rows["b.webm"]["status"] == "done"
    assert (outcome.analysed, outcome.failed) == (4, 2)


def test_dask_blames_only_the_recording_that_kills_its_worker(folder, tmp_path):
    """A running cluster that sends every task to its worker at once (no queuing) and retries a task once after its
    worker dies: Dask marks every recording waiting on the dying worker ``KilledWorker``, not just the one that kills
    it. Each of those is run again alone, so only crash.mp4 is an error, and bad.mp4 keeps its own error."""
    import dask
    from dask.distributed import LocalCluster

    (folder / "crash.mp4").write_bytes(b"boom")
    for i in range(4):
        (folder / f"clean{i}.mp4").write_bytes(f"clean {i}".encode())
    # lost-worker-timeout: a LocalCluster's own rule (a `dask worker` nanny knows none) that would close a nanny
    # caught restarting its worker, leaving no worker at all
    config = {"distributed.scheduler.worker-saturation": float("inf"), "distributed.deploy.lost-worker-timeout": "1h"}
    with (
        dask.config.set(config),
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"allowed_failures": 1},
        ) as cluster,
    ):
        outcome = run_batch(str(folder), tmp_path, engine="dask", address=cluster.scheduler_address, fn=fake_task)
    rows = {Path(r["file"]).name: (r["status"], r["error"]) for r in read_rows(tmp_path)}
    crash = rows.pop("crash.mp4")
    assert crash[0] == "error" and "KilledWorker" in crash[1]
    assert rows.pop("bad.mp4") == ("error", "not a video")
    assert rows == {name: ("done", "") for name in ["a.mp4", "b.webm"] + [f"clean{i}.mp4" for i in range(4)]}
    assert (outcome.analysed, outcome.failed) == (8, 2)


def test_reused_landmarker_gives_the_same_landmarks():
    """The model stays loaded between recordings (new_stream): a recording's landmarks are those of a fresh one."""
    from formcheck.pose.estimator import PoseEstimator

    frames = list(VideoSource(media("reverse_lunge__front_oblique__tobefrank.mp4")))[:40]
    other = list(VideoSource(media("squat_reps__front_oblique__gymtastic.mp4")))[:40]
    with PoseEstimator("lite") as fresh:
        expected = [fresh(f.image, f.timestamp_s) for f in frames]
    with PoseEstimator("lite") as reused:
        for f in other:
            reused(f.image, f.timestamp_s)
        reused.new_stream()
        got = [reused(f.image, f.timestamp_s) for f in frames]
    assert sum(p is not None for p in expected) > 30
    for a, b in zip(expected, got):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            np.testing.assert_allclose(a.xy, b.xy, atol=1e-3)


def small_copy(src: Path, dst: Path, height: int = 480) -> Path:
    """A downscaled copy of a real clip (the landmarker sees 256x256 anyway), so the test decodes little."""
    source = VideoSource(src)
    with AnnotatedVideoWriter(dst, source.info.output_fps) as w:
        for f in source:
            h, wd = f.image.shape[:2]
            w.write(cv2.resize(f.image, (round(wd * height / h / 2) * 2, height), interpolation=cv2.INTER_AREA))
    return dst


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("clips")
    small_copy(media("glute_bridge__side__skatefit.mp4"), d / "bridge.mp4")
    with AnnotatedVideoWriter(d / "empty_room.mp4", 30.0) as w:  # 1 s, nobody in it
        for i in range(30):
            w.write(np.full((120, 160, 3), 40 + i, np.uint8))
    (d / "text.mp4").write_text("this is not a video\n")
    return d


@pytest.mark.model
@pytest.mark.media
def test_cli_batch_on_a_local_pool(clips, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(clips), "--out", str(out), "--model", "lite", "--jobs", "2"]) == 0
    rows = {Path(r["file"]).name: r for r in read_rows(out)}
    bridge, empty, text = rows["bridge.mp4"], rows["empty_room.mp4"], rows["text.mp4"]
    assert (bridge["status"], bridge["exercise"], bridge["exercise_source"]) == ("done", "bridge", "picked")
    assert bridge["reps_full_both"] == "3" and bridge["reps_partial_both"] == "0"  # 3 bridges, watched
    assert float(bridge["duration_s"]) == pytest.approx(13.5, abs=0.2) and int(bridge["frames"]) == 404
    assert float(bridge["processing_s"]) > 0
    assert empty["status"] == "done" and empty["exercise_source"] == "unknown" and empty["person_fraction"] == "0.0"
    assert text["status"] == "error" and "not a video" in text["error"]
    printed = capsys.readouterr().out
    assert "ok    bridge.mp4: bridge, reps both 3" in printed and "ERROR text.mp4" in printed
    assert "3 recordings: 3 analysed, 0 already done, 1 with an error" in printed
    assert main(["batch", str(clips / "*.mp4"), "--out", str(out), "--model", "lite"]) == 0
    assert "3 recordings: 0 analysed, 3 already done" in capsys.readouterr().out
    assert {k: r["reps_full_both"] for k, r in rows.items()} == {
        Path(r["file"]).name: r["reps_full_both"] for r in read_rows(out)
    }


@pytest.mark.model
def test_cli_batch_joins_a_running_dask_cluster(clips, tmp_path, capsys):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        args = ["batch", str(clips / "[et]*.mp4"), "--out", str(tmp_path), "--engine", "dask"]
        assert main([*args, "--address", cluster.scheduler_address, "--exercise", "bridge", "--model", "lite"]) == 0
        loads = client.run(lambda: batch.LOADS)
    rows = {Path(r["file"]).name: r for r in read_rows(tmp_path)}
    assert rows["empty_room.mp4"]["status"] == "done" and rows["empty_room.mp4"]["reps_full_both"] == "0"
    assert rows["text.mp4"]["status"] == "error"
    assert list(loads.values()) == [1]  # the model was loaded once on the worker
    assert "2 recordings: 2 analysed" in capsys.readouterr().out


def test_address_needs_dask(capsys):
    assert main(["batch", ".", "--out", "x", "--address", "tcp://127.0.0.1:8786"]) == 2
    assert "--address needs --engine dask" in capsys.readouterr().err


def test_an_out_folder_that_is_a_file_or_cannot_be_made_is_one_message(tmp_path, capsys):
    a_file = tmp_path / "results.txt"
    a_file.write_text("x")
    assert main(["batch", str(tmp_path), "--out", str(a_file)]) == 1
    assert "is a file: give a folder" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--out", str(a_file / "sub")]) == 1
    err = capsys.readouterr().err
    assert "cannot create that folder" in err and "Traceback" not in err
    assert a_file.read_text() == "x"
