"""The live page's channel between the browser and the checker, independent of the web framework that carries it.

The browser shows its own camera at full rate and draws the skeleton and cues itself; over one WebSocket it sends
camera frames (JPEG) and gets back, for each, what to draw, show, play and say. It keeps ONE frame in flight: the
next frame goes when this one's answer is back, so frames the checker cannot take are dropped in the browser and
nothing queues (the delay cannot grow).

Messages (text ones are JSON):

- browser -> server, first: ``{"type": "hello", "token": ...}``. The token is the page session's, from
  :class:`LiveHub` (random, per page session; it picks the signed-in person's processor and so their history).
  Then frames, as binary: a 4-byte little-endian header length, the header ``{"seq": n, "t": ms}`` (``t``: the
  frame's capture time on the browser's clock, milliseconds), then the JPEG. And controls: ``{"type": "camera",
  "state": "started" | "stopped"}``, ``{"type": "routine", "command": "skip" | "back"}``.
- server -> browser: ``hello`` (the skeleton's bones, the tones, the panel), one ``frame`` answer per frame (panel,
  skeleton, sound, phrase to say, the server's time per stage), ``status`` when the camera message changes, and
  ``error`` (then the server closes the connection if the error is fatal).
"""

from __future__ import annotations

import json
import logging
import secrets
import struct
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from formcheck.app.camera import CameraWatch
from formcheck.app.live import LiveProcessor, LiveUpdate
from formcheck.app.panel import BONES, frame_panel, idle_panel, skeleton
from formcheck.app.speech import SpeechPlanner
from formcheck.media.sounds import TONES
from formcheck.media.video import decode_image

LOG = logging.getLogger(__name__)
HEADER = struct.Struct("<I")
MAX_HEADER_BYTES = 1024
MAX_BAD_FRAMES = 10  # undecodable frames in a row before the connection is closed

MSG_BAD_TOKEN = "This page lost its session with formcheck (was the app restarted?). Reload the page."
MSG_BAD_FRAME = "A camera frame could not be read; if this goes on, reload the page."


