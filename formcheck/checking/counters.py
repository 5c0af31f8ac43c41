"""State machines that turn per-frame signals into holds and reps. Time comes from frame timestamps.

Both tolerate dropped frames: a NaN signal or a gap leaves the state as it is, and only a failure that lasts longer
than a grace window ends a hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal


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


REST_WINDOW_S = 2.0  # a rep's range of motion is measured from the rest extreme in this long before it


class Phase(Enum):
    ARMING = "arming"  # waiting to see the start position before counting
    REST = "rest"
    ACTIVE = "active"


@dataclass
class Rep:
    side: str | None
    start_s: float
    top_s: float  # time spent in the active phase
    peak: float  # most extreme signal value reached in the active phase
    held: bool  # active phase lasted at least the prescribed hold
    end_s: float = math.nan  # back at rest
    start_value: float = math.nan  # the signal at rest before the rep (its least extreme value there)

    @property
    def rom(self) -> float:
        """Range of motion in degrees: from the rest position to the peak (NaN if the rest was not seen)."""
        return abs(self.peak - self.start_value)


@dataclass
class RepCounter:
    """Counts reps of one signal with hysteresis, a minimum time per phase and an arming state.

    With ``direction='up'`` a rep is REST (signal <= ``rest_at``) -> ACTIVE (signal >= ``active_at``) -> REST;
    ``'down'`` mirrors it. Counting starts only after the start position (REST) was held ``min_phase_s`` (arming),
    a phase switch needs the signal beyond its threshold for ``min_phase_s``, and NaN (not visible) changes nothing.
    """

    active_at: float
    rest_at: float
    direction: Literal["up", "down"] = "up"
    min_phase_s: float = 0.25
    hold_s: float = 0.0
    side: str | None = None
    phase: Phase = Phase.ARMING
    reps: list[Rep] = field(default_factory=list)
    _candidate: Phase | None = None
    _candidate_since: float = 0.0
    _active_since: float = 0.0
    _peak: float = math.nan
    _rest: list[tuple[float, float]] = field(default_factory=list)  # (t, signal) over the last REST_WINDOW_S at rest
    _rest_value: float = math.nan  # the rest position the current rep started from

    def __post_init__(self) -> None:
        if self.direction not in ("up", "down"):
            raise ValueError(f"direction must be 'up' or 'down', got {self.direction!r}")
        if (self.active_at <= self.rest_at) if self.direction == "up" else (self.active_at >= self.rest_at):
            raise ValueError(
                f"active_at ({self.active_at}) must lie beyond rest_at ({self.rest_at}) in direction {self.direction!r}"
            )
        if self.min_phase_s < 0:
            raise ValueError(f"min_phase_s must be >= 0 seconds, got {self.min_phase_s}")

    def _zone(self, v: float) -> Phase | None:
        up = self.direction == "up"
        if (v >= self.active_at) if up else (v <= self.active_at):
            return Phase.ACTIVE
        if (v <= self.rest_at) if up else (v >= self.rest_at):
            return Phase.REST
        return None  # between thresholds: no change (hysteresis)

    def update(self, value: float, t: float) -> Rep | None:
        """Advance with the signal at time ``t``; returns the rep when one has just been completed."""
        if not math.isfinite(value):
            return None
        up = self.direction == "up"
        if self.phase is Phase.ACTIVE:
            better = value > self._peak if up else value < self._peak
            if not math.isfinite(self._peak) or better:
                self._peak = value
        else:
            self._rest.append((t, value))
            while self._rest and t - self._rest[0][0] > REST_WINDOW_S:
                self._rest.pop(0)
        zone = self._zone(value)
        if zone is None:
            self._candidate = None
            return None
        target = Phase.REST if self.phase is Phase.ARMING else zone
        if (self.phase is Phase.ARMING and zone is not Phase.REST) or target is self.phase:
            self._candidate = None
            return None
        if self._candidate is not target:
            self._candidate, self._candidate_since = target, t
        if t - self._candidate_since < self.min_phase_s:
            return None
        return self._switch(target, t, value)

    def _switch(self, target: Phase, t: float, value: float) -> Rep | None:
        previous, self.phase, self._candidate = self.phase, target, None
        if target is Phase.ACTIVE:
            self._active_since, self._peak = self._candidate_since, value
            # where the movement started: the rest extreme just before it (10th percentile: one glitch can't set it)
            values = sorted((v for _, v in self._rest), reverse=self.direction == "down")
            self._rest_value = values[len(values) // 10] if values else math.nan
            self._rest = []
            return None
        rest_before = self._rest_value
        if previous is Phase.ACTIVE:
            top = self._candidate_since - self._active_since
            rep = Rep(
                self.side,
                self._active_since,
                top,
                self._peak,
                self.hold_s > 0 and top >= self.hold_s,
                end_s=self._candidate_since,
                start_value=rest_before,
            )
            self.reps.append(rep)
            return rep
        return None

    @property
    def count(self) -> int:
        return len(self.reps)

    def active_for(self, t: float) -> float:
        return t - self._active_since if self.phase is Phase.ACTIVE else 0.0


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
