"""History page: the signed-in person's past sessions from the local SQLite database, and progress over time."""

import streamlit as st

from formcheck.app.clinician import history_report_html
from formcheck.app.history import open_history
from formcheck.exercises import REGISTRY
from formcheck.ui.signin import profile, signed_in

st.title("formcheck: history")
history, problem = open_history()
if history is None:  # a bad FORMCHECK_DB or a database that cannot be opened: one message with the fix
    st.error(problem)
    st.stop()
if signed_in():  # on the network: whose sessions these are; where the file is stays with whoever runs formcheck
    st.caption(f"Sessions of {profile()}, stored on the machine running formcheck.")
else:
    st.caption(f"Stored on this machine only, in {history.path} (set FORMCHECK_DB to change).")
names = {ex.name: key for key, ex in REGISTRY.items()}
choice = st.selectbox("Exercise", ["(all)", *names])
rows = history.sessions(names.get(choice), profile=profile())
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
            "ended (UTC)": r.ended_utc or "",
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
            key="report_session",
            format_func=lambda r: (
                f"#{r.id} {r.started_utc} "
                f"{REGISTRY[r.exercise].name if r.exercise in REGISTRY else r.exercise} ({r.source})"
            ),
        )
        st.download_button(
            "Download the report (HTML, prints to PDF)",
            history_report_html(history, picked.id, profile()),
            file_name=f"formcheck_report_{picked.id}.html",
            mime="text/html",
        )
history.close()
