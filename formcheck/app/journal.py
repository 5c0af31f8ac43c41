"""The live session's journal: writes reps, completed holds and new faults to the history the moment they happen, and
closes each exercise's history session with its report. A lasting fault is written once, when it begins."""

from __future__ import annotations

from formcheck.app.export import report_dict
from formcheck.app.history import History
from formcheck.checking.report import Report
from formcheck.values import Feedback


class Journal:
    """History writing for one live stream. ``exercise`` names the exercise a frame's events belong to."""

    def __init__(self, history: History | None) -> None:
        self.history = history
        self._session_id: int | None = None
        self._logged_faults: set[str] = set()  # faults already written, so a lasting fault is logged once

    def record(self, fb: Feedback, exercise: str) -> None:
        """Write this frame's reps, completed holds and newly begun faults."""
        if self.history is None or not (fb.events or fb.faults):
            return
        if self._session_id is None:
            self._session_id = self.history.start(exercise, "live")
        for event in fb.events:
            if event in ("rep", "partial_rep", "hold_complete"):
                self.history.record(self._session_id, fb.t, event, fb.side)
        for fault in fb.faults:
            if fault not in self._logged_faults:
                self.history.record(self._session_id, fb.t, "fault", fb.side, fault)
        self._logged_faults = set(fb.faults)

    def finish(self, report: Report | None) -> None:
        """Close the exercise's history session (if anything was written) with its report; the next write opens a
        new one."""
        if self.history is not None and self._session_id is not None and report is not None:
            self.history.finish(self._session_id, report_dict(report))
        self._session_id = None
        self._logged_faults = set()
