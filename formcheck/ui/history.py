"""History page: past sessions from the local SQLite database, and progress over time."""

import streamlit as st

from formcheck.app.clinician import history_report_html
from formcheck.app.history import History, default_path
from formcheck.errors import SettingError
from formcheck.exercises import REGISTRY

st.title("formcheck: history")
try:
    st.caption(f"Stored on this machine only, in {default_path()} (set FORMCHECK_DB to change).")
except SettingError as exc:
    st.error(str(exc))
    st.stop()
history = History()
names = {ex.name: key for key, ex in REGISTRY.items()}
choice = st.selectbox("Exercise", ["(all)", *names])
rows = history.sessions(names.get(choice))
if not rows:
    st.info("No sessions yet: do an exercise on the live page or analyse a recording.")
else:
    table = [
        {
            "date (UTC)": r.started_utc,
            "exercise": REGISTRY[r.exercise].name if r.exercise in REGISTRY else r.exercise,
            "from": r.source,
            "reps": r.reps,
            "holds completed": r.holds,
            "faults": r.faults,
            "finished": r.ended,
        }
        for r in reversed(rows)
    ]
    st.dataframe(table, width="stretch")
    if choice in names:
        st.line_chart({"reps": [r.reps for r in rows], "holds completed": [r.holds for r in rows]})
    finished = [r for r in reversed(rows) if r.ended]
    if finished:
        picked = st.selectbox(
            "Report for your physiotherapist",
            finished,
            format_func=lambda r: (
                f"#{r.id} {r.started_utc} "
                f"{REGISTRY[r.exercise].name if r.exercise in REGISTRY else r.exercise} ({r.source})"
            ),
        )
        st.download_button(
            "Download the report (HTML, prints to PDF)",
            history_report_html(history, picked.id),
            file_name=f"formcheck_report_{picked.id}.html",
            mime="text/html",
        )
