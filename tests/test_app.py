"""The upload page renders under Streamlit's AppTest (no browser)."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_upload_page_renders_without_errors():
    at = AppTest.from_file(str(ROOT / "ui" / "upload.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "formcheck: analyse a recording"
    assert "never sent anywhere" in at.caption[0].value
    assert [r.label for r in at.radio] == ["Pose model"]


def test_history_page_lists_sessions(tmp_path, monkeypatch):
    from formcheck.history import History

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "h.sqlite"))
    at = AppTest.from_file(str(ROOT / "ui" / "history.py"), default_timeout=30).run()
    assert not at.exception and "No sessions yet" in at.info[0].value
    h = History()
    sid = h.start("bridge", "live")
    h.record(sid, 2.0, "rep")
    at = AppTest.from_file(str(ROOT / "ui" / "history.py"), default_timeout=30).run()
    assert not at.exception and len(at.dataframe) == 1
