"""The live page's channel without a browser: the token, the frame messages, the answers, the camera messages, and
the on-screen panel's wording (no model: the synthetic marcher stands in for it)."""

from __future__ import annotations

import json
import struct

import cv2
import numpy as np
import pytest

from formcheck.app.camera import MSG_CAMERA_STOPPED
from formcheck.app.channel import HUB, MSG_BAD_FRAME, MSG_BAD_TOKEN, ChannelError, LiveChannel, LiveHub, parse_frame
from formcheck.app.history import History
from formcheck.app.live import LiveProcessor
from formcheck.app.panel import BONES, MSG_CROOKED_LIVE, MSG_DIM_LIVE, count_text, frame_panel, idle_panel, split_cue
from formcheck.checking.routine import RoutineRunner, Step
from formcheck.values import Feedback
from tests.factory import MarchingEstimator

JPEG = cv2.imencode(".jpg", np.full((480, 640, 3), 90, np.uint8))[1].tobytes()


def frame_message(seq: int, t_ms: float, image: bytes = JPEG) -> bytes:
    header = json.dumps({"seq": seq, "t": t_ms}).encode()
    return struct.pack("<I", len(header)) + header + image


def connected(proc: LiveProcessor, hub: LiveHub = HUB, clock=lambda: 0.0) -> LiveChannel:
    channel = LiveChannel(hub, clock)
    [hello] = channel.text(json.dumps({"type": "hello", "token": hub.register(proc)}))
    assert hello["type"] == "hello" and hello["bones"] == BONES and "rep" in hello["tones"]
    return channel


def test_only_a_page_sessions_token_opens_the_channel():
    hub = LiveHub()
    channel = LiveChannel(hub)
    for token in ("guessed", None, 42):
        with pytest.raises(ChannelError, match="Reload the page") as err:
            channel.text(json.dumps({"type": "hello", "token": token}))
        assert err.value.fatal and str(err.value) == MSG_BAD_TOKEN
    with pytest.raises(ChannelError, match="hello"):
        channel.frame(frame_message(1, 0.0))  # no frames before the hello
    with pytest.raises(ChannelError) as err:
        channel.text("not json")
    assert err.value.fatal
    proc = LiveProcessor("bridge", estimator_factory=MarchingEstimator)
    token = hub.register(proc)
    assert hub.get(token) is proc and len(token) >= 32
    del proc  # the page session is gone: so is its token
    assert hub.get(token) is None


def test_frames_are_answered_with_what_to_draw_show_play_and_say(tmp_path):
    history = History(tmp_path / "h.sqlite")
    proc = LiveProcessor("standing_march", history=history, estimator_factory=MarchingEstimator)
    channel = connected(proc)
    channel.text(json.dumps({"type": "camera", "state": "started"}))
    answers = [channel.frame(frame_message(i, 5000.0 + i * 1000 / 30)) for i in range(150)]  # 5 s at 30 fps
    last = answers[-1]
    assert [a["seq"] for a in answers] == list(range(150)) and last["frames"] == 150
    assert last["t"] == pytest.approx(5000.0 + 149 * 1000 / 30)  # the browser's own capture time, echoed
    points = last["pose"]["points"]
    assert len(points) == 33 and all(0.0 <= v <= 1.0 for p in points if p for v in p)
    assert {lab["text"] for lab in last["pose"]["labels"]} and last["panel"][
        "exercise"
    ] == "Standing march (knee lifts)"
    reps = sum(a["sound"] == "rep" for a in answers)
    assert reps >= 4 and last["panel"]["count"] == f"L {reps - reps // 2} · R {reps // 2}"
    said = [a["say"] for a in answers if a["say"]]
    assert said and said[0] == "1" and all(s.isdigit() for s in said)
    assert set(last["srv"]) == {"decode_ms", "model_ms", "check_ms", "encode_ms"}
    channel.text(json.dumps({"type": "camera", "state": "stopped"}))  # Stop camera: the session gets its end time
    assert proc.journal.flush()
    [row] = history.sessions()
    assert row.ended and row.reps == reps
    proc.close()


def test_a_bad_frame_is_one_message_and_many_end_the_connection():
    channel = connected(LiveProcessor("bridge", estimator_factory=MarchingEstimator))
    for bad in (b"", b"\x00\x00", struct.pack("<I", 5000) + b"{}", frame_message(1, -5.0), frame_message(1, 0, b"x")):
        with pytest.raises(ChannelError) as err:
            channel.frame(bad)
        assert str(err.value) == MSG_BAD_FRAME
    with pytest.raises(ChannelError):
        parse_frame(struct.pack("<I", 3) + b"{}}")
    channel.frame(frame_message(2, 100.0))  # a good one still works
    fatal = []
    for _ in range(10):
        with pytest.raises(ChannelError) as err:
            channel.frame(frame_message(3, 200.0, b"not a jpeg"))
        fatal.append(err.value.fatal)
    assert fatal == [False] * 9 + [True]  # ten in a row: the connection ends


