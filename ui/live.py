"""Live webcam page: streamlit-webrtc streams the camera, formcheck.live does the work in the callback thread."""
from __future__ import annotations

import json
import os
import time

import av
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from formcheck.exercises import REGISTRY
from formcheck.history import History
from formcheck.live import LiveProcessor
from formcheck.session import progress_line

# No STUN/TURN by default: works offline and on one machine. Deployments behind NAT set FORMCHECK_ICE_SERVERS to a
# JSON list, e.g. '[{"urls": ["stun:stun.example.org:3478"]}]'.
ICE = {"iceServers": json.loads(os.environ.get("FORMCHECK_ICE_SERVERS", "[]"))}

st.title("formcheck: live")
names = {ex.name: key for key, ex in REGISTRY.items()}
choice = st.selectbox("Exercise", list(names), key="live_exercise")
key = names[choice]
if "live_processor" not in st.session_state:
    st.session_state.live_processor = LiveProcessor(key, history=History())  # reps/holds saved as they happen
processor: LiveProcessor = st.session_state.live_processor
if st.session_state.get("live_current") != key:
    processor.set_exercise(key)  # changing exercise resets counters and timers
    st.session_state.live_current = key
st.caption(f"{REGISTRY[key].prescription.text}. Set-up: {REGISTRY[key].setup}.")


def callback(frame: av.VideoFrame) -> av.VideoFrame:
    t = float(frame.time) if frame.time is not None else time.monotonic()
    out = processor.process(frame.to_ndarray(format="bgr24"), t)
    return av.VideoFrame.from_ndarray(out, format="bgr24")


ctx = webrtc_streamer(key="formcheck-live", mode=WebRtcMode.SENDRECV, rtc_configuration=ICE,
                      media_stream_constraints={"video": True, "audio": False},
                      video_frame_callback=callback, async_processing=True)
cue, stats = st.empty(), st.empty()
while ctx.state.playing:
    s = processor.latest()
    fb = s.feedback
    if fb is not None:
        line = progress_line(fb, REGISTRY[key].prescription.sets)
        text = f"{fb.cue}  |  {line}" if line else fb.cue
        (cue.success if fb.level == "ok" else cue.warning)(text)
    stats.markdown(f"frames processed: **{s.frames}** - with a person: **{s.frames_with_person}** - "
                   f"time {s.timestamp_s:.1f} s")
    time.sleep(0.25)
