"""State machines that turn per-frame signals into holds and leg circles (reps: :mod:`formcheck.checking.reps`).

Time comes from frame timestamps. Both tolerate dropped frames: a NaN signal or a gap leaves the state as it is,
and only a failure that lasts longer than a grace window ends a hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

UNSEEN_SHARE = 1 / 3  # a hold survives a stretch out of view of at most this share of its target (30 s -> 10 s)


@dataclass
class Hold:
    """One continuous hold: started at ``start_s``, lasted ``duration_s``; ``completed`` once it reached target.
    ``unseen_s``: the part of ``duration_s`` spent out of view (a camera cut or the legs leaving the frame) between
    two stretches of good form; it is in ``duration_s`` because the hold went on, and reported beside it."""

    side: str | None
    start_s: float
    duration_s: float = 0.0
    completed: bool = False
    unseen_s: float = 0.0

    def words(self) -> str:
        """E.g. "18.1 s (6.2 s of it out of view)"."""
        unseen = f" ({self.unseen_s:.1f} s of it out of view)" if self.unseen_s >= 0.05 else ""
        return f"{self.duration_s:.1f} s{unseen}"


class HoldTimer:
    """Times a hold while the form is right, bridging wobbles and dropped frames shorter than ``grace_s``.

    ``update(ok, t)``: ``ok`` is True when every criterion passes, False when one fails (or the person has turned
    out of the view the exercise is judged from), None when nothing can be judged (no person, a body part out of
    view, a camera cut). Time spent not ok is never counted, and a failure that lasts longer than ``grace_s`` ends
    the hold. Time out of view pauses the hold instead: when good form is seen again on the same side within
    ``unseen_s`` (default: ``UNSEEN_SHARE`` of the target) of the last good frame, the hold goes on and the time out
    of view is counted as held (``Hold.unseen_s``), as a person watching across a camera cut would time it. Longer
    out of view, or back in view with the form wrong, ends the hold; so does going out of view once the hold has
    reached its target (coming back is the next set).

    ``still`` (default True) says whether the exercise's key angle is keeping still this frame (it moved less than
    landmark jitter over the safety watch's speed baseline). Easing in is not holding: a hold begins only on a good
    frame that is still. Easing out is not holding either: ``way_out`` on a failing frame says the key angle itself
    has left its range; when the break that ends a hold began that way, the good frames of the movement that carried
    it out (the last unbroken run of moving good frames) are taken off the hold. A hold that reached its target is
    never taken below it (the person was told it was done). A break of another rule (say the back hip, while the
    front knee rocks in its range) takes nothing off: the key angle's movement was part of the hold.
    """

    def __init__(self, target_s: float, grace_s: float = 0.7, unseen_s: float | None = None) -> None:
        if target_s <= 0:
            raise ValueError(f"target_s must be > 0 seconds, got {target_s}")
        if grace_s < 0:
            raise ValueError(f"grace_s must be >= 0 seconds, got {grace_s}")
        unseen = target_s * UNSEEN_SHARE if unseen_s is None else unseen_s
        if unseen < 0:
            raise ValueError(f"unseen_s must be >= 0 seconds, got {unseen_s}")
        self.target_s, self.grace_s, self.unseen_s = target_s, grace_s, unseen
        self.current: Hold | None = None
        self.finished: list[Hold] = []
        self._last_ok_t: float | None = None
        self._last_unseen_t: float | None = None  # the last out-of-view frame since the last good one
        self._last_t: float | None = None
        self._way_out_s = 0.0  # held time in the current unbroken run of moving good frames
        self._break_way_out: bool | None = None  # whether the current break began with the key angle leaving its range

    def update(
        self, ok: bool | None, t: float, side: str | None = None, still: bool = True, way_out: bool = False
    ) -> Hold | None:
        """Advance to time ``t``. Returns a hold when it has *just* reached the target (once per hold)."""
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if ok is None:
            self._unseen(t)
            return None
        if not ok:
            if self._break_way_out is None:
                self._break_way_out = way_out
            alive = max(self._last_ok_t or -math.inf, self._last_unseen_t or -math.inf)
            if self.current is not None and t - alive > self.grace_s + 1e-9:
                self._end(way_out=bool(self._break_way_out))
            return None
        return self._good(t, dt, side, still)

    def _unseen(self, t: float) -> None:
        if self.current is None or self._last_ok_t is None:
            return
        limit = self.grace_s if self.current.completed else max(self.unseen_s, self.grace_s)
        if t - self._last_ok_t > limit + 1e-9:  # a hold that reached its target ends: what comes next is a new set
            self._end()
        else:
            self._last_unseen_t = t

    def _good(self, t: float, dt: float, side: str | None, still: bool) -> Hold | None:
        if self.current is not None and self.current.side != side and side is not None:
            self._end()
        if self.current is not None and self._last_ok_t is not None:
            gap = t - self._last_ok_t
            if gap <= self.grace_s + 1e-9:
                held = min(dt, gap)
                self.current.duration_s += held
                self._way_out_s = 0.0 if still else self._way_out_s + held
            elif self._last_unseen_t is not None and gap <= self.unseen_s + 1e-9:
                self.current.duration_s += gap  # held out of view: the hold went on
                self.current.unseen_s += gap
                self._way_out_s = 0.0
            else:
                self._end()
        if self.current is None:
            if not still:
                return None  # still easing in
            self.current = Hold(side, t)
        self._last_ok_t, self._last_unseen_t, self._break_way_out = t, None, None
        if not self.current.completed and self.current.duration_s >= self.target_s - 1e-9:
            self.current.completed = True
            return self.current
        return None

    def _end(self, way_out: bool = False) -> None:
        hold = self.current
        if hold is not None and way_out:  # the movement that carried the form out was not holding
            floor = self.target_s if hold.completed else 0.0
            hold.duration_s = max(hold.duration_s - self._way_out_s, min(floor, hold.duration_s))
        if hold is not None and hold.duration_s > 0:
            self.finished.append(hold)
        self.current = None
        self._last_ok_t = self._last_unseen_t = self._break_way_out = None
        self._way_out_s = 0.0

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
