"""Live webcam page: the controls in the sidebar, the live view (formcheck/ui/live_view, a component) in the page.
The camera, the skeleton and the cues live in the browser; the frames go to formcheck.app.channel over the live
socket, which this page's session token opens to its own processor (and so to the signed-in person's history)."""

from __future__ import annotations

import streamlit as st

from formcheck.app.channel import HUB
from formcheck.app.history import open_history
from formcheck.app.live import LiveProcessor
from formcheck.app.panel import idle_panel
from formcheck.checking.routine import RoutineRunner
from formcheck.exercises import REGISTRY
from formcheck.ui.component import live_view
from formcheck.ui.signin import profile

state = st.session_state
# the page sits high on the screen, so the live view below fits the window without scrolling
st.html(
    "<style>[data-testid='stMainBlockContainer'] {padding-top: 3.6rem; padding-bottom: 0.5rem}"
    " h1 {font-size: 1.5rem !important; padding: 0 0 0.2rem 0 !important}</style>"
)
st.title("formcheck: live")
if "live_processor" not in state:
    history, state.history_problem = open_history()  # None (and a message) when the database cannot be used
    state.live_processor = LiveProcessor(history=history, profile=profile())  # reps/holds saved as they happen
    state.live_token = HUB.register(state.live_processor)  # the live socket's key to this session's processor
if state.history_problem:
    st.warning(state.history_problem)
processor: LiveProcessor = state.live_processor

with st.sidebar:
    mode = st.radio("Mode", ["One exercise", "Guided routine"], horizontal=True, key="live_mode")
    names = {ex.name: key for key, ex in REGISTRY.items()}
    if mode == "One exercise":
        key = names[st.selectbox("Exercise", list(names), key="live_exercise")]
        if state.get("live_current") != key:
            processor.set_exercise(key)  # changing exercise resets counters and timers
            state.live_current = key
        st.caption(f"{REGISTRY[key].prescription.text}. Set-up: {REGISTRY[key].setup}.")
    else:
        if state.get("live_current") != "routine":
            processor.set_routine(RoutineRunner())
            state.live_current = "routine"
        st.caption("The whole routine in order, one exercise and side at a time; Skip and Back are on the view.")
    st.caption("Sound and voice switches, and the mat view (full screen), are on the live view.")

routine = processor.routine
live_view(state.live_token, idle_panel(processor.exercise, routine.status() if routine else None), routine is not None)
