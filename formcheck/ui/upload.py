"""Analyse an uploaded recording. Thin: every decision lives in the formcheck package.

The model runs once per upload (results kept in the session); picking another exercise re-checks those results at
once and redraws the video. The upload is written to a temporary folder that is deleted right after each use.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import altair as alt
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from formcheck import settings
from formcheck.app import export
from formcheck.app.access import upload_cap
from formcheck.app.charts import angle_traces
from formcheck.app.clinician import history_report_html, traces_data
from formcheck.app.history import open_history, save_report
from formcheck.app.recording import analyse_recording, apply_session, check_upload, render_annotated
from formcheck.checking.suggest import not_recognised, suggest_exercise
from formcheck.errors import FormcheckError, SettingError
from formcheck.exercises import REGISTRY
from formcheck.media.draw import annotate
from formcheck.media.video import IMAGE_SUFFIXES, VIDEO_SUFFIXES, VideoSource
from formcheck.pose.estimator import Variant
from formcheck.ui.signin import profile

try:  # the same limit everywhere: the setting, unless Streamlit's own server.maxUploadSize is lower
    MAX_UPLOAD_MB, cap_note = upload_cap(settings.max_upload_mb(), st.get_option("server.maxUploadSize"))
except SettingError as exc:
    st.error(str(exc))
    st.stop()
MAX_MINUTES = 10  # longer recordings: the first 10 minutes are analysed, and the page says so
SUGGEST, ANGLES_ONLY = "Suggest from the video", "(angles only)"
state = st.session_state

st.title("formcheck: analyse a recording")
st.caption(
    "Checks your form for the psoas / hip-flexor routine. Everything runs on this machine: "
    "your video is never sent anywhere and the upload is deleted after analysis."
)
upload = st.file_uploader(
    f"Upload a recording (side view, whole body in frame; up to {MAX_UPLOAD_MB} MB)",
    type=sorted(s.lstrip(".") for s in VIDEO_SUFFIXES | IMAGE_SUFFIXES),
)
if cap_note:
    st.info(cap_note)
model: Variant = (
    "lite"
    if st.radio("Pose model", ["full", "lite"], horizontal=True, help="lite is faster, full more accurate") == "lite"
    else "full"
)
names = {ex.name: key for key, ex in REGISTRY.items()}
choice = st.selectbox("Exercise", [SUGGEST, ANGLES_ONLY, *names])
if upload is None:
    st.stop()
received: UploadedFile = upload  # narrowed for the helpers below (st.stop() never returns)


@contextmanager
def upload_file() -> Iterator[Path]:
    """The upload as a temporary file, deleted when the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{Path(received.name).suffix.lower()}"
        path.write_bytes(received.getvalue())
        yield path


def show_error(exc: FormcheckError) -> None:
    st.error(str(exc).replace(f"upload{Path(received.name).suffix.lower()}", received.name))
    st.stop()


try:
    check_upload(upload.name, upload.size, MAX_UPLOAD_MB * 2**20)
except FormcheckError as exc:
    show_error(exc)
key = (upload.file_id, model)
if state.get("analysis_key") != key:
    bar = st.progress(0.0, text="Analysing...")

    def progress(done: int, total: int) -> None:
        if total > 0 and done % 10 == 0:
            bar.progress(min(done / total, 1.0), text=f"Analysing frame {done} of {total}")

    try:
        with upload_file() as src:
            state.analysis = analyse_recording(src, model, progress=progress, max_duration_s=MAX_MINUTES * 60)
    except FormcheckError as exc:
        bar.empty()
        show_error(exc)
    bar.empty()
    state.analysis_key, state.suggestions, state.video = key, None, {}
results, summary = state.analysis
summary.source = upload.name

cols = st.columns(4)
cols[0].metric("Frames", summary.frames)
cols[1].metric("With a person", f"{summary.person_fraction:.0%}")
cols[2].metric("Duration", f"{summary.duration_s:.1f} s")
cols[3].metric("Processed at", f"{summary.processing_fps:.0f} fps")
for msg in summary.messages:
    st.warning(msg)

exercise: str | None = names.get(choice)
if choice == SUGGEST and len(results) == 1:
    st.info("A photo shows no movement to recognise: pick the exercise above to check the position in it.")
elif choice == SUGGEST and summary.frames_with_person:
    if state.suggestions is None:
        state.suggestions = suggest_exercise(results)
    best = state.suggestions[0]
    if best.confident:
        exercise = best.exercise
        st.info(
            f"This looks like **{REGISTRY[best.exercise].name}** (match {best.score:.0%}). "
            "Not right? Pick the exercise above."
        )
    else:
        st.warning(not_recognised(state.suggestions, lambda key: REGISTRY[key].name))
