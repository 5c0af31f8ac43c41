"""The upload and history pages under Streamlit's AppTest (no browser); the upload flow with real files."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, media

UPLOAD_PAGE = str(ROOT / "formcheck" / "ui" / "upload.py")


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    return AppTest.from_file(UPLOAD_PAGE, default_timeout=300).run()


def upload(at: AppTest, name: str, data: bytes, mime: str = "video/mp4") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime))
    return at.run()


def texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_upload_page_renders_without_errors():
    at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / "upload.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "formcheck: analyse a recording"
    assert "never sent anywhere" in at.caption[0].value
    assert [r.label for r in at.radio] == ["Pose model"]


@pytest.mark.model
@pytest.mark.media
def test_upload_suggests_the_exercise_counts_reps_and_plots_angles(page, tmp_path):
    from formcheck.app.history import History

    page.radio[0].set_value("lite")
    at = upload(page, "my bridge.mp4", media("glute_bridge__side__skatefit.mp4").read_bytes())
    assert not at.exception and not at.error
    assert "This looks like **Ground bridge" in texts(at.info)
    assert at.subheader[0].value.startswith("Ground bridge")
    assert "Full reps (reached the prescription's target): both 3" in texts(at.markdown)
    table = at.dataframe[0].value
    assert len(table) == 3 and {"side", "angle", "range of motion (deg)", "counts at (deg)", "verdict"} <= set(
        table.columns
    )
    assert not table["verdict"].str.startswith("partial").any() and (table["range of motion (deg)"] > 20).all()
    assert table["angle"].str.contains("below the shoulder-knee line").all()  # which angle, in words
    assert at.subheader[1].value == "Key angles over time" and len(at.get("vega_lite_chart")) >= 2
    assert len(at.get("video")) == 1 and len(at.get("download_button")) == 3
    [saved] = History(tmp_path / "h.sqlite").sessions()
    assert saved.exercise == "bridge" and saved.reps == 3
    stored = History(tmp_path / "h.sqlite").session(saved.id)
    assert stored is not None and stored.report is not None and len(stored.report["traces"]) >= 2  # angles kept
    assert at.get("download_button")[0].proto.label.startswith("Report for your physiotherapist")
    at.selectbox[0].set_value("Knee-to-chest").run()  # re-checked from the same analysis, no new model run
    assert not at.exception and at.subheader[0].value.startswith("Knee-to-chest")
    [rechecked] = History(tmp_path / "h.sqlite").sessions()  # the same upload: its session is updated
    assert rechecked.exercise == "knee_to_chest" and rechecked.id == saved.id


@pytest.mark.parametrize(
    "name,data,expect",
    [
        ("empty.mp4", b"", "empty (0 bytes)"),
        ("notes.mp4", b"just some text, renamed\n" * 20, "text file, not a video"),
        ("noise.mp4", bytes(range(256)) * 40, "not a readable video"),
    ],
)
def test_bad_uploads_get_a_clear_message(page, name, data, expect):
    at = upload(page, name, data)
    assert not at.exception
    assert expect in texts(at.error) and name in texts(at.error)


def test_upload_over_the_cap_is_refused_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "1")
    at = upload(AppTest.from_file(UPLOAD_PAGE, default_timeout=60).run(), "long.mp4", b"\0" * (2 * 2**20))
    assert not at.exception and "long.mp4 is 2 MB; the limit is 1 MB" in texts(at.error)


@pytest.mark.model
@pytest.mark.media
@pytest.mark.parametrize(
    "name,mime,expect",
    [
        ("no_person_tree_hand_at_end__opencv_tree.avi", "video/x-msvideo", "No person was found"),
        ("img_warrior2__two_people__front__manoj.jpg", "image/jpeg", "More than one person"),
    ],
)
def test_no_person_and_two_people_are_told(page, name, mime, expect):
    page.radio[0].set_value("lite")
    at = upload(page, name, media(name).read_bytes(), mime)
    assert not at.exception and expect in texts(at.warning)


def test_history_page_lists_sessions(tmp_path, monkeypatch):
    from formcheck.app.history import History

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / "history.py"), default_timeout=30).run()
    assert not at.exception and "No sessions yet" in at.info[0].value
    h = History()
    sid = h.start("bridge", "live")
    h.record(sid, 2.0, "rep")
    at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / "history.py"), default_timeout=30).run()
    assert not at.exception and len(at.dataframe) == 1
    assert not at.get("download_button")  # no finished session yet: no report to download
    h.finish(
        sid,
        {
            "exercise": "bridge",
            "prescription": "",
            "duration_s": 3.0,
            "reps": {"both": 1},
            "rep_details": [],
            "holds": [],
            "holds_completed": {},
            "faults": {},
            "frames_judged": 90,
            "frames_total": 90,
        },
    )
    at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / "history.py"), default_timeout=30).run()
    assert not at.exception and at.get("download_button")[0].proto.label.startswith("Download the report")


@pytest.mark.parametrize(
    ("page", "name", "value"),
    [
        ("upload.py", "FORMCHECK_MAX_UPLOAD_MB", "abc"),
        ("history.py", "FORMCHECK_DB", ""),
        ("main.py", "FORMCHECK_PASSCODE", "short"),
    ],
)
def test_a_bad_setting_is_one_message_on_the_page(page, name, value, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    monkeypatch.setenv(name, value)
    if page == "main.py":  # the live page is the default page of the app
        at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / "streamlit_app.py"), default_timeout=60).run()
    else:
        at = AppTest.from_file(str(ROOT / "formcheck" / "ui" / page), default_timeout=60).run()
    assert not at.exception
    from formcheck import settings

    shown = "(hidden)" if settings.VARIABLES[name].secret else repr(value)
    assert len(at.error) == 1 and at.error[0].value.startswith(f"{name}={shown} is not valid")
    assert len(at.error) == 1 and name in at.error[0].value and "it accepts" in at.error[0].value
