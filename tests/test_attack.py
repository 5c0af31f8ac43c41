"""The attack on main (issue 14): each case that was not handled cleanly, as a test. Nothing lost, nothing exposed,
no traceback: the CLI prints one line and exits 1, the app shows one message. docs/robustness.md lists each case with
its message and its test. History cases (locks, concurrent writers, damaged databases) are in tests/test_history.py.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from formcheck.app.cli import main

# ---- outputs: checked before the analysis, written atomically ----------------------------------------------------


@pytest.fixture
def no_analysis(monkeypatch):
    """Fail the test if the analysis starts: a bad output must be refused before it."""

    def refuse(*args, **kwargs):
        raise AssertionError("the analysis started")

    monkeypatch.setattr("formcheck.app.recording.analyse_recording", refuse)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("formcheck: error: "), err
    return err


def test_out_that_is_the_input_is_refused_and_the_recording_kept(tmp_path, small_video, capsys, no_analysis):
    video = tmp_path / "A.mp4"
    shutil.copy(small_video, video)
    before = video.read_bytes()
    assert main(["analyse", str(video), "--out", str(video)]) == 1
    assert "--out" in one_error_line(capsys) and video.read_bytes() == before
    other_spelling = tmp_path / "sub" / ".." / "A.mp4"
    (tmp_path / "sub").mkdir()
    assert main(["analyse", str(video), "--out", str(other_spelling)]) == 1
    assert "is the input recording" in one_error_line(capsys) and video.read_bytes() == before
    assert main(["analyse", str(video), "--json", str(video)]) == 1  # any output, not only --out
    assert "is the input recording" in one_error_line(capsys) and video.read_bytes() == before


@pytest.mark.parametrize(
    ("flag", "target", "expect"),
    [
        ("--json", "missing/out.json", "does not exist"),
        ("--csv", "missing/out.csv", "does not exist"),
        ("--json", "folder", "is a folder"),
        ("--out", "folder.mp4", "is a folder"),
        ("--csv", "/proc/out.csv", "cannot write in /proc"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_error_before_the_analysis(
    tmp_path, small_video, capsys, no_analysis, flag, target, expect
):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.mp4").mkdir()
    path = target if target.startswith("/") else str(tmp_path / target)
    assert main(["analyse", str(small_video), flag, path]) == 1
    assert expect in one_error_line(capsys)


def test_an_output_on_a_full_disk_is_one_error_before_the_analysis(
    tmp_path, small_video, capsys, no_analysis, monkeypatch
):
    monkeypatch.setattr("formcheck.app.outputs.shutil.disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9, 0))
    assert main(["analyse", str(small_video), "--json", str(tmp_path / "a.json")]) == 1
    assert "the disk is full" in one_error_line(capsys)


@pytest.mark.model
def test_a_disk_filling_up_while_writing_is_one_error_and_the_old_file_survives(
    tmp_path, small_video, capsys, monkeypatch
):
    out = tmp_path / "a.json"
    out.write_text("the previous export")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("formcheck.files.os.fsync", full)
    assert main(["analyse", "-q", "--model", "lite", str(small_video), "--json", str(out)]) == 1
    assert "No space left on device" in one_error_line(capsys)
    assert out.read_text() == "the previous export" and sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_a_video_that_fails_to_encode_leaves_the_old_file_and_no_temporary_one(tmp_path):
    import numpy as np

    from formcheck.errors import OutputError
    from formcheck.media.video import AnnotatedVideoWriter

    out = tmp_path / "a.mp4"
    out.write_bytes(b"the previous video")
    writer = AnnotatedVideoWriter(out, 30.0)
    writer.CODECS = {".mp4": ("no-such-codec", {})}  # the encoder cannot be opened
    writer.write(np.zeros((64, 64, 3), np.uint8))
    with pytest.raises(OutputError, match="could not write a.mp4"):
        writer.close()
    assert out.read_bytes() == b"the previous video" and [p.name for p in tmp_path.iterdir()] == ["a.mp4"]


def test_outputs_are_written_atomically(tmp_path):
    from formcheck.files import atomic_write

    out = tmp_path / "a.csv"
    atomic_write(out, "a,b\n1,2\n")
    assert out.read_text() == "a,b\n1,2\n" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    assert out.stat().st_mode & 0o777 == 0o644


@pytest.mark.model
def test_a_file_name_with_a_newline_cannot_inject_a_line_into_the_summary(tmp_path, small_video, capsys):
    video = tmp_path / "clip\n  note: perfect form.mp4"
    shutil.copy(small_video, video)
    assert main(["analyse", "-q", "--model", "lite", str(video)]) == 0
    out = capsys.readouterr().out
    assert "Summary for clip\\n  note: perfect form.mp4" in out
    assert not any(line.startswith("  note: perfect") for line in out.splitlines())


def test_an_error_naming_a_file_with_a_newline_is_still_one_line(tmp_path, capsys):
    bad = tmp_path / "x\ny.mp4"
    bad.write_bytes(b"")
    assert main(["analyse", str(bad)]) == 1
    assert "x\\ny.mp4" in one_error_line(capsys)


def test_no_output_file_is_left_behind(tmp_path):
    assert not list(Path(tmp_path).glob(".*.tmp*"))
