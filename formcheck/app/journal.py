"""The live session's journal: writes reps, completed holds and faults to the history the moment they stand, and
closes each exercise's history session with its report. A fault is written once: a fault of a rep when the rep is
counted, any other when it ends (``Feedback.final_faults``), at the time it began. The report keeps the exercise's
key angles over time (:class:`formcheck.app.charts.TraceRecorder`, constant memory), for the clinician report's plots.

Every write goes through the history's background writer (:class:`formcheck.app.history.HistoryWriter`), so the
frame handler that calls ``record`` never waits on SQLite, even while another program holds the database's lock."""

from __future__ import annotations

from formcheck.app.charts import TraceRecorder
from formcheck.app.clinician import traces_data
from formcheck.app.export import report_dict
from formcheck.app.history import DEFAULT_PROFILE, History, HistoryWriter
from formcheck.checking.report import Report
from formcheck.checking.routine import RoutineRunner
from formcheck.checking.session import ExerciseSession
from formcheck.values import Feedback, FrameResult


class Journal:
    """History writing for one live stream, as ``profile``. ``exercise`` names the exercise a frame's events
    belong to."""

    def __init__(self, history: History | None, profile: str = DEFAULT_PROFILE) -> None:
        self.writer: HistoryWriter | None = history.writer if history is not None else None
        self.profile = profile
        self._session: int | None = None  # the writer's handle for the open history session
        self._traces: TraceRecorder | None = None  # the open session's key angles over time

    def log(self, result: FrameResult, checker: ExerciseSession | RoutineRunner | None) -> None:
        """One frame judged by ``checker``: its events are written, its angles traced; a routine's finished exercise
        is closed."""
        fb = result.feedback
        if checker is None or fb is None:
            return
        routine = checker if isinstance(checker, RoutineRunner) else None
        moved_on = "exercise_done" in fb.events and routine is not None
        # the frame that finishes an exercise belongs to it, not to the routine's next one
        key = routine.finished_reports[-1].exercise if moved_on and routine else checker.exercise.key
        if self.writer is not None and not moved_on:
            if self._traces is None or self._traces.exercise.key != key:
                self._traces = TraceRecorder(checker.exercise)
            self._traces.add(result)
        self.record(fb, key)
        if moved_on and routine:
            self.finish(routine.finished_reports[-1])

    def record(self, fb: Feedback, exercise: str) -> None:
        """Write this frame's reps, completed holds and the faults that stand from it (at the time each began)."""
        if self.writer is None or not (fb.events or fb.final_faults):
            return
        if self._session is None:
            self._session = self.writer.start(exercise, "live", self.profile)
        for event in fb.events:
            if event in ("rep", "partial_rep", "hold_complete"):
                self.writer.record(self._session, fb.t, event, fb.side)
        for fault in fb.final_faults:
            self.writer.record(self._session, fault.start_s, "fault", fault.side, fault.message)

    def pause(self, report: Report | None) -> None:
        """The camera stopped or the tab closed: give the open session its end time and report now. It stays open,
        so if the camera starts again its reps join the same session (and its end time moves on)."""
        if self.writer is not None and self._session is not None and report is not None:
            traces = self._traces.traces() if self._traces is not None else []
            self.writer.finish(self._session, report_dict(report) | ({"traces": traces_data(traces)} if traces else {}))

    def finish(self, report: Report | None) -> None:
        """Close the exercise's history session (if anything was written) with its report; the next write opens a
        new one."""
        self.pause(report)
        self._session, self._traces = None, None

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until everything written so far is in the database (True) or ``timeout_s`` passed."""
        return self.writer is None or self.writer.flush(timeout_s)
