"""Session history in an embedded SQLite database, written as the session goes (each rep, completed hold and
fault is committed when it happens), so a crash or a closed tab loses nothing already recorded.

The database path defaults to ``~/.formcheck/history.sqlite`` and can be changed with ``FORMCHECK_DB`` or the
``path`` argument. Only numbers and labels are stored: never video or landmarks. The folder formcheck creates is
private (0700) and so is the file (0600; SQLite gives its ``-wal`` / ``-shm`` files the same mode).

Reliability: the database runs in WAL mode (readers never block the writer) with a busy timeout, and every write
is retried with backoff while another process holds the lock, so concurrent writers lose nothing. The live page's
writes go through :class:`HistoryWriter`, one background thread per ``History``: the frame handler only puts a tiny
tuple on a queue and never waits on SQLite. That queue is unbounded on purpose: a row is ~100 bytes and a live
session writes at most a few per second, so even an hour of a locked database is well under a megabyte, while a
bounded queue would have to drop reps. Each session belongs to a ``profile`` (one person's history).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from formcheck import settings
from formcheck.errors import FormcheckError, SettingError

LOG = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_PROFILE = "local"  # the one person using formcheck on their own machine (no sign-in)
BUSY_TIMEOUT_MS = 2000  # SQLite waits this long for a lock before raising; then we back off and retry
RETRY_DELAYS_S = (0.05, 0.1, 0.2, 0.5, 1.0)  # backoff between retries; the last repeats
SYNC_RETRY_S = 30.0  # a page's own write (saving an upload) gives up after this long with a HistoryError
RETRY_WINDOW_S = 5.0  # the writer's retry window per attempt; after it, it logs and carries on retrying
BACKLOG_WARNING = 1000  # queued writes before the writer logs (once) that the database is not keeping up

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
# columns added after the first release: (name, declaration); existing databases are migrated on open
ADDED_COLUMNS = (
    ("profile", f"TEXT NOT NULL DEFAULT '{DEFAULT_PROFILE}'"),  # whose session it is
    ("ended_utc", "TEXT"),  # calendar time the session was stopped / its tab closed / the upload was checked
    ("upload_key", "TEXT"),  # an upload's identity: re-checking it as another exercise updates this row
)


class HistoryError(FormcheckError):
    """The history database cannot be opened or written; the message says how to fix it. ``reason``: SQLite's or
    the file system's own words."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


def default_path() -> Path:
    return settings.db_path()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")  # calendar time for the list, never for judging


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


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
    ended_utc: str | None = None
    profile: str = DEFAULT_PROFILE


@dataclass(frozen=True)
class StoredSession:
    """A session as stored, with its final report (None when it did not end cleanly)."""

    id: int
    started_utc: str
    exercise: str
    source: str
    report: dict | None
    profile: str = DEFAULT_PROFILE  # whose session it is


