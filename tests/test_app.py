"""The upload page renders under Streamlit's AppTest (no browser)."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_upload_page_renders_without_errors():
    at = AppTest.from_file(str(ROOT / "ui" / "upload.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "formcheck: analyse a recording"
    assert "never sent anywhere" in at.caption[0].value
    assert [r.label for r in at.radio] == ["Pose model"]
