"""The live page's camera state, seen from the page: stopped, waiting, frames stalled, and recovery from
streamlit-webrtc's start-up race. ``now`` is the page's clock; it decides only what to say about the camera, never how
long a hold lasted (that comes from frame timestamps)."""

from __future__ import annotations

import logging

LOG = logging.getLogger(__name__)


class CameraWatch:
    """What to tell the person about the camera, from the page's view of the stream. ``now`` is the page's clock
    (seconds); it only decides when to say "no frames", never how long a hold lasted."""

    def __init__(self, stall_s: float = 3.0, first_frame_s: float = 10.0) -> None:
        self.stall_s, self.first_frame_s = stall_s, first_frame_s
        self._frames = 0
        self._changed_at = 0.0
        self._playing_since: float | None = None
        self._flowing = False  # frames have arrived since the stream started

    def update(self, playing: bool, frames: int, now: float) -> str | None:
        """``frames``: frames processed so far (``LiveUpdate.frames``). Returns a message, or None when all is well."""
        if not playing:
            self._playing_since, self._flowing, self._frames = None, False, frames
            return MSG_CAMERA_STOPPED if frames else None
        if self._playing_since is None:
            self._playing_since = self._changed_at = now
            self._frames = frames
        if frames != self._frames:
            self._frames, self._changed_at, self._flowing = frames, now, True
            return None
        if not self._flowing:
            return MSG_CAMERA_WAITING if now - self._playing_since >= self.first_frame_s else None
        quiet = now - self._changed_at
        return MSG_CAMERA_LOST.format(seconds=quiet) if quiet >= self.stall_s else None


MSG_CAMERA_STOPPED = "Camera stopped. Press START to carry on: your counts so far are kept."
MSG_CAMERA_WAITING = "Waiting for the camera: allow camera access in the browser, and close other apps using it."
MSG_CAMERA_LOST = (
    "No frames from the camera for {seconds:.0f} s: is it unplugged, covered or in use by another "
    "app? Holds are paused until it is back."
)


class StartRaceGuard:
    """Recovery from streamlit-webrtc's start-up race, seen from the page.

    A stream that falls back to START within ``window_s`` of starting to play is restarted, at most ``max_retries``
    times in a row; a stop after a steady run, or before the stream ever played, is the person's own. The restart is
    asked for ``delay_s`` after the drop: asking at once left the component hanging in "signalling", because
    streamlit-webrtc had not yet cleared the dropped stream and never answered the new offer.

    Each page run: ``rerun = guard.update(playing, now)`` (rerun the whole page when True), and pass
    ``guard.desired`` as ``webrtc_streamer(desired_playing_state=...)``.
    """

    def __init__(
        self, window_s: float = 6.0, max_retries: int = 2, delay_s: float = 1.0, give_up_s: float = 15.0
    ) -> None:
        for name, value in (("window_s", window_s), ("delay_s", delay_s), ("give_up_s", give_up_s)):
            if value <= 0:
                raise ValueError(f"{name} must be > 0 seconds, got {value}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        self.window_s, self.max_retries, self.delay_s, self.give_up_s = window_s, max_retries, delay_s, give_up_s
        self.retries = 0
        self._playing_since: float | None = None
        self._restart_at: float | None = None  # when an early drop was seen (a restart is under way)
        self._asked = False  # the component has been asked to play

    @property
    def desired(self) -> bool | None:
        """``desired_playing_state`` for the component: True while a restart is asked for, else None (the person's)."""
        return True if self._asked else None

    def update(self, playing: bool, now: float) -> bool:
        """``playing``: the component's state; ``now``: the page's clock (seconds). True: rerun the page."""
        if self._restart_at is not None:
            if playing or now - self._restart_at > self.give_up_s:
                self._restart_at, self._asked = None, False  # done, or given up: START/STOP are the person's again
                self._playing_since = now if playing else None
                return True
            if not self._asked and now - self._restart_at >= self.delay_s:
                self._asked = True
                return True
            return False
        if playing:
            if self._playing_since is None:
                self._playing_since = now
            elif now - self._playing_since >= self.window_s:
                self.retries = 0  # it has run steadily: a later early drop gets fresh retries
            return False
        if self._playing_since is None:
            return False
        ran = now - self._playing_since
        self._playing_since = None
        if ran < self.window_s and self.retries < self.max_retries:
            self.retries += 1
            self._restart_at = now
            LOG.info("stream stopped %.1f s after it started playing: restarting it (retry %d)", ran, self.retries)
            return True  # a run now lets streamlit-webrtc clear the dropped stream before the restart
        return False