class History:
    """Thread-safe (one connection guarded by a lock): the webcam writer thread and the page both use it.

    Raises ``HistoryError`` (with what to do) when the database cannot be opened: a damaged file, a folder, a place
    that cannot be written."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._lock = threading.Lock()
        self._writer: HistoryWriter | None = None
        try:
            _prepare(self.path)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise HistoryError(_cannot_open(self.path, reason)) from None
        try:
            self.transact(_setup)
        except HistoryError as exc:
            self._db.close()
            raise HistoryError(_cannot_open(self.path, exc.reason)) from None
        _private_file(self.path)

    # ---- writing (synchronous, retried while another process holds the lock) --------------------------------------
    def start(self, exercise: str, source: str, profile: str = DEFAULT_PROFILE, upload_key: str | None = None) -> int:
        if source not in ("live", "upload"):
            raise ValueError(f"source must be 'live' or 'upload', got {source!r}")
        return self.transact(_insert_session, exercise, source, profile, upload_key)

    def record(self, session_id: int, t_s: float, kind: str, side: str | None = None, detail: str = "") -> None:
        self.transact(_insert_event, session_id, t_s, kind, side, detail)  # committed at once

    def finish(self, session_id: int, report: dict) -> None:
        """Store the report and the end time; calling it again (the camera restarted and stopped) updates both."""
        self.transact(_finish_session, session_id, report)

    def replace_upload(self, upload_key: str, profile: str, exercise: str, events: list[tuple], report: dict) -> int:
        """One transaction: the upload's session (found by ``upload_key`` and ``profile``; created if new) now holds
        ``exercise``, ``events`` (t_s, kind, side, detail) and ``report``. Re-checking an upload as another exercise
        updates its session instead of adding one."""
        return self.transact(_replace_upload, upload_key, profile, exercise, events, report)

    # ---- reading ---------------------------------------------------------------------------------------------------
    def sessions(self, exercise: str | None = None, profile: str = DEFAULT_PROFILE) -> list[SessionRow]:
        """One profile's sessions, oldest first (optionally one exercise's)."""
        rows = self.transact(_read_sessions, exercise, profile)
        return [
            SessionRow(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or 0, bool(r[7]), r[8], r[9]) for r in rows
        ]

    # ---- the background writer and closing -------------------------------------------------------------------------
    @property
    def writer(self) -> HistoryWriter:
        """This history's one background writer (started on first use)."""
        with self._lock:
            if self._writer is None:
                self._writer = HistoryWriter(self)
            return self._writer

    def session(self, session_id: int) -> StoredSession | None:
        """One session with its stored report, or None when there is no such session (read-only)."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, started_utc, exercise, source, report_json, profile FROM sessions WHERE id = ?",
                (session_id,),
            ).fetchone()
        return _stored(row) if row is not None else None

    def finished(self, exercise: str, up_to: int | None = None, profile: str = DEFAULT_PROFILE) -> list[StoredSession]:
        """One profile's sessions of ``exercise`` that ended with a report (ids up to ``up_to``), oldest first
        (read-only)."""
        with self._lock:
            rows = self._db.execute(
                """SELECT id, started_utc, exercise, source, report_json, profile FROM sessions
                   WHERE exercise = ? AND report_json IS NOT NULL AND (? IS NULL OR id <= ?) AND profile = ?
                   ORDER BY id""",
                (exercise, up_to, up_to, profile),
            ).fetchall()
        return [_stored(r) for r in rows]

    def close(self, timeout_s: float = 10.0) -> None:
        """Wait (up to ``timeout_s``) for queued writes, then close the connection."""
        if self._writer is not None:
            self._writer.close(timeout_s)
        with self._lock:
            self._db.close()

    def transact(self, action: Callable[..., T], *args: Any, give_up_s: float = SYNC_RETRY_S) -> T:
        """``action(connection, *args)`` in one transaction, retried with backoff while the database is locked or busy
        (another process is writing) for up to ``give_up_s``; then, or on any other database error, HistoryError."""
        deadline = time.monotonic() + give_up_s
        for attempt in itertools.count():
            try:
                with self._lock, self._db:
                    return action(self._db, *args)
            except sqlite3.Error as exc:
                if not _is_busy(exc):
                    raise HistoryError(
                        f"the history database {self.path} could not be written ({exc})", str(exc)
                    ) from None
                if time.monotonic() >= deadline:
                    reason = f"locked by another program for {give_up_s:.0f} s"
                    raise HistoryError(f"the history database {self.path} stayed {reason}", reason) from None
                time.sleep(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)])
        raise AssertionError("unreachable")  # pragma: no cover


def _setup(db: sqlite3.Connection) -> None:
    """WAL mode, the busy timeout, the tables (older databases gain the new columns); fails when it cannot write."""
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(SCHEMA)
    have = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
    for name, declaration in ADDED_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE sessions ADD COLUMN {name} {declaration}")
    db.commit()
    try:  # can it be written at all? (a read-only file opens, and reads, fine)
        db.execute("INSERT INTO events (session_id, t_s, kind) VALUES (0, 0, 'probe')")
    finally:
        db.rollback()


def _insert_session(db: sqlite3.Connection, exercise: str, source: str, profile: str, key: str | None) -> int:
    cur = db.execute(
        "INSERT INTO sessions (started_utc, exercise, source, profile, upload_key) VALUES (?, ?, ?, ?, ?)",
        (_now(), exercise, source, profile, key),
    )
    if cur.lastrowid is None:  # pragma: no cover - sqlite always sets it after an INSERT
        raise RuntimeError("the history database did not return the new session's id")
    return cur.lastrowid


def _insert_event(db: sqlite3.Connection, sid: int, t_s: float, kind: str, side: str | None, detail: str) -> None:
    db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (sid, t_s, kind, side, detail))


def _finish_session(db: sqlite3.Connection, sid: int, report: dict) -> None:
    db.execute(
        "UPDATE sessions SET report_json = ?, ended_utc = ? WHERE id = ?",
        (json.dumps(report, allow_nan=False), _now(), sid),
    )


def _replace_upload(
    db: sqlite3.Connection, key: str, profile: str, exercise: str, events: list[tuple], report: dict
) -> int:
    row = db.execute(
        "SELECT id FROM sessions WHERE upload_key = ? AND profile = ? ORDER BY id DESC LIMIT 1", (key, profile)
    ).fetchone()
    if row is None:
        sid = _insert_session(db, exercise, "upload", profile, key)
    else:
        sid = int(row[0])
        db.execute("UPDATE sessions SET exercise = ? WHERE id = ?", (exercise, sid))
        db.execute("DELETE FROM events WHERE session_id = ?", (sid,))
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", [(sid, *e) for e in events])
    _finish_session(db, sid, report)
    return sid


def _read_sessions(db: sqlite3.Connection, exercise: str | None, profile: str) -> list[Any]:
    query = """SELECT s.id, s.started_utc, s.exercise, s.source,
                      SUM(e.kind = 'rep'), SUM(e.kind = 'hold_complete'), SUM(e.kind = 'fault'),
                      s.report_json IS NOT NULL, s.ended_utc, s.profile
               FROM sessions s LEFT JOIN events e ON e.session_id = s.id
               WHERE (? IS NULL OR s.exercise = ?) AND s.profile = ? GROUP BY s.id ORDER BY s.id"""
    return db.execute(query, (exercise, exercise, profile)).fetchall()


def _prepare(path: Path) -> None:
    """A private folder (0700) and file (0600) for the database: created so, or tightened when formcheck's own
    default folder already exists with wider permissions."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    elif folder == Path.home() / ".formcheck" and folder.stat().st_mode & 0o077:
        os.chmod(folder, 0o700)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder")
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    _private_file(path)


