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


@pytest.mark.parametrize("kind", BAD_DBS)
def test_history_page_with_a_bad_database_is_one_message(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", _bad_db(kind, tmp_path))
    at = AppTest.from_file(str(PAGES / "history.py"), default_timeout=60).run()
    assert not at.exception and len(at.error) == 1
    assert "History is off" in at.error[0].value and "FORMCHECK_DB" in at.error[0].value


@pytest.mark.parametrize("kind", BAD_DBS)
def test_live_page_with_a_bad_database_works_without_history_and_says_so_once(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", _bad_db(kind, tmp_path))
    at = AppTest.from_file(str(PAGES / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    notes = [w.value for w in at.warning if "History is off" in w.value]
    assert len(notes) == 1 and "FORMCHECK_DB" in notes[0]
    assert at.title[0].value == "formcheck: live"
    assert at.session_state.live_processor.history is None


def test_live_page_opens_the_live_socket_to_its_own_processor(tmp_path, monkeypatch):
    from formcheck.app.channel import HUB

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(PAGES / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    processor, token = at.session_state.live_processor, at.session_state.live_token
    assert HUB.get(token) is processor and HUB.get("a guessed token") is None


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
        at = AppTest.from_file(str(PAGES / "streamlit_app.py"), default_timeout=60).run()
    finally:
        restore()
    assert not at.exception and len(at.error) == 1 and "without a passcode" in at.error[0].value
    assert not at.title and not at.dataframe


def test_with_a_passcode_people_sign_in_and_see_only_their_own_history(tmp_path, monkeypatch):
    from formcheck.app.history import History

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    monkeypatch.setenv("FORMCHECK_PASSCODE", "correct horse")
    h = History()
    h.record(h.start("bridge", "live", profile="sam"), 1.0, "rep")
    h.start("bridge", "live")  # the machine owner's own, unsigned session
    h.close()
    restore = _with_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(PAGES / "streamlit_app.py"), default_timeout=60).run()
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


def test_the_local_app_asks_nobody_to_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(PAGES / "streamlit_app.py"), default_timeout=60).run()
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

    cmd = serve_command(False, 8501, None, 500, ROOT / "formcheck" / "ui" / "server.py")
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert opts["--server.address"] == "127.0.0.1" and opts["--server.maxUploadSize"] == "500"
    assert opts["--server.enableXsrfProtection"] == "true" and opts["--browser.gatherUsageStats"] == "false"
    lan = serve_command(True, 8502, "correct horse", 200, ROOT / "formcheck" / "ui" / "server.py")
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


# ---- plausibility: frame rates, raw streams, resolution --------------------------------------------------------------
def _encode(path: Path, n: int, rate: int, size=(160, 120), fmt: str | None = None) -> Path:
    """``n`` frames of a moving bar, encoded at ``rate`` fps (its header and timestamps both say so)."""
    from fractions import Fraction

    import av
    import numpy as np

    with av.open(str(path), "w", format=fmt) as c:
        s = c.add_stream("libx264", rate=rate)
        s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
        s.codec_context.time_base = Fraction(1, rate)
        for i in range(n):
            img = np.full((size[1], size[0], 3), 60, np.uint8)
            img[:, (i * 3) % size[0] : (i * 3) % size[0] + 8] = 255
            f = av.VideoFrame.from_ndarray(img, format="bgr24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def _march(path: Path):
    from formcheck.app.recording import analyse_file
    from formcheck.checking.session import ExerciseSession
    from formcheck.exercises import get
    from formcheck.pose.pipeline import FramePipeline
    from formcheck.pose.smoothing import PoseSmoother
    from tests.factory import MarchingEstimator

    session = ExerciseSession(get("standing_march"))
    results, summary = analyse_file(
        path, lambda still: FramePipeline(MarchingEstimator(), PoseSmoother(), checker=session)
    )
    return results, summary, session.report()


def test_a_5000_fps_header_is_not_believed_and_the_assumption_is_stated(tmp_path):
    _results, summary, report = _march(_encode(tmp_path / "fast.mp4", 180, 5000))
    assert 5.9 <= summary.duration_s <= 6.1 and summary.video_fps == 30.0  # not 0.036 s
    assert sum(report.reps.values()) >= 4  # a 3-rep-per-leg march, not 0 reps
    assert "no believable frame rate (header 5000 fps" in summary.messages[0]
    assert "timed at 30 fps (assumed)" in summary.messages[0]


def test_a_raw_stream_with_no_timing_says_what_it_assumed(tmp_path):
    from formcheck.media.video import VideoSource

    source = VideoSource(_encode(tmp_path / "raw.mp4", 30, 30, fmt="h264"))  # no container: no timestamps
    assert source.timing_note is not None and "raw video stream with no timing" in source.timing_note
    assert "(assumed)" in source.timing_note
    stamps = [f.timestamp_s for f in source]
    assert stamps == sorted(stamps) and len(stamps) == 30


@pytest.mark.parametrize(
    ("header", "stamps", "raw", "fps", "use_stamps", "says"),
    [
        (30.0, 30.0, False, 30.0, True, None),  # an ordinary file: nothing to say
        (29.97, None, False, 29.97, True, None),
        (0.0, 25.0, False, 25.0, True, "header gives 0 fps"),  # a 0-fps header: the timestamps are used
        (0.0, None, False, 30.0, False, "no believable frame rate (header 0 fps)"),
        (5000.0, 5000.0, False, 30.0, False, "timed at 30 fps (assumed)"),
        (30.0, 5000.0, False, 30.0, False, "timestamps (5000 fps) are not believable"),
        (15.0, 2.5, False, 2.5, True, "its frame timestamps say 2.5 fps"),  # timestamps contradict the header
        (25.0, None, True, 25.0, False, "raw video stream"),
    ],
)
def test_frame_rates_outside_1_to_240_fps_are_not_believed(header, stamps, raw, fps, use_stamps, says):
    from formcheck.media.video import plan_timing

    got_fps, got_stamps, note = plan_timing(header, stamps, raw)
    assert (got_fps, got_stamps) == (fps, use_stamps)
    assert (note is None) if says is None else (says in note)


def test_a_real_file_whose_timestamps_contradict_its_header_is_timed_by_them():
    from formcheck.media.video import VideoSource

    source = VideoSource(ROOT / "sample_videos" / "no_person_tree_hand_at_end__opencv_tree.avi")
    assert source.info.fps == pytest.approx(2.5, abs=0.01) and "timed by its timestamps" in source.timing_note


def test_a_video_over_the_resolution_cap_is_refused_before_decoding(tmp_path):
    from formcheck.errors import InputError
    from formcheck.media.video import VideoSource

    big = _encode(tmp_path / "huge.mp4", 2, 30, size=(4608, 64))
    with pytest.raises(InputError, match=r"huge.mp4 is 4608x64 pixels; formcheck reads videos up to 4096 pixels"):
        VideoSource(big)


def test_a_huge_photo_is_scaled_down_on_reading(tmp_path):
    import cv2
    import numpy as np

    from formcheck.media.video import VideoSource

    cv2.imwrite(str(tmp_path / "big.png"), np.zeros((5000, 8000, 3), np.uint8))
    [frame] = list(VideoSource(tmp_path / "big.png"))
    assert frame.image.shape == (2560, 4096, 3)


def test_frames_larger_than_the_model_needs_are_scaled_down_before_it():
    import numpy as np

    from formcheck.pose.estimator import MODEL_MAX_SIDE, PoseEstimator

    image = PoseEstimator.preprocess(np.zeros((3000, 4000, 3), np.uint8))
    assert (image.width, image.height) == (MODEL_MAX_SIDE, 960)
    small = PoseEstimator.preprocess(np.zeros((480, 640, 3), np.uint8))
    assert (small.width, small.height) == (640, 480)
