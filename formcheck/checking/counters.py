"""State machines that turn per-frame signals into holds and leg circles (reps: :mod:`formcheck.checking.reps`).

Time comes from frame timestamps. Both tolerate dropped frames: a NaN signal or a gap leaves the state as it is,
and only a failure that lasts longer than a grace window ends a hold.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

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


# Leg circles (:class:`CircleCounter`), on the leg's direction in the body's frame (formcheck.pose.leg_direction,
# degrees). A still raised leg's direction jitters by 1.3-2.0 deg from frame to frame on the real lying clips (leg
# raise, knee hug; 0.3-1.0 on the dead bug and the hundred), and the depth-borne axis sits 8-30 deg off its true value
# there; its centre does not matter, only the movement around it.
CIRCLE_WINDOW_S = 3.0  # the path's centre and shape come from this much of it at first (a circle takes 2-4 s) ...
CIRCLE_WINDOW_SHARE = 1.25  # ... then from this many of the last circle's durations (a circle and a bit more) ...
CIRCLE_WINDOW_RANGE_S = (2.0, 8.0)  # ... within these bounds
MIN_CIRCLE_RADIUS_DEG = 5.0  # smaller: no circle (8 cm at the foot of a 0.9 m leg; 3x a still leg's jitter)
MIN_OPEN_SHARE = 0.3  # the path's narrow axis under this share of its wide one: a back-and-forth, not a circle
CIRCLE_SLACK_DEG = 30.0  # a turn counts from 330 deg: the first circle's start is spent partly finding the centre
REVERSAL_DEG = 90.0  # going back this far from the furthest point of a turn: the circles changed direction
CIRCLE_RESTART_S = 0.5  # while the path is no circle, only this much of it is kept (not the leg rising into place)
LINE_SHARE = 0.15  # a path this narrow for its length is a line (a leg rising into place), not a circle's start
CIRCLE_MAX_GAP_S = 0.5  # no direction for longer (out of position, a glitch, the leg bent): the circling starts afresh


class CircleCounter:
    """Counts the circles a leg draws, per direction, frame by frame.

    ``update(out_deg, headward_deg, t)`` takes the leg's direction in the body's frame (``{side}_leg_out`` and
    ``{side}_leg_headward``, :mod:`formcheck.pose.leg_direction`) and returns ``"inward"`` or ``"outward"`` when a
    circle has just been completed. The path over the last ``window_s`` seconds (``CIRCLE_WINDOW_S`` at first, then
    ``CIRCLE_WINDOW_SHARE`` of the last circle's duration) gives the centre and the scale: each axis' range, so the
    path is made round and an ellipse (a circle seen through the model's flatter depth) turns as evenly as a circle.
    The angle around the centre is summed; a full turn (from ``360 - CIRCLE_SLACK_DEG``) is a circle. *Inward* is
    over the midline, down towards the feet, out and up (the angle ``atan2(headward, out)`` increasing).

    No circle: a path narrower than ``MIN_OPEN_SHARE`` of its length once made round (the leg going back and forth,
    e.g. leg raises), or smaller than ``min_radius_deg``; a path that is a line (``LINE_SHARE``: a leg rising into
    place) also loses all but its last ``CIRCLE_RESTART_S``; a gap of over ``CIRCLE_MAX_GAP_S`` between two
    directions, or :meth:`interrupt`, starts the path afresh. When the path first reads as a circle, the window's path
    so far is part of it: until a circle has been counted, all of it is summed again each frame with the latest centre
    and scale (found better as the path goes round); then the turn goes on step by step, and a reversal of
    ``REVERSAL_DEG`` starts it afresh the other way. NaN directions are skipped.
    """

    def __init__(self, window_s: float = CIRCLE_WINDOW_S, min_radius_deg: float = MIN_CIRCLE_RADIUS_DEG) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be > 0 seconds, got {window_s}")
        if min_radius_deg <= 0:
            raise ValueError(f"min_radius_deg must be > 0 degrees, got {min_radius_deg}")
        self.window_s, self.min_radius_deg = window_s, min_radius_deg
        self._points: deque[tuple[float, float, float]] = deque()  # (t, out, headward) over the window
        self._circling: list[tuple[float, float, float]] | None = None  # the path since circling began, until warm
        self._turn = 0.0  # signed degrees since the last circle counted (+ = inward)
        self._way = 0.0  # the way it is turning: +1 inward, -1 outward, 0 not known yet
        self._peak = 0.0  # the furthest the turn went that way since the last circle counted
        self._last: tuple[float, float] | None = None  # the last point (out, headward) while circling
        self._counted_t: float | None = None  # when the last circle was counted
        self.inward = 0
        self.outward = 0

    def update(self, out_deg: float, headward_deg: float, t: float) -> str | None:
        """Advance; ``"inward"`` / ``"outward"`` when a circle has just been completed."""
        if not (math.isfinite(out_deg) and math.isfinite(headward_deg)):
            return None
        point = (out_deg, headward_deg)
        if self._points and t - self._points[-1][0] > CIRCLE_MAX_GAP_S:  # a path with a hole is no circle
            self._restart(t, trim=True)
            self._points.clear()
        self._points.append((t, *point))
        while t - self._points[0][0] > self.window_s:
            self._points.popleft()
        path = np.array([(x, y) for _, x, y in self._points])
        shape = self._shape(path)
        if shape is None:
            self._restart(t, self._is_line(path))
            return None
        if self._last is None:  # circling from here: the window's path so far is part of it
            self._circling = list(self._points)
        elif self._circling is not None:
            self._circling.append((t, *point))
        if self._circling is not None and t - self._circling[0][0] > 2 * self.window_s:
            self._circling = None  # so long without a full turn: on step by step
        if self._circling is not None:
            self._turn = self._peak = _summed(shape, self._circling)
            self._way = math.copysign(1.0, self._turn)
        elif self._last is not None:
            self._advance(_angle(shape, point) - _angle(shape, self._last))
        self._last = point
        return self._count(t)

    @property
    def counts(self) -> dict[str, int]:
        return {"inward": self.inward, "outward": self.outward}

    def interrupt(self) -> None:
        """The movement under way is no circle (e.g. the leg bent): the turn so far does not count."""
        if self._points:
            self._restart(self._points[-1][0], trim=True)

    def _restart(self, t: float, trim: bool) -> None:
        """No circle under way: forget the turn; with ``trim``, all but the last ``CIRCLE_RESTART_S`` of the path
        too (a leg that rose into place, or went back and forth: not part of the circle that may follow)."""
        self._circling, self._last, self._turn, self._peak, self._way = None, None, 0.0, 0.0, 0.0
        self._counted_t = None  # a pause is no circle's duration
        while trim and self._points and t - self._points[0][0] > CIRCLE_RESTART_S:
            self._points.popleft()

    def _is_line(self, p: np.ndarray) -> bool:
        """The window's path ``p`` ((n, 2)) is long (twice the smallest circle's radius) and narrower than
        ``LINE_SHARE`` of that: a leg that moved along a line. (The start of a slow circle, an arc, is wider.)"""
        if len(p) < 5:
            return False
        values = np.linalg.eigvalsh(np.cov(p.T))
        wide, narrow = math.sqrt(2 * max(values[1], 0.0)), math.sqrt(2 * max(values[0], 0.0))
        return wide >= 2 * self.min_radius_deg and narrow < LINE_SHARE * wide

    def _shape(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(centre, half-widths) of the window's path ``p`` ((n, 2)), or None when it is no circle. The centre and the
        half-widths come from each axis' range, which a window of a circle and a bit more gets right whatever the
        bit (a mean and a spread would lean towards it, and turn with the leg)."""
        if len(p) < 5:
            return None
        low, high = p.min(axis=0), p.max(axis=0)
        centre, half = (low + high) / 2, (high - low) / 2
        if not np.all(np.isfinite(half)) or half.max() < self.min_radius_deg or half.min() <= 0:
            return None
        values = np.linalg.eigvalsh(np.cov(((p - centre) / half).T))  # made round, a circle's are alike
        if not np.all(np.isfinite(values)) or values[0] < MIN_OPEN_SHARE**2 * values[1]:
            return None  # narrow, even when its axes are scaled alike: a back-and-forth (e.g. slanted), no circle
        return centre, half

    def _advance(self, step: float) -> None:
        self._turn += (step + 180.0) % 360.0 - 180.0
        if self._way == 0.0:
            self._way = math.copysign(1.0, self._turn)
        if self._way * (self._turn - self._peak) > 0:
            self._peak = self._turn
        if self._way * (self._peak - self._turn) >= REVERSAL_DEG:  # turned back: the other way from here
            self._turn = self._peak = self._turn - self._peak
            self._way = -self._way

    def _count(self, t: float) -> str | None:
        if abs(self._turn) < 360.0 - CIRCLE_SLACK_DEG:
            return None
        if self._counted_t is not None and self._circling is None:  # the circle's own duration sizes the window
            low, high = CIRCLE_WINDOW_RANGE_S
            self.window_s = min(high, max(low, CIRCLE_WINDOW_SHARE * (t - self._counted_t)))
        self._counted_t = t
        way = "inward" if self._turn > 0 else "outward"
        setattr(self, way, getattr(self, way) + 1)
        self._way = math.copysign(1.0, self._turn)
        self._turn -= self._way * 360.0
        self._peak, self._circling = self._turn, None  # counted: from here on, step by step
        return way


def _summed(shape: tuple[np.ndarray, np.ndarray], path: list[tuple[float, float, float]]) -> float:
    """Degrees turned along ``path`` ((t, out, headward) points) around the shape's centre, made round."""
    centre, half = shape
    q = (np.asarray(path)[:, 1:] - centre) / half
    steps = np.diff(np.degrees(np.arctan2(q[:, 1], q[:, 0])))
    return float(np.sum((steps + 180.0) % 360.0 - 180.0))


def _angle(shape: tuple[np.ndarray, np.ndarray], point: tuple[float, float]) -> float:
    centre, half = shape
    q = (np.asarray(point) - centre) / half
    return math.degrees(math.atan2(float(q[1]), float(q[0])))
