import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.app.history import History, open_history, save_report


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
    from formcheck.checking.counters import Hold
    from formcheck.checking.report import Report
    from formcheck.checking.reps import Rep

    report = Report(
        "single_leg_raise",
        "raise, hold 5 s",
        20.0,
        {"left": 1, "right": 1},
        [
            Rep("left", 1.0, 1.5, 6.7, 7.0, 80.0, 10.0, True, True),
            Rep("right", 8.0, 8.5, 10.5, 11.0, 75.0, 10.0, True, False),
        ],
        [Hold("left", 1.0, 5.2, True)],
        {"left": 1},
        {"Slow down": 2},
        500,
        600,
        fault_events=[_slow(2.0, "left"), _slow(9.0, "right")],
    )
    h = History(tmp_path / "h.sqlite")
    save_report(h, report)
    [row] = h.sessions()
    assert (row.source, row.reps, row.holds, row.faults, row.ended) == ("upload", 2, 1, 2, True)


# ---- reliability: WAL, locks, concurrent writers, the background writer ------------------------------------------
def _report(exercise="single_leg_raise", reps=2):
    from formcheck.checking.report import Report
    from formcheck.checking.reps import Rep

    details = [Rep("left", 1.0 + i, 1.2 + i, 1.8 + i, 2.0 + i, 80.0, 10.0, True, False) for i in range(reps)]
    return Report(
        exercise,
        "raise",
        20.0,
        {"left": reps},
        details,
        [],
        {},
        {"Slow down": 1},
        500,
        600,
        fault_events=[_slow(2, "left")],
    )


def _slow(t: float, side: str):
    from formcheck.checking.faults import FaultEvent

    return FaultEvent("controlled speed", "Slow down", "moved too fast", t, t + 0.4, side)


def test_database_is_wal_with_a_busy_timeout_and_private(tmp_path):
    folder = tmp_path / "new"
    h = History(folder / "h.sqlite")
    assert h._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert h._db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    h.record(h.start("bridge", "live"), 1.0, "rep")
    assert folder.stat().st_mode & 0o777 == 0o700
    for f in folder.iterdir():  # the database and its -wal / -shm files
        assert f.stat().st_mode & 0o777 == 0o600, f


def test_a_database_made_by_the_first_release_is_migrated(tmp_path):
    db = tmp_path / "old.sqlite"
    old = sqlite3.connect(db)
    old.executescript(
        "CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, started_utc TEXT NOT NULL, exercise TEXT NOT "
        "NULL, source TEXT NOT NULL, report_json TEXT); CREATE TABLE events (session_id INTEGER NOT NULL, t_s REAL NOT "
        "NULL, kind TEXT NOT NULL, side TEXT, detail TEXT);"
        "INSERT INTO sessions (started_utc, exercise, source) VALUES ('2024-01-01T00:00:00+00:00', 'bridge', 'live');"
    )
    old.commit()
    old.close()
    [row] = History(db).sessions()
    assert (row.exercise, row.profile, row.ended_utc) == ("bridge", "local", None)


def test_four_processes_writing_at_once_lose_nothing(tmp_path):
    import multiprocessing

    db = tmp_path / "h.sqlite"
    History(db).close()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_rows, args=(db, 400)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1600


def _write_rows(db, n):
    h = History(db)
    sid = h.start("bridge", "live")
    for i in range(n):
        h.record(sid, float(i), "rep", "left")


def test_a_ten_second_lock_during_a_live_session_stalls_no_frame_and_loses_nothing(tmp_path):
    """Another program holds the database's write lock for 10 s while reps happen: each frame is still handled at
    once (writes wait in the background writer), and every rep reaches the history when the lock goes."""
    import subprocess
    import sys
    import time

    from formcheck.app.live import LiveProcessor
    from tests.factory import MarchingEstimator

    db = tmp_path / "h.sqlite"
    history = History(db)
    proc = LiveProcessor("standing_march", history=history, estimator_factory=MarchingEstimator)
    frame = np.zeros((120, 160, 3), np.uint8)
    fps, t, slowest = 30.0, 0.0, 0.0
    for _ in range(60):  # 2 s: the first reps land normally
        proc.process(frame, t)
        t += 1 / fps
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(10); c.execute('COMMIT')",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    locked_at = time.monotonic()
    while time.monotonic() - locked_at < 10.5:  # frames at the camera's pace for the whole lock
        began = time.perf_counter()
        proc.process(frame, t)
        slowest = max(slowest, time.perf_counter() - began)
        t += 1 / fps
        time.sleep(max(0.0, 1 / fps - (time.perf_counter() - began)))
    assert holder.wait(30) == 0
    shown = sum(proc.report().reps.values())
    assert shown >= 10 and proc.journal.flush(30)
    [row] = history.sessions()
    assert row.reps == shown  # the screen and the history agree: nothing lost
    # a frame that waited for the lock would wait 2 s at least (the busy timeout, BUSY_TIMEOUT_MS); 1 s leaves
    # room for a machine busy with other work (0.26 s once, with the test suite's pose-cache warm-up running beside)
    assert slowest < 1.0, f"a frame waited {slowest:.2f} s"
    proc.close()