def test_camera_messages_come_from_the_servers_clock_and_only_when_they_change():
    now = [0.0]
    proc = LiveProcessor("bridge", estimator_factory=MarchingEstimator)
    channel = connected(proc, clock=lambda: now[0])
    assert channel.tick() is None  # not started: nothing to say
    channel.text(json.dumps({"type": "camera", "state": "started"}))
    for i in range(30):
        now[0] = i / 30
        channel.frame(frame_message(i, i * 33.3))
    now[0] = 5.0  # no frames for 4 s
    lost = channel.tick()
    assert lost is not None and "No frames from the camera for 4 s" in lost["camera"]
    assert channel.tick() is None  # said once
    now[0] = 5.1
    channel.frame(frame_message(31, 5000.0))
    assert channel.tick() == {"type": "status", "camera": None}  # back
    [stopped] = channel.text(json.dumps({"type": "camera", "state": "stopped"}))
    assert stopped["camera"] == MSG_CAMERA_STOPPED


def test_the_routine_is_moved_from_the_view():
    proc = LiveProcessor(estimator_factory=MarchingEstimator)
    proc.set_routine(RoutineRunner([Step("kneeling_hip_flexor", "left", "hold", 3), Step("bridge", None, "hold", 3)]))
    channel = connected(proc)
    assert channel.text(json.dumps({"type": "hello", "token": HUB.register(proc)}))[0]["panel"]["side"] == "LEFT SIDE"
    [moved] = channel.text(json.dumps({"type": "routine", "command": "skip"}))
    assert moved["panel"]["step"].startswith("Step 2/2: Ground bridge") and moved["panel"]["side"] == "BOTH SIDES"
    with pytest.raises(ValueError, match="'skip' or 'back'"):
        channel.text(json.dumps({"type": "routine", "command": "jump"}))


def test_the_panel_wording():
    assert split_cue("Stand tall: don't lean back as the knee comes up") == (
        "Stand tall",
        "don't lean back as the knee comes up",
    )
    assert split_cue("Good form") == ("Good form", "")
    hold = Feedback(1.0, "Good form - hold it: 12 s / 30 s", "ok", True, "right", hold_s=12.4, hold_target_s=30.0)
    panel = frame_panel(hold, "kneeling_hip_flexor", None)
    assert (panel.cue, panel.detail, panel.count) == ("Good form - hold it", "", "12 s")  # the timer once, big
    assert panel.progress == "right leg 1/3 - 12 s / 30 s" and panel.side == "right leg"
    assert count_text(Feedback(0, "", "ok", reps={"both": 3})) == "3"
    circles = {"left inward": 3, "left outward": 2, "right inward": 0, "right outward": 0}
    assert count_text(Feedback(0, "", "ok", reps=circles)) == "L 3 in 2 out · R 0 in 0 out"  # was "L 3 · L 2 · R 0 ..."
    reps = frame_panel(
        Feedback(0, "Good form", "ok", True, "left", reps={"left": 2, "right": 1}), "standing_march", None
    )
    assert reps.progress == "reps: left 2, right 1 (of 20)"
    assert frame_panel(None, "bridge", None, n_people=2).notice.startswith("2 people in view")
    assert frame_panel(None, "bridge", None, dim=True).notice == MSG_DIM_LIVE
    assert frame_panel(None, "bridge", None, n_people=2, dim=True).notice.startswith("2 people")  # the worse one
    assert frame_panel(None, "bridge", None).notice == ""
    crooked = frame_panel(None, "bridge", None, roll_deg=-8.3).notice
    assert crooked == MSG_CROOKED_LIVE.format(deg=8.3) and "8 deg" in crooked
    assert frame_panel(None, "bridge", None, roll_deg=2.5).notice == ""  # partly undone, within the margins: quiet
    assert frame_panel(None, "bridge", None, dim=True, roll_deg=8.0).notice == MSG_DIM_LIVE  # the worse one
    routine = RoutineRunner()
    idle = idle_panel(routine.exercise.key, routine.status())
    assert idle.side == "LEFT SIDE" and idle.step.startswith("Step 1/") and idle.next.startswith("Next: ")
