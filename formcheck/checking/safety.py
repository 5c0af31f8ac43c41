"""The safety watch: jerky movement ("slow down") and bouncing in a stretch ("don't bounce"), from the key angle.

Speed is measured over at least ``SPEED_BASELINE_S`` so landmark jitter does not read as a jerk; bouncing is 3+ swings
of more than the exercise's ``bounce_amplitude_deg`` within its ``bounce_window_s``, during holds only.
"""

from __future__ import annotations

import math
from collections import deque

from formcheck.exercises.base import Exercise

SPEED_BASELINE_S = 0.2  # speed is measured over at least this long, so landmark jitter does not read as a jerk
MSG_BOUNCE = "Don't bounce: ease into the stretch and hold still."
MSG_JERK = "Slow down: move with control, not momentum."


class SafetyWatch:
    """Feed the key angle frame by frame with ``update(value, t)``; it returns this frame's safety warnings and counts
    each warning once per episode in ``counts``."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.counts: dict[str, int] = {}
        self._history: deque[tuple[float, float]] = deque()
        self._active: set[str] = set()

    def reset(self) -> None:
        """Forget the recent signal (a camera cut or a gap): speeds are never measured across one."""
        self._history.clear()

    def update(self, value: float, t: float) -> list[str]:
        ex = self.exercise
        if not math.isfinite(value):
            return []
        self._history.append((t, value))
        while self._history and t - self._history[0][0] > ex.bounce_window_s:
            self._history.popleft()
        warnings = []
        past = next(((ti, vi) for ti, vi in reversed(self._history) if t - ti >= SPEED_BASELINE_S), None)
        if past is not None and abs(value - past[1]) / (t - past[0]) > ex.max_speed_deg_s:
            warnings.append(MSG_JERK)
        is_hold = ex.prescription.hold_s > 0 and ex.reps is None
        if is_hold and reversals(self._history, ex.bounce_amplitude_deg) >= ex.bounce_reversals:
            warnings.append(MSG_BOUNCE)
        for w in warnings:
            if w not in self._active:
                self.counts[w] = self.counts.get(w, 0) + 1
        self._active = set(warnings)
        return warnings


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
