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


# ---- the app: a database that cannot be opened, private by default, profiles, the upload cap ---------------------
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.conftest import ROOT, media  # noqa: E402

PAGES = ROOT / "formcheck" / "ui"


def _bad_db(kind: str, tmp_path: Path) -> str:
    if kind == "corrupt":
        (tmp_path / "h.sqlite").write_bytes(b"not a database " * 100)
        return str(tmp_path / "h.sqlite")
    if kind == "directory":
        (tmp_path / "h.sqlite").mkdir()
        return str(tmp_path / "h.sqlite")
    return {"unwritable": "/proc/formcheck/h.sqlite", "empty": ""}[kind]


BAD_DBS = ["corrupt", "directory", "unwritable", "empty"]


@pytest.fixture
def webrtc(monkeypatch):
    """streamlit-webrtc needs a live server session, which AppTest has not: stand in for it and keep its arguments."""
    from types import SimpleNamespace

    import streamlit_webrtc

    calls: list[dict] = []

    def fake(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(state=SimpleNamespace(playing=False, signalling=False))

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", fake)
    return calls


@pytest.mark.parametrize("kind", BAD_DBS)
def test_history_page_with_a_bad_database_is_one_message(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", _bad_db(kind, tmp_path))
    at = AppTest.from_file(str(PAGES / "history.py"), default_timeout=60).run()
    assert not at.exception and len(at.error) == 1
    assert "History is off" in at.error[0].value and "FORMCHECK_DB" in at.error[0].value


@pytest.mark.parametrize("kind", BAD_DBS)
def test_live_page_with_a_bad_database_works_without_history_and_says_so_once(kind, tmp_path, monkeypatch, webrtc):
    monkeypatch.setenv("FORMCHECK_DB", _bad_db(kind, tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    notes = [w.value for w in at.warning if "History is off" in w.value]
    assert len(notes) == 1 and "FORMCHECK_DB" in notes[0]
    assert at.title[0].value == "formcheck: live" and webrtc
    assert at.session_state.live_processor.history is None


def test_live_page_marks_the_session_ended_when_the_stream_ends(tmp_path, monkeypatch, webrtc):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    processor = at.session_state.live_processor
    assert webrtc[-1]["on_video_ended"] == processor.stopped  # STOP, or the tab closing, ends the video track


@pytest.mark.model
@pytest.mark.media
def test_upload_page_with_a_bad_database_keeps_its_results_and_downloads(tmp_path, monkeypatch):
    from formcheck.exercises import REGISTRY

    monkeypatch.setenv("FORMCHECK_DB", _bad_db("corrupt", tmp_path))
    at = AppTest.from_file(str(PAGES / "upload.py"), default_timeout=300).run()
    at.radio[0].set_value("lite")
    at.selectbox[0].set_value(REGISTRY["bridge"].name)
    name = "img_glute_bridge_banded__side__fitinsight.jpg"
    at.file_uploader[0].set_value((name, media(name).read_bytes(), "image/jpeg"))
    at = at.run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning if "History is off" in w.value]
    assert at.subheader[0].value.startswith(REGISTRY["bridge"].name)
    assert len(at.get("download_button")) == 2


def _with_option(name, value):
    from streamlit import config

    old = config.get_option(name)
    config.set_option(name, value)
    return lambda: config.set_option(name, old)


def test_served_on_the_network_without_a_passcode_the_app_shows_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    restore = _with_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        restore()
    assert not at.exception and len(at.error) == 1 and "without a passcode" in at.error[0].value
    assert not at.title and not at.dataframe


def test_with_a_passcode_people_sign_in_and_see_only_their_own_history(tmp_path, monkeypatch, webrtc):
    from formcheck.app.history import History

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    monkeypatch.setenv("FORMCHECK_PASSCODE", "correct horse")
    h = History()
    h.record(h.start("bridge", "live", profile="sam"), 1.0, "rep")
    h.start("bridge", "live")  # the machine owner's own, unsigned session
    h.close()
    restore = _with_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception and at.title[0].value == "formcheck: sign in"
        at.text_input[0].input("Sam")
        at.text_input[1].input("wrong passcode")
        at = at.button[0].click().run()
        assert "passcode is not right" in at.error[0].value and "profile" not in at.session_state
        at.text_input[1].input("correct horse")
        at = at.button[0].click().run()
        assert not at.exception and at.session_state.profile == "sam"
        assert at.title[0].value == "formcheck: live"
    finally:
        restore()
    page = AppTest.from_file(str(PAGES / "history.py"), default_timeout=60)
    page.session_state.profile = "sam"
    page = page.run()
    assert not page.exception and len(page.dataframe) == 1 and len(page.dataframe[0].value) == 1
    assert str(tmp_path) not in page.caption[0].value  # the database's path is not shown to network visitors


def test_the_local_app_asks_nobody_to_sign_in(tmp_path, monkeypatch, webrtc):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and at.title[0].value == "formcheck: live"


def test_the_upload_cap_is_the_same_number_everywhere(tmp_path, monkeypatch):
    from formcheck.app.access import upload_cap

    assert upload_cap(200, 200) == (200, None) and upload_cap(50, 200) == (50, None)
    cap, note = upload_cap(500, 200)
    assert cap == 200 and "FORMCHECK_MAX_UPLOAD_MB=500" in note and "formcheck app" in note
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "500")
    at = AppTest.from_file(str(PAGES / "upload.py"), default_timeout=60).run()  # Streamlit's limit: 200 MB
    assert not at.exception and "up to 200 MB" in at.file_uploader[0].label
    assert any("capped at 200 MB" in i.value for i in at.info)


# ---- private by default: the launcher and .streamlit/config.toml ---------------------------------------------------
def test_the_launcher_binds_this_machine_and_passes_the_upload_cap():
    from formcheck.app.access import serve_command

    cmd = serve_command(False, 8501, None, 500, ROOT / "app.py")
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert opts["--server.address"] == "127.0.0.1" and opts["--server.maxUploadSize"] == "500"
    assert opts["--server.enableXsrfProtection"] == "true" and opts["--browser.gatherUsageStats"] == "false"
    lan = serve_command(True, 8502, "correct horse", 200, ROOT / "app.py")
    assert dict(zip(lan[5::2], lan[6::2]))["--server.address"] == "0.0.0.0"


def test_lan_serving_without_a_passcode_is_one_error(capsys, monkeypatch):
    monkeypatch.delenv("FORMCHECK_PASSCODE", raising=False)
    assert main(["app", "--lan"]) == 1
    assert "needs a passcode: set FORMCHECK_PASSCODE" in one_error_line(capsys)


def test_streamlit_run_app_py_is_private_through_the_project_config():
    import tomllib

    from formcheck import settings

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["maxUploadSize"] == settings.max_upload_mb({})
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/setup.sh && .venv/bin/formcheck app" in readme
