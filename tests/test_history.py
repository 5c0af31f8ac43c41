import sqlite3

import pytest

from formcheck.app.history import History, save_report


def test_events_are_committed_as_they_happen_and_survive_a_crash(tmp_path):
    db = tmp_path / "h.sqlite"
    h = History(db)
    sid = h.start("standing_march", "live")
    h.record(sid, 3.2, "rep", "left")
    h.record(sid, 5.0, "rep", "right")
    h.record(sid, 5.1, "fault", "right", "Slow down")
    # no finish(), no close(): another connection (a restarted app) already sees everything
    rows = sqlite3.connect(db).execute("SELECT kind, side FROM events ORDER BY t_s").fetchall()
    assert rows == [("rep", "left"), ("rep", "right"), ("fault", "right")]
    [row] = History(db).sessions()
    assert (row.exercise, row.reps, row.faults, row.ended) == ("standing_march", 2, 1, False)


def test_finished_sessions_and_filtering(tmp_path):
    h = History(tmp_path / "sub" / "h.sqlite")  # parent folders are created
    a = h.start("bridge", "upload")
    h.record(a, 1.0, "hold_complete")
    h.finish(a, {"reps": {"both": 3}})
    h.start("knee_to_chest", "live")
    assert [r.exercise for r in h.sessions()] == ["bridge", "knee_to_chest"]
    [bridge] = h.sessions("bridge")
    assert bridge.holds == 1 and bridge.ended
    with pytest.raises(ValueError, match="source"):
        h.start("bridge", "cloud")


def test_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "env.sqlite"))
    h = History()
    h.start("bridge", "live")
    assert (tmp_path / "env.sqlite").is_file()


def test_save_report_of_an_upload(tmp_path):
    from formcheck.checking.counters import Hold, Rep
    from formcheck.checking.report import Report

    report = Report(
        "single_leg_raise",
        "raise, hold 5 s",
        20.0,
        {"left": 1, "right": 1},
        [Rep("left", 1.0, 5.2, 80.0, True), Rep("right", 8.0, 2.0, 75.0, False)],
        [Hold("left", 1.0, 5.2, True)],
        {"left": 1},
        {"Slow down": 2},
        500,
        600,
    )
    h = History(tmp_path / "h.sqlite")
    save_report(h, report)
    [row] = h.sessions()
    assert (row.source, row.reps, row.holds, row.faults, row.ended) == ("upload", 2, 1, 2, True)