def _private_file(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if p.exists() and p.stat().st_mode & 0o077 and p.stat().st_uid == os.getuid():
                os.chmod(p, 0o600)
        except OSError as exc:  # e.g. a read-only file system: the database itself says so when written
            LOG.debug("could not make %s private: %s", p, exc)


def _cannot_open(path: Path, reason: object) -> str:
    return (
        f"History is off: the database {path} cannot be used ({reason}). Set FORMCHECK_DB to a file in a folder you "
        "can write (e.g. ~/.formcheck/history.sqlite), or move the damaged file away; everything else works meanwhile."
    )


def open_history(path: str | Path | None = None) -> tuple[History | None, str | None]:
    """The history, or ``(None, message)`` when it cannot be opened (a bad ``FORMCHECK_DB`` setting, a damaged
    file, a folder, a place that cannot be written): the app then works without history and says so once."""
    try:
        return History(path), None
    except SettingError as exc:
        return None, f"{exc} History is off until it is fixed."
    except HistoryError as exc:
        LOG.warning("%s", exc)
        return None, str(exc)


class HistoryWriter:
    """Writes to a ``History`` from one background thread, so a caller (the webcam frame handler) never waits on
    SQLite. ``start`` returns a handle at once; later ``record`` / ``finish`` calls name it. Writes are applied in
    order and retried while the database is locked, however long: none is dropped (see the module's note on the
    unbounded queue). ``flush`` waits until everything queued is written."""

    def __init__(self, history: History) -> None:
        self.history = history
        self._queue: queue.Queue[tuple[str, tuple] | None] = queue.Queue()
        self._handles = itertools.count(1)
        self._ids: dict[int, int] = {}  # handle -> database id (writer thread only)
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def start(self, exercise: str, source: str, profile: str = DEFAULT_PROFILE) -> int:
        if source not in ("live", "upload"):
            raise ValueError(f"source must be 'live' or 'upload', got {source!r}")
        handle = next(self._handles)
        self._put("start", (handle, exercise, source, profile))
        return handle

    def record(self, handle: int, t_s: float, kind: str, side: str | None = None, detail: str = "") -> None:
        self._put("record", (handle, t_s, kind, side, detail))

    def finish(self, handle: int, report: dict) -> None:
        self._put("finish", (handle, report))

    def pending(self) -> int:
        """Writes queued but not yet in the database."""
        return self._queue.unfinished_tasks

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every queued write is in the database (True), or ``timeout_s`` passed (False)."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return self._queue.unfinished_tasks == 0

    def close(self, timeout_s: float = 10.0) -> None:
        if not self.flush(timeout_s):
            LOG.error(
                "history: %d writes still waiting for %s after %.0f s", self.pending(), self.history.path, timeout_s
            )
        self._queue.put(None)
        self._thread.join(timeout=1.0)

    def _put(self, op: str, args: tuple) -> None:
        self._queue.put((op, args))
        if self._queue.qsize() > BACKLOG_WARNING and not self._warned:
            self._warned = True
            LOG.warning("history: %d writes waiting: %s is locked or slow", self._queue.qsize(), self.history.path)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self._apply(*item)
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _apply(self, op: str, args: tuple) -> None:
        for attempt in itertools.count():
            try:
                self._write(op, args)
                return
            except HistoryError as exc:  # locked past the retry window, disk full, read-only: keep trying
                delay = RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)]
                if attempt == 0:
                    LOG.warning("history: %s; retrying", exc)
                time.sleep(delay)
            except Exception:  # a write that can never succeed (a bug): say so, and go on with the next one
                LOG.exception("history: dropped a %s write", op)
                return

    def _write(self, op: str, args: tuple) -> None:
        h, window = self.history, RETRY_WINDOW_S
        if op == "start":
            handle, exercise, source, profile = args
            if handle not in self._ids:
                self._ids[handle] = h.transact(_insert_session, exercise, source, profile, None, give_up_s=window)
        elif op == "record":
            handle, *rest = args
            h.transact(_insert_event, self._ids[handle], *rest, give_up_s=window)
        elif op == "finish":
            handle, report = args
            h.transact(_finish_session, self._ids[handle], report, give_up_s=window)


