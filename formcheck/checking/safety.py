"""The safety watch: jerky movement ("slow down") and bouncing in a stretch ("don't bounce"), from the key angle.

Both are measured on the smoothed signal (the median of the last ``SMOOTH_FRAMES`` values, so one odd frame is never a
speed) and never across a break: the session calls ``reset()`` at a side switch, a camera cut, a tracking gap or a
limb glitch (:mod:`formcheck.checking.continuity`), and a gap of ``GAP_S`` without a value resets it too. Speed is the
change over at least ``SPEED_BASELINE_S``, so landmark jitter does not read as a jerk; bouncing is 3+ swings of more
than the exercise's ``bounce_amplitude_deg`` within its ``bounce_window_s``, in hold exercises only. Each is a rule
judged every frame (:class:`~formcheck.checking.faults.Check`); :class:`~formcheck.checking.faults.FaultWatch` makes
the fault events. ``moving`` says whether the key angle moved by more than landmark jitter (``JITTER_DEG``) over the
speed baseline this frame (None when that cannot be measured); the hold timer uses it to tell easing in and out from
holding.
"""

from __future__ import annotations

import math
import statistics
from collections import deque

from formcheck.checking.faults import Check
from formcheck.exercises.base import JITTER_DEG, Exercise

SPEED_BASELINE_S = 0.2  # speed is measured over at least this long, so landmark jitter does not read as a jerk
SMOOTH_FRAMES = 3
GAP_S = 0.5
SPEED = "controlled speed"  # the safety rules' names, as fault labels use them
BOUNCE = "no bouncing"
MSG_BOUNCE = "Don't bounce: ease into the stretch and hold still."
MSG_JERK = "Slow down: move with control, not momentum."


class SafetyWatch:
    """Feed the key angle frame by frame with ``update(value, t)``: this frame's safety checks."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._raw: deque[float] = deque(maxlen=SMOOTH_FRAMES)
        self._history: deque[tuple[float, float]] = deque()  # (t, smoothed value)
        self.moving: bool | None = None  # this frame's key angle moved more than jitter over the speed baseline

    def reset(self) -> None:
        """Forget the recent signal: speeds and swings are never measured across a break."""
        self._raw.clear()
        self._history.clear()
        self.moving = None

    def update(self, value: float, t: float, angle: str = "") -> list[Check]:
        ex = self.exercise
        is_hold = ex.prescription.hold_s > 0 and ex.reps is None
        if not math.isfinite(value):
            self.moving = None
            return self._unmeasured(angle, is_hold)
        if self._history and t - self._history[-1][0] > GAP_S:
            self.reset()
        self._raw.append(value)
        smooth = statistics.median(self._raw)
        self._history.append((t, smooth))
        while self._history and t - self._history[0][0] > ex.bounce_window_s:
            self._history.popleft()
        past = next(((ti, vi) for ti, vi in reversed(self._history) if t - ti >= SPEED_BASELINE_S), None)
        speed: float | None = None
        self.moving = None
        if past is not None:
            change = abs(smooth - past[1])
            speed, self.moving = change / (t - past[0]), change > JITTER_DEG
        checks = [
            Check(
                SPEED,
                None if speed is None else speed > ex.max_speed_deg_s,
                MSG_JERK,
                "moved too fast",
                angle,
                None if speed is None else round(speed),
                ex.max_speed_deg_s,
                0.0,
            )
        ]
        if is_hold:
            swings = reversals(self._history, ex.bounce_amplitude_deg)
            checks.append(Check(BOUNCE, swings >= ex.bounce_reversals, MSG_BOUNCE, "bounced", angle, min_fail_s=0.0))
        return checks

    @staticmethod
    def _unmeasured(angle: str, is_hold: bool) -> list[Check]:
        checks = [Check(SPEED, None, MSG_JERK, "moved too fast", angle)]
        return checks + ([Check(BOUNCE, None, MSG_BOUNCE, "bounced", angle)] if is_hold else [])


def reversals(history: deque[tuple[float, float]], amplitude: float) -> int:
    """Direction changes of the signal whose swing exceeds ``amplitude`` degrees."""
    values = [v for _, v in history]
    if not values:
        return 0
    count, direction, extreme = 0, 0, values[0]
    for v in values[1:]:
        if direction == 0:
            if abs(v - extreme) >= amplitude:
                direction, extreme = (1 if v > extreme else -1), v
        elif (v - extreme) * direction > 0:
            extreme = v  # still moving the same way: a new extreme
        elif abs(v - extreme) >= amplitude:
            count, direction, extreme = count + 1, -direction, v
    return count
