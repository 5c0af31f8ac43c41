"""State machines that turn per-frame signals into holds and leg circles (reps: :mod:`formcheck.checking.reps`).

Time comes from frame timestamps. Both tolerate dropped frames: a NaN signal or a gap leaves the state as it is,
and only a failure that lasts longer than a grace window ends a hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Hold:
    """One continuous hold: started at ``start_s``, lasted ``duration_s``; ``completed`` once it reached target."""

    side: str | None
    start_s: float
    duration_s: float = 0.0
    completed: bool = False


class HoldTimer:
    """Times a hold while the form is right, bridging wobbles and dropped frames shorter than ``grace_s``.

    ``update(ok, t)``: ``ok`` is True when every criterion passes, False when one fails, None when nothing can be
    judged (no person / dropout). A hold ends after ``grace_s`` without ``ok``; time spent not ok is never counted.
    """

    def __init__(self, target_s: float, grace_s: float = 0.7) -> None:
        if target_s <= 0:
            raise ValueError(f"target_s must be > 0 seconds, got {target_s}")
        if grace_s < 0:
            raise ValueError(f"grace_s must be >= 0 seconds, got {grace_s}")
        self.target_s, self.grace_s = target_s, grace_s
        self.current: Hold | None = None
        self.finished: list[Hold] = []
        self._last_ok_t: float | None = None
        self._last_t: float | None = None

    def update(self, ok: bool | None, t: float, side: str | None = None) -> Hold | None:
        """Advance to time ``t``. Returns a hold when it has *just* reached the target (once per hold)."""
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        just_completed = None
        if ok:
            if self.current is None or (self.current.side != side and side is not None):
                self._end()
                self.current = Hold(side, t)
            elif self._last_ok_t is not None and t - self._last_ok_t <= self.grace_s + 1e-9:
                self.current.duration_s += min(dt, t - self._last_ok_t)
            if not self.current.completed and self.current.duration_s >= self.target_s - 1e-9:
                self.current.completed = True
                just_completed = self.current
            self._last_ok_t = t
        elif self.current is not None and self._last_ok_t is not None and t - self._last_ok_t > self.grace_s:
            self._end()
        return just_completed

    def _end(self) -> None:
        if self.current is not None and self.current.duration_s > 0:
            self.finished.append(self.current)
        self.current = None
        self._last_ok_t = None

    @property
    def seconds(self) -> float:
        return self.current.duration_s if self.current is not None else 0.0

    @property
    def holds(self) -> list[Hold]:
        """Every hold so far: the finished ones, then the one in progress."""
        return [*self.finished, *([self.current] if self.current is not None else [])]

    def close(self) -> list[Hold]:
        self._end()
        return self.finished


class CircleCounter:
    """Counts circles drawn by a point (the raised leg's ankle) around its recent centre, per direction.

    The centre is the mean position over the last ``window_s`` seconds; the angle of the point around it is
    unwrapped and every full turn (360 degrees) is one circle, clockwise or counter-clockwise *as the camera sees it*
    (image y points down). Turns smaller than ``min_radius_px`` around the centre (a still or wobbling leg) and NaN
    positions are ignored.
    """

    def __init__(self, window_s: float = 2.5, min_radius_px: float = 8.0) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be > 0 seconds, got {window_s}")
        self.window_s, self.min_radius_px = window_s, min_radius_px
        self._points: list[tuple[float, float, float]] = []
        self._last_angle: float | None = None
        self._turn = 0.0  # accumulated degrees since the last counted circle (+ = clockwise on screen)
        self.clockwise = 0
        self.counterclockwise = 0

    def update(self, x: float, y: float, t: float) -> str | None:
        """Advance; returns "clockwise" / "counterclockwise" when a circle has just been completed."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        self._points.append((t, x, y))
        self._points = [p for p in self._points if t - p[0] <= self.window_s]
        cx = sum(p[1] for p in self._points) / len(self._points)
        cy = sum(p[2] for p in self._points) / len(self._points)
        if math.hypot(x - cx, y - cy) < self.min_radius_px:
            self._last_angle = None
            return None
        angle = math.degrees(math.atan2(y - cy, x - cx))  # y down: increasing angle = clockwise on screen
        if self._last_angle is not None:
            self._turn += (angle - self._last_angle + 180.0) % 360.0 - 180.0
        self._last_angle = angle
        if self._turn >= 360.0:
            self._turn -= 360.0
            self.clockwise += 1
            return "clockwise"
        if self._turn <= -360.0:
            self._turn += 360.0
            self.counterclockwise += 1
            return "counterclockwise"
        return None
