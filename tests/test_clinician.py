"""The clinician report: built from the history (``formcheck report SESSION_ID``), rendered in headless Chromium, and
checked for what a physiotherapist reads in it (prescription against done per side, per-rep table with verdicts, angle
plots, symmetry, the trend over sessions). The sessions come from the synthetic marcher: no model, no footage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from formcheck.app.charts import angle_traces
from formcheck.app.cli import main
from formcheck.app.clinician import history_report_html, report_from_dict, svg_chart, traces_data
from formcheck.app.export import report_dict
from formcheck.app.history import History, save_report
from formcheck.app.live import LiveProcessor
from formcheck.checking.session import ExerciseSession
from formcheck.errors import FormcheckError
from formcheck.exercises import get
from formcheck.pose.pipeline import FramePipeline
from formcheck.pose.smoothing import PoseSmoother
from tests.browser import CHROMIUM
from tests.factory import MarchingEstimator

BLANK = np.zeros((120, 160, 3), np.uint8)


def analysed_march(seconds: float, period_s: float = 2.0):
    session = ExerciseSession(get("standing_march"))
    pipe = FramePipeline(MarchingEstimator(period_s), PoseSmoother(), checker=session)
    results = [pipe.process(BLANK, i / 30) for i in range(int(seconds * 30))]
    return results, session.report()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, int, int]:
    """Two earlier uploads (shorter), one live session, then the upload the report is about."""
    db = tmp_path_factory.mktemp("hist") / "h.sqlite"
    h = History(db)
    for seconds in (8, 14):
        _, report = analysed_march(seconds)
        save_report(h, report)
    live = LiveProcessor("standing_march", history=h, estimator_factory=MarchingEstimator)
    for i in range(12 * 30):
        live.process(BLANK, i / 30)
    live.close()
    results, report = analysed_march(19)  # 10 left and 9 right: 19 of 20, 1 short
    traces = traces_data(angle_traces(results, get("standing_march")))
    sid = save_report(h, report, extra={"traces": traces})
    live_id = max(s.id for s in h.sessions() if s.source == "live")
    h.close()
    return db, sid, live_id


def test_report_round_trips_through_the_history():
    _, report = analysed_march(9)
    back = report_from_dict(json.loads(json.dumps(report_dict(report))))
    assert back.rep_table() == report.rep_table()
    assert back.reps == report.reps and back.symmetry == report.symmetry


def test_svg_chart_draws_gaps_and_limits():
    svg = svg_chart("knee", [("knee", [0, 1, 2, 3], [10.0, None, 30.0, 40.0], "#000")], [("at most", 35.0)], "s", "deg")
    assert svg.count("<path") == 2  # the gap splits the line
    assert 'stroke-dasharray="6 4"' in svg and "at most 35" in svg
    assert "no data" in svg_chart("empty", [("x", [], [], "#000")], [], "s", "deg")


def test_report_cli_writes_the_html(history, tmp_path, capsys):
    db, sid, _ = history
    out = tmp_path / "r.html"
    assert main(["report", str(sid), "--db", str(db), "-o", str(out)]) == 0
    doc = out.read_text()
    assert (
        doc.startswith("<!DOCTYPE html>")
        and "<script" not in doc
        and "http" not in doc.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert main(["report", str(sid), "--db", str(db), "-o", str(out), "--pdf"]) == 0
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert main(["report", "999", "--db", str(db)]) == 1
    assert "there is no session 999" in capsys.readouterr().err
    assert main(["sessions", "--db", str(db)]) == 0
    assert "standing_march" in capsys.readouterr().out


def test_unfinished_session_says_why(tmp_path):
    h = History(tmp_path / "h.sqlite")
    sid = h.start("standing_march", "live")
    with pytest.raises(FormcheckError, match="did not end cleanly"):
        history_report_html(h, sid)


def test_live_session_report_has_its_angles_over_time_and_the_per_rep_figures(history):
    db, _, live_id = history
    doc = history_report_html(History(db), live_id)
    assert "recorded" in doc.lower() and "live, webcam" in doc
    assert "range of motion per rep" in doc and "were not kept" not in doc
    assert "rep: left hip flexion" in doc and "rep: right hip flexion" in doc  # the 12 s of live knee lifts
    stored = History(db).session(live_id)
    assert stored is not None and stored.report is not None
    (left,) = [tr for tr in stored.report["traces"] if tr["name"] == "rep: left hip flexion"]
    assert 100 <= len(left["t"]) <= 120 and max(left["t"]) - min(left["t"]) > 11  # 10 per second, the whole session
    assert max(d for d in left["deg"] if d is not None) > 60  # the knee lifts are in it


@pytest.mark.browser
def test_report_renders_in_chromium_with_everything_a_physio_reads(history, tmp_path):
    from playwright.sync_api import sync_playwright

    db, sid, _ = history
    doc = history_report_html(History(db), sid)
    path = tmp_path / "report.html"
    path.write_text(doc)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url))
        page.goto(path.as_uri())
        text = page.inner_text("body")
        svgs = page.eval_on_selector_all(
            "svg", "els => els.map(e => [e.getAttribute('aria-label'), e.getBBox().width])"
        )
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.pdf(path=str(tmp_path / "report.pdf"))
        browser.close()
    assert fetched == [path.as_uri()]  # self-contained: nothing else is loaded
    assert "formcheck session report: Standing march" in text and f"#{sid}" in text
    assert "Prescribed against done" in text  # 20 alternating reps: per side, then against the 20 in all
    assert "left\tpart of 20 in all\t10\t0" in text and "right\tpart of 20 in all\t9\t0" in text
    assert "all\t20 reps in all\t19\t0" in text and "1 short" in text
    assert "range of motion" in text and "verdict" in text and text.count("good") >= 10  # per-rep table
    assert "full reps\t10\t9\t90%" in text  # symmetry; a rep's peak is the angle held a tenth of the rep (at most
    # 0.1 s), and the smoother follows the lift 30 ms behind: 88 deg of the true 90 (87 with 0.1 s for every rep,
    # 84-85 when the smoother lagged 86 ms)
    assert re.search(r"mean range of motion\t88°\t88°\t100%", text)
    labels = [label for label, width in svgs if width > 100]
    assert "rep: left hip flexion" in labels and "rep: right hip flexion" in labels  # key angles over time
    assert {"range of motion per rep", "reps per session", "mean range of motion per session"} <= set(labels)
    assert "4\t" in text and re.search(r"\t19\t88°\t0\tthis one", text)  # the trend: 4 sessions, this one last
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_a_report_and_its_trend_are_one_persons_own(tmp_path, capsys):
    """Two people on one LAN app: Bob's sessions never enter Alice's trend, and neither can fetch the other's."""
    db = tmp_path / "h.sqlite"
    h = History(db)
    alice, bob = [], []
    for seconds in (8, 10):  # sessions of both, interleaved
        bob.append(save_report(h, analysed_march(seconds + 4)[1], profile="bob"))
        alice.append(save_report(h, analysed_march(seconds)[1], profile="alice"))
    assert [s.id for s in h.finished("standing_march", profile="alice")] == alice
    assert [s.id for s in h.finished("standing_march", up_to=bob[-1], profile="bob")] == bob
    doc = history_report_html(h, alice[-1], profile="alice")
    trend_table = doc[doc.rindex("<th>session</th>") :]
    trend_table = trend_table[: trend_table.index("</table>")]
    assert trend_table.count("<tr>") == len(alice)  # Alice's two sessions (the header's row opens before)
    with pytest.raises(FormcheckError, match=f"there is no session {bob[0]}"):
        history_report_html(h, bob[0], profile="alice")
    h.close()
    assert main(["sessions", "--db", str(db), "--profile", "bob"]) == 0
    listed = capsys.readouterr().out
    assert all(re.search(rf"^\s*{i} ", listed, re.M) for i in bob) and not re.search(rf"^\s*{alice[0]} ", listed, re.M)
    assert main(["sessions", "--db", str(db)]) == 0
    assert "No sessions of profile 'local'" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["missing/r.html", "folder", "the database"])
def test_a_report_that_cannot_be_written_says_why_before_reading_the_history(history, tmp_path, capsys, where):
    db, sid, _ = history
    (tmp_path / "folder").mkdir()
    out = db if where == "the database" else tmp_path / where
    before = db.read_bytes()
    assert main(["report", str(sid), "--db", str(db), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    said = {
        "missing/r.html": "does not exist",
        "folder": "is a folder",
        "the database": "is the input history database",
    }
    assert "Traceback" not in err and said[where] in err, err
    assert not (tmp_path / "missing").exists() and db.read_bytes() == before
