"""formcheck's web app (Streamlit). Thin: every decision lives in the formcheck package."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from formcheck import export
from formcheck.analysis import analyse_recording
from formcheck.errors import FormcheckError
from formcheck.exercises import REGISTRY
from formcheck.history import History, save_report
from formcheck.session import ExerciseSession
from formcheck.video import IMAGE_SUFFIXES, VIDEO_SUFFIXES

MAX_UPLOAD_MB = 200
st.title("formcheck: analyse a recording")
st.caption("Checks your form for the psoas / hip-flexor routine. Everything runs on this machine: "
           "your video is never sent anywhere and the upload is deleted after analysis.")

upload = st.file_uploader("Upload a recording (side view, whole body in frame)",
                          type=sorted(s.lstrip(".") for s in VIDEO_SUFFIXES | IMAGE_SUFFIXES))
model = st.radio("Pose model", ["full", "lite"], horizontal=True, help="lite is faster, full more accurate")
names = {ex.name: key for key, ex in REGISTRY.items()}
choice = st.selectbox("Exercise", ["(angles only)", *names])

if upload is not None:
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"{upload.name} is {upload.size / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
        st.stop()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
        src.write_bytes(upload.getvalue())
        out = Path(tmp) / "annotated.mp4"
        bar = st.progress(0.0, text="Analysing...")

        def progress(done: int, total: int) -> None:
            if total > 0 and done % 10 == 0:
                bar.progress(min(done / total, 1.0), text=f"Analysing frame {done} of {total}")

        session = ExerciseSession(REGISTRY[names[choice]]) if choice in names else None
        try:
            results, summary = analyse_recording(src, model, out=out, progress=progress, session=session)
        except FormcheckError as exc:
            bar.empty()
            st.error(str(exc).replace(src.name, upload.name))
            st.stop()
        bar.empty()
        video_bytes = out.read_bytes() if out.exists() else None
    summary.source = upload.name
    cols = st.columns(4)
    cols[0].metric("Frames", summary.frames)
    cols[1].metric("With a person", f"{summary.person_fraction:.0%}")
    cols[2].metric("Duration", f"{summary.duration_s:.1f} s")
    cols[3].metric("Processed at", f"{summary.processing_fps:.0f} fps")
    for msg in summary.messages:
        st.warning(msg)
    if video_bytes:
        st.video(video_bytes, format="video/mp4")
    if session is not None:
        report = session.report()
        save_report(History(), report)
        st.subheader(f"{REGISTRY[report.exercise].name} - {report.prescription}")
        if report.reps:
            st.write("Reps: " + ", ".join(f"{side} {n}" for side, n in report.reps.items()))
            st.dataframe([export.clean(vars(r)) for r in report.rep_details], use_container_width=True)
        if report.holds:
            st.write("Holds that reached the target: "
                     + (", ".join(f"{k} {v}" for k, v in report.holds_completed.items()) or "none"))
            st.dataframe([export.clean(vars(h)) for h in report.holds], use_container_width=True)
        for fault, n in report.faults.items():
            st.warning(f"{fault} (x{n})")
    st.download_button("Angles per frame (CSV)", export.to_csv(results), file_name="formcheck_angles.csv")
    st.download_button("Angles and summary (JSON)", export.to_json(results, summary), file_name="formcheck.json")