class ChannelError(Exception):
    """A message the channel cannot take; ``fatal`` ones end the connection."""

    def __init__(self, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


class LiveHub:
    """Which page session may use the live socket: a random token per page session, mapped to its processor.
    Tokens hold their processors weakly: when the page session is gone, so is its token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processors: weakref.WeakValueDictionary[str, LiveProcessor] = weakref.WeakValueDictionary()

    def register(self, processor: LiveProcessor) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._processors[token] = processor
        return token

    def get(self, token: object) -> LiveProcessor | None:
        if not isinstance(token, str):
            return None
        with self._lock:
            return self._processors.get(token)


HUB = LiveHub()  # the process's hub: the pages register, the socket looks up (same process)


@dataclass
class Frame:
    seq: int
    t_ms: float
    data: bytes


def parse_frame(message: bytes) -> Frame:
    """A binary frame message: header length, JSON header, image bytes."""
    if len(message) < HEADER.size:
        raise ChannelError(MSG_BAD_FRAME)
    (n,) = HEADER.unpack_from(message)
    if not 0 < n <= MAX_HEADER_BYTES or len(message) < HEADER.size + n:
        raise ChannelError(MSG_BAD_FRAME)
    try:
        header = json.loads(message[HEADER.size : HEADER.size + n])
        seq, t_ms = int(header["seq"]), float(header["t"])
    except (ValueError, KeyError, TypeError):
        raise ChannelError(MSG_BAD_FRAME) from None
    if not 0 <= t_ms < 1e13:  # milliseconds on the browser's clock
        raise ChannelError(MSG_BAD_FRAME)
    return Frame(seq, t_ms, message[HEADER.size + n :])


def _roll(update: LiveUpdate) -> float:
    """The camera's roll undone in this frame (0 with no frame result)."""
    return update.result.roll_deg if update.result is not None else 0.0


class LiveChannel:
    """One browser connection of the live page. ``frame`` runs the checker (call it off the event loop: it takes
    the model's time); the others are quick. ``clock`` is the server's clock, for camera messages only."""

    def __init__(self, hub: LiveHub = HUB, clock: Callable[[], float] = time.monotonic) -> None:
        self.hub, self.clock = hub, clock
        self.processor: LiveProcessor | None = None
        self.camera = CameraWatch()
        self.speech = SpeechPlanner()
        self.playing = False
        self.frames = 0
        self._bad = 0
        self._camera_msg: str | None = None
        self._encode_ms = 0.0

    # ---- text messages -----------------------------------------------------------------------------------------
    def text(self, raw: str) -> list[dict[str, Any]]:
        """Answers to one text message."""
        try:
            msg = json.loads(raw)
            kind = msg["type"]
        except (ValueError, KeyError, TypeError):
            raise ChannelError("not a message formcheck understands", fatal=True) from None
        if kind == "hello":
            return [self._hello(msg.get("token"))]
        processor = self._need_processor()
        if kind == "camera":
            self.playing = msg.get("state") == "started"
            if not self.playing:
                processor.stopped()  # the history session gets its end time; counts are kept
            return [m for m in (self.tick(),) if m is not None]
        if kind == "routine":
            status = processor.routine_command(str(msg.get("command")))
            return [{"type": "panel", "panel": idle_panel(status.step.exercise, status).to_dict()}]
        raise ChannelError(f"unknown message type {kind!r}", fatal=True)

    def _hello(self, token: object) -> dict[str, Any]:
        processor = self.hub.get(token)
        if processor is None:
            raise ChannelError(MSG_BAD_TOKEN, fatal=True)
        self.processor = processor
        routine = processor.routine
        panel = idle_panel(processor.exercise, routine.status() if routine else None)
        return {"type": "hello", "bones": BONES, "tones": TONES, "panel": panel.to_dict()}

    def _need_processor(self) -> LiveProcessor:
        if self.processor is None:
            raise ChannelError("say hello (with the page's token) first", fatal=True)
        return self.processor

    # ---- frames ------------------------------------------------------------------------------------------------
    def frame(self, message: bytes) -> dict[str, Any]:
        """The answer to one camera frame (decode, pose, checker, panel, sound, speech)."""
        processor = self._need_processor()
        start = time.perf_counter()
        try:
            frame = parse_frame(message)
            image = decode_image(frame.data)
            if image is None:
                raise ChannelError(MSG_BAD_FRAME)
        except ChannelError:
            self._bad += 1
            raise ChannelError(MSG_BAD_FRAME, fatal=self._bad >= MAX_BAD_FRAMES) from None
        self._bad = 0
        decode_ms = (time.perf_counter() - start) * 1000
        update = processor.process(image, frame.t_ms / 1000.0)
        self.frames += 1
        self.camera.update(self.playing, self.frames, self.clock())  # frames flow: the camera is fine
        return self._answer(frame, update, decode_ms)

    def _answer(self, frame: Frame, update: LiveUpdate, decode_ms: float) -> dict[str, Any]:
        fb, routine = update.feedback, update.routine
        person = update.result is not None and update.result.pose is not None
        say = self.speech.step(fb, routine, update.timestamp_s, update.exercise, person)
        return {
            "type": "frame",
            "seq": frame.seq,
            "t": frame.t_ms,
            "frames": update.frames,
            "panel": frame_panel(fb, update.exercise, routine, update.n_people, update.dim, _roll(update)).to_dict(),
            "pose": skeleton(update.result, fb),
            "counts": {"reps": fb.reps, "partial": fb.partial_reps} if fb is not None else None,
            "sound": update.sounds[0] if update.sounds else None,
            "say": say,
            "srv": {
                "decode_ms": round(decode_ms, 2),
                "model_ms": round(update.model_ms, 2),
                "check_ms": round(update.check_ms, 2),
                "encode_ms": round(self._encode_ms, 2),  # the previous answer's
            },
        }

    def encoded(self, ms: float) -> None:
        """How long encoding and sending the last answer took (reported with the next one)."""
        self._encode_ms = ms

    # ---- the server's clock: camera messages -------------------------------------------------------------------
    def tick(self) -> dict[str, Any] | None:
        """A ``status`` message when what to say about the camera changed, else None (call it twice a second)."""
        if self.processor is None:
            return None
        msg = self.camera.update(self.playing, self.frames, self.clock())
        if msg == self._camera_msg:
            return None
        self._camera_msg = msg
        return {"type": "status", "camera": msg}

    def closed(self) -> None:
        """The connection ended (tab closed, page reloaded, network lost): the history session gets its end time."""
        if self.processor is not None and self.playing:
            self.processor.stopped()
        self.playing = False