def test_the_writer_keeps_order_and_hands_out_handles_at_once(tmp_path):
    h = History(tmp_path / "h.sqlite")
    w = h.writer
    a, b = w.start("bridge", "live"), w.start("knee_to_chest", "live", profile="sam")
    assert a != b
    for i in range(50):
        w.record(a, float(i), "rep", "left")
    w.record(b, 1.0, "hold_complete")
    w.finish(a, {"reps": {"left": 50}})
    assert w.flush(10) and w.pending() == 0
    [bridge] = h.sessions()
    [knee] = h.sessions(profile="sam")
    assert (bridge.reps, bridge.ended, knee.holds, knee.ended) == (50, True, 1, False)
    h.close()


# ---- a database that cannot be opened: the app works without history and says how to fix it --------------------
def _corrupt(tmp_path):
    path = tmp_path / "h.sqlite"
    path.write_bytes(b"this is not a database at all " * 100)
    return path


def _folder(tmp_path):
    (tmp_path / "dir.sqlite").mkdir()
    return tmp_path / "dir.sqlite"


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (_corrupt, "not a database"),
        (_folder, "folder"),
        (lambda tmp: Path("/proc/formcheck/h.sqlite"), "/proc/formcheck/h.sqlite"),  # a place nobody can write
    ],
    ids=["corrupt", "directory", "unwritable place"],
)
def test_a_database_that_cannot_be_opened_is_one_message_with_the_fix(tmp_path, make, expect):
    history, message = open_history(make(tmp_path))
    assert history is None and message is not None
    assert message.startswith("History is off:") and expect in message and "FORMCHECK_DB" in message
    assert "\n" not in message


def test_a_read_only_database_is_one_message(tmp_path, monkeypatch):
    db = tmp_path / "h.sqlite"
    History(db).close()
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda p, **kw: real(f"file:{p}?mode=ro", uri=True, **kw))
    history, message = open_history(db)
    assert history is None and "readonly" in message and "FORMCHECK_DB" in message


_OPEN_READ_ONLY = """
import json, sys
from formcheck.app.history import open_history
try:
    open(sys.argv[1], "ab").close()
    writable = True
except PermissionError:
    writable = False
history, message = open_history(sys.argv[1])
print(json.dumps({"writable": writable, "opened": history is not None, "message": message}))
"""


def test_a_read_only_file_is_one_message(tmp_path):
    db = tmp_path / "h.sqlite"
    History(db).close()
    db.chmod(0o400)
    if os.geteuid() != 0:
        history, message = open_history(db)
        assert history is None and "FORMCHECK_DB" in message
        return
    # root writes through permission bits (CAP_DAC_OVERRIDE, as in CI): the same check in a root process without
    # that capability (util-linux's setpriv drops it from the bounding set), which honours them as a user does
    cmd = ["setpriv", "--bounding-set=-dac_override", "--", sys.executable, "-c", _OPEN_READ_ONLY, str(db)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(done.stdout.splitlines()[-1])
    assert not got["writable"], "the child could still write the 0400 file"
    assert not got["opened"] and "FORMCHECK_DB" in got["message"]


def test_an_empty_setting_is_one_message(monkeypatch):
    monkeypatch.setenv("FORMCHECK_DB", "")
    history, message = open_history()
    assert history is None and message.startswith("FORMCHECK_DB='' is not valid") and "History is off" in message


# ---- history quality: profiles, re-checked uploads, end times ---------------------------------------------------
def test_each_profile_sees_only_its_own_sessions(tmp_path):
    h = History(tmp_path / "h.sqlite")
    h.start("bridge", "live", profile="sam")
    h.start("bridge", "live", profile="alex")
    h.start("bridge", "live")
    assert [r.profile for r in h.sessions(profile="sam")] == ["sam"]
    assert [r.profile for r in h.sessions()] == ["local"]


def test_an_upload_rechecked_as_another_exercise_updates_its_session(tmp_path):
    h = History(tmp_path / "h.sqlite")
    save_report(h, _report("single_leg_raise", 2), upload_key="file-1")
    save_report(h, _report("bridge", 3), upload_key="file-1")  # the same upload, re-checked
    save_report(h, _report("bridge", 1), upload_key="file-1", profile="sam")  # another person's copy
    [row] = h.sessions()
    assert (row.exercise, row.reps, row.faults, row.ended) == ("bridge", 3, 1, True) and row.ended_utc
    save_report(h, _report("bridge", 4), upload_key="file-2")
    assert [r.reps for r in h.sessions()] == [3, 4]


def test_a_live_session_gets_its_end_time_when_the_camera_stops(tmp_path):
    from formcheck.app.live import LiveProcessor
    from tests.factory import MarchingEstimator

    h = History(tmp_path / "h.sqlite")
    proc = LiveProcessor("standing_march", history=h, estimator_factory=MarchingEstimator)
    frame = np.zeros((120, 160, 3), np.uint8)
    for i in range(120):
        proc.process(frame, i / 30)
    proc.stopped()  # Stop camera pressed, or the tab closed (the live socket closed)
    assert proc.journal.flush()
    [row] = h.sessions()
    assert row.ended and row.ended_utc is not None and row.reps == sum(proc.report().reps.values())
    for i in range(120, 240):  # the camera starts again: same session, counts kept
        proc.process(frame, i / 30)
    proc.stopped()
    assert proc.journal.flush()
    [row] = h.sessions()
    assert row.reps == sum(proc.report().reps.values()) and row.ended
    proc.close()
