"""Session history in an embedded SQLite database, written as the session goes (each rep, completed hold and
fault is committed when it happens), so a crash or a closed tab loses nothing already recorded.

The database path defaults to ``~/.formcheck/history.sqlite`` and can be changed with ``FORMCHECK_DB`` or the
``path`` argument. Only numbers and labels are stored: never video or landmarks.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from formcheck import settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_utc TEXT NOT NULL,        -- calendar time the session began (for 'progress over time')
    exercise TEXT NOT NULL,
    source TEXT NOT NULL,             -- 'live' or 'upload'
    report_json TEXT                  -- the final report, when the session ended cleanly
);
CREATE TABLE IF NOT EXISTS events (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    t_s REAL NOT NULL,                -- session time from frame timestamps
    kind TEXT NOT NULL,               -- 'rep', 'hold_complete', 'fault'
    side TEXT,
    detail TEXT
);
"""


def default_path() -> Path:
    return settings.db_path()


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_utc: str
    exercise: str
    source: str
    reps: int
    holds: int
    faults: int
    ended: bool


@dataclass(frozen=True)
class StoredSession:
    """A session as stored, with its final report (None when it did not end cleanly)."""

    id: int
    started_utc: str
    exercise: str
    source: str
    report: dict | None


class History:
    """Thread-safe (one connection guarded by a lock): the webcam callback thread and the page both use it."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.executescript(SCHEMA)

    def start(self, exercise: str, source: str) -> int:
        if source not in ("live", "upload"):
            raise ValueError(f"source must be 'live' or 'upload', got {source!r}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO sessions (started_utc, exercise, source) VALUES (?, ?, ?)", (now, exercise, source)
            )
            if cur.lastrowid is None:  # pragma: no cover - sqlite always sets it after an INSERT
                raise RuntimeError("the history database did not return the new session's id")
            return cur.lastrowid

    def record(self, session_id: int, t_s: float, kind: str, side: str | None = None, detail: str = "") -> None:
        with self._lock, self._db:  # committed at once
            self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (session_id, t_s, kind, side, detail))

    def finish(self, session_id: int, report: dict) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE sessions SET report_json = ? WHERE id = ?", (json.dumps(report, allow_nan=False), session_id)
            )

    def sessions(self, exercise: str | None = None) -> list[SessionRow]:
        query = """SELECT s.id, s.started_utc, s.exercise, s.source,
                          SUM(e.kind = 'rep'), SUM(e.kind = 'hold_complete'), SUM(e.kind = 'fault'),
                          s.report_json IS NOT NULL
                   FROM sessions s LEFT JOIN events e ON e.session_id = s.id
                   WHERE (? IS NULL OR s.exercise = ?) GROUP BY s.id ORDER BY s.id"""
        with self._lock:
            rows = self._db.execute(query, (exercise, exercise)).fetchall()
        return [SessionRow(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or 0, bool(r[7])) for r in rows]

    def session(self, session_id: int) -> StoredSession | None:
        """One session with its stored report, or None when there is no such session (read-only)."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, started_utc, exercise, source, report_json FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return _stored(row) if row is not None else None

    def finished(self, exercise: str, up_to: int | None = None) -> list[StoredSession]:
        """The sessions of ``exercise`` that ended with a report (ids up to ``up_to``), oldest first (read-only)."""
        with self._lock:
            rows = self._db.execute(
                """SELECT id, started_utc, exercise, source, report_json FROM sessions
                   WHERE exercise = ? AND report_json IS NOT NULL AND (? IS NULL OR id <= ?) ORDER BY id""",
                (exercise, up_to, up_to),
            ).fetchall()
        return [_stored(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _stored(row: tuple) -> StoredSession:
    return StoredSession(row[0], row[1], row[2], row[3], json.loads(row[4]) if row[4] else None)


def save_report(history: History, report, source: str = "upload", extra: dict | None = None) -> int:
    """Store a finished session (e.g. an analysed upload) with its reps, completed holds and faults; ``extra`` is kept
    beside the report (e.g. the key angles over time, for the clinician report)."""
    from formcheck.app.export import report_dict

    sid = history.start(report.exercise, source)
    for rep in report.rep_details:
        history.record(sid, rep.start_s, "rep", rep.side)
    for hold in report.holds:
        if hold.completed:
            history.record(sid, hold.start_s, "hold_complete", hold.side)
    for fault, n in report.faults.items():
        for _ in range(n):
            history.record(sid, report.duration_s, "fault", None, fault)
    history.finish(sid, report_dict(report) | (extra or {}))
    return sid
