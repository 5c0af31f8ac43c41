"""The live page's camera state, seen from the server: stopped, waiting for the first frame, frames stalled, and the
messages for what the browser reports (camera refused, missing, busy, or not allowed on a plain-http address).
``now`` is the server's clock; it decides only what to say about the camera, never how long a hold lasted (that
comes from frame timestamps)."""

from __future__ import annotations


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


MSG_CAMERA_STOPPED = "Camera stopped. Press Start camera to carry on: your counts so far are kept."
MSG_CAMERA_WAITING = "Waiting for the camera: allow camera access in the browser, and close other apps using it."
MSG_CAMERA_LOST = (
    "No frames from the camera for {seconds:.0f} s: is it unplugged, covered or in use by another "
    "app? Holds are paused until it is back."
)

# What the browser reports when it cannot open the camera (its error names), in words a person can act on.
BROWSER_CAMERA_ERRORS = {
    "NotAllowedError": "Camera access was refused. Allow the camera for this page in the browser (the camera icon "
    "in the address bar), then press Start camera.",
    "NotFoundError": "No camera was found. Plug one in (or close the app holding it) and press Start camera.",
    "NotReadableError": "The camera is in use by another app (a video call?). Close it and press Start camera.",
    "OverconstrainedError": "The camera cannot give a picture formcheck can use. Try another camera.",
    "insecure": "This browser only allows the camera on https or on this machine. Start formcheck with "
    "`formcheck app --lan --https` and open the https:// address it prints (accept the certificate warning once).",
    "other": "The camera could not be started ({detail}). Reload the page and press Start camera again.",
}
MSG_RECONNECTING = "Connection to formcheck lost: reconnecting..."
