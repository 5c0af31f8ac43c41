"""Live webcam page: streamlit-webrtc streams the camera, formcheck.app.live does the work in the callback thread."""

from __future__ import annotations

import time

import av
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from formcheck import settings
from formcheck.app.camera import CameraWatch, StartRaceGuard
from formcheck.app.history import open_history
from formcheck.app.live import LiveProcessor
from formcheck.app.summary import MSG_MORE_PEOPLE
from formcheck.checking.routine import RoutineRunner
from formcheck.checking.session import progress_line
from formcheck.errors import SettingError
from formcheck.exercises import REGISTRY
from formcheck.media.sounds import most_important, tone_wav
from formcheck.ui.signin import profile

# No STUN/TURN by default: works offline and on one machine. Deployments behind NAT set FORMCHECK_ICE_SERVERS
# (formcheck.settings).
try:
    ICE = {"iceServers": settings.ice_servers()}
except SettingError as exc:
    st.error(str(exc))
    st.stop()
state = st.session_state

st.title("formcheck: live")
st.html("<style>[class*='st-key-fc-sound'] {display: none}</style>")  # sounds play without a visible player
top = st.columns([2, 3, 1])
mode = top[0].radio("Mode", ["One exercise", "Guided routine"], horizontal=True, key="live_mode")
names = {ex.name: key for key, ex in REGISTRY.items()}
if "live_processor" not in state:
    history, state.history_problem = open_history()  # None (and a message) when the database cannot be used
    state.live_processor = LiveProcessor(history=history, profile=profile())  # reps/holds saved as they happen
    state.camera_watch, state.start_guard = CameraWatch(), StartRaceGuard()
if state.history_problem:
    st.warning(state.history_problem)
processor: LiveProcessor = state.live_processor
if mode == "One exercise":
    key = names[top[1].selectbox("Exercise", list(names), key="live_exercise")]
    if state.get("live_current") != key:
        processor.set_exercise(key)  # changing exercise resets counters and timers
        state.live_current = key
    st.caption(f"{REGISTRY[key].prescription.text}. Set-up: {REGISTRY[key].setup}.")
else:
    if state.get("live_current") != "routine":
        processor.set_routine(RoutineRunner())
        state.live_current = "routine"
    buttons = top[1].columns(2)
    if buttons[0].button("Back one step"):
        processor.routine_command("back")
    if buttons[1].button("Skip this step"):
        processor.routine_command("skip")
muted = not top[2].toggle(
    "Sound", value=True, help="A chime when a hold or set is done, a blip per rep, a low buzz when the form breaks"
)


def callback(frame: av.VideoFrame) -> av.VideoFrame:
    t = float(frame.time) if frame.time is not None else time.monotonic()
    out = processor.process(frame.to_ndarray(format="bgr24"), t)
    return av.VideoFrame.from_ndarray(out, format="bgr24")


ctx = webrtc_streamer(
    key="formcheck-live",
    mode=WebRtcMode.SENDRECV,
    rtc_configuration=ICE,
    media_stream_constraints={"video": True, "audio": False},
    video_frame_callback=callback,
    on_video_ended=processor.stopped,  # STOP or a closed tab: the history session gets its end time
    async_processing=True,
    desired_playing_state=state.start_guard.desired,
)


@st.fragment(run_every=0.5)
def status() -> None:
    now = time.monotonic()  # the page's clock: only for camera messages, never for holds or reps
    if state.start_guard.update(ctx.state.playing, now):  # recovering from the start-up race
        st.rerun(scope="app")
    s = processor.latest()
    streaming = ctx.state.playing or ctx.state.signalling  # frames can flow before the component reports "playing"
    camera = state.camera_watch.update(streaming, s.frames, now)
    if camera:
        st.info(camera)
    routine = processor.routine
    if routine is not None:
        rs = s.routine or routine.status()
        (st.success if rs.finished else st.markdown)(
            f"**{rs.line}**" + (f"  \nNext: {rs.next_title}" if rs.next_title else "")
        )
        st.caption(f"{REGISTRY[rs.step.exercise].prescription.text}. Set-up: {REGISTRY[rs.step.exercise].setup}.")
    if s.n_people > 1 and streaming:
        st.info(MSG_MORE_PEOPLE.format(n=s.n_people))
    fb = s.feedback
    if fb is not None and streaming:
        line = progress_line(fb, REGISTRY[s.exercise].prescription.sets) if s.exercise else ""
        text = f"{fb.cue}  |  {line}" if line else fb.cue
        (st.success if fb.level == "ok" else st.warning)(text)
    st.markdown(
        f"frames processed: **{s.frames}** - with a person: **{s.frames_with_person}** - time {s.timestamp_s:.1f} s"
    )
    if s.sounds and not muted:
        state.sound = (state.get("sound", (0, ""))[0] + 1, most_important(s.sounds))
    if "sound" in state and not muted:  # kept on the page until the next one, so it is not cut short
        n, sound = state.sound
        with st.container(key=f"fc-sound-{n}"):  # hidden by the CSS above
            st.audio(tone_wav(sound), autoplay=True, alt=f"{sound} {n}")  # a new alt = a new element: it plays


status()