session = apply_session(results, exercise) if exercise else None
if session is None:
    for r in results:
        r.feedback = None

if exercise not in state.video and not (len(results) == 1 and summary.video_fps == 0):
    bar = st.progress(0.0, text="Drawing the annotated video...")
    with tempfile.TemporaryDirectory() as tmp, upload_file() as src:
        out = Path(tmp) / "annotated.mp4"

        def drawn(done: int, total: int) -> None:
            if done % 10 == 0:
                bar.progress(min(done / total, 1.0))

        render_annotated(src, results, out, drawn)
        state.video[exercise] = out.read_bytes()
    bar.empty()
if state.video.get(exercise):
    st.video(state.video[exercise], format="video/mp4")
elif results and summary.video_fps == 0:  # a still image: show it annotated
    with upload_file() as src:
        st.image(annotate(next(iter(VideoSource(src))).image, results[0]), channels="BGR")

report = session.report() if session is not None else None
if report is not None:
    if state.setdefault("saved_as", {}).get(key) != exercise:  # once per upload and exercise, not every rerun
        history, state.history_problem = open_history()
        if history is not None:  # re-checked as another exercise: the upload's one session is updated
            traces = traces_data(angle_traces(results, REGISTRY[report.exercise]))  # kept for the clinician report
            state.saved_id = save_report(
                history, report, profile=profile(), upload_key=f"{upload.file_id}:{model}", extra={"traces": traces}
            )
            history.close()
        state.saved_as[key] = exercise
    if state.get("history_problem"):
        st.warning(state.history_problem)  # the results below are complete; only saving them is off
    st.subheader(f"{REGISTRY[report.exercise].name} - {report.prescription}")
    if report.reps:
        st.write(
            "Full reps (reached the prescription's target): "
            + ", ".join(f"{side} {n}" for side, n in report.reps.items())
            + (f" - left/right symmetry {report.symmetry:.0%}" if report.symmetry is not None else "")
        )
        if any(report.partial_reps.values()):
            st.write(
                "Partial reps (short of the target): "
                + ", ".join(f"{side} {n}" for side, n in report.partial_reps.items())
            )
        if report.rep_details:
            st.dataframe(export.rep_rows(report), width="stretch", hide_index=True)
    if report.holds:
        st.write(
            "Holds that reached the target: "
            + (", ".join(f"{k} {v}" for k, v in report.holds_completed.items()) or "none")
        )
        st.dataframe([export.clean(vars(h)) for h in report.holds], width="stretch", hide_index=True)
    if report.fault_events:
        st.write(f"Form faults ({len(report.fault_events)}), the same as in each rep's verdict:")
        st.dataframe(export.fault_rows(report), width="stretch", hide_index=True)
    elif report.frames_judged:
        st.success("No form faults: every rule held wherever it applies.")
    st.subheader("Key angles over time")
    st.caption(
        "Degrees (180 = straight). Dashed lines are the limits each angle is judged against; gaps are "
        "frames that were not judged (not in position, or the joint was hidden)."
    )
    charts = st.columns(2)
    for i, trace in enumerate(angle_traces(results, REGISTRY[report.exercise])):
        line = (
            alt.Chart(alt.Data(values=trace.rows()))
            .mark_line()
            .encode(x=alt.X("t_s:Q", title="time (s)"), y=alt.Y("deg:Q", title="degrees"))
        )
        rules = (
            alt.Chart(alt.Data(values=[{"deg": v, "limit": label} for label, v in trace.thresholds]))
            .mark_rule(strokeDash=[6, 4], color="#d62728")
            .encode(y="deg:Q", tooltip=["limit:N", "deg:Q"])
        )
        charts[i % 2].altair_chart((line + rules).properties(title=trace.name, height=220), width="stretch")

report_history, _ = open_history() if report is not None and state.get("saved_id") else (None, None)
if report_history is not None:
    session_id = state.saved_id
    report_html = history_report_html(report_history, session_id, profile())
    report_history.close()
    st.download_button(
        "Report for your physiotherapist (HTML, prints to PDF)",
        report_html,
        file_name=f"formcheck_report_{session_id}.html",
        mime="text/html",
        help="This session: prescription against what was done, every rep, the key angles, left/right symmetry and "
        "your trend over past sessions. One file: open it in any browser, print it to PDF.",
    )
st.download_button("Angles per frame (CSV)", export.to_csv(results), file_name="formcheck_angles.csv")
st.download_button(
    "Angles and summary (JSON)",
    export.to_json(results, summary, {"report": export.report_dict(report)} if report else None),
    file_name="formcheck.json",
)