def save_report(
    history: History,
    report,
    source: str = "upload",
    profile: str = DEFAULT_PROFILE,
    upload_key: str | None = None,
    extra: dict | None = None,
) -> int:
    """Store a finished session (e.g. an analysed upload) with its reps (full and partial), completed holds and
    faults. With ``upload_key``, an upload already saved (as any exercise) is updated instead of added again;
    ``extra`` is kept beside the report (e.g. the key angles over time, for the clinician report)."""
    from formcheck.app.export import report_dict

    events: list[tuple] = [(r.start_s, "rep" if r.full else "partial_rep", r.side, "") for r in report.rep_details]
    events += [(hold.start_s, "hold_complete", hold.side, "") for hold in report.holds if hold.completed]
    events += [(e.start_s, "fault", e.side, e.message) for e in getattr(report, "fault_events", [])]
    stored = report_dict(report) | (extra or {})
    if upload_key is not None:
        return history.replace_upload(upload_key, profile, report.exercise, events, stored)
    sid = history.start(report.exercise, source, profile)
    for event in events:
        history.record(sid, *event)
    history.finish(sid, stored)
    return sid


def _stored(row: tuple) -> StoredSession:
    return StoredSession(row[0], row[1], row[2], row[3], json.loads(row[4]) if row[4] else None, row[5])
