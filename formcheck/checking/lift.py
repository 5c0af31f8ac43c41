"""Whether a rep moved the body the way its exercise needs, beyond its own angle (``RepSpec.lift``).

A rep is counted on one angle, and another movement can move that angle too. A bridge is counted on how far the hip
sits below the shoulder-knee line (``{work}_hip_sag``); a leg straightened along the mat brings the hip onto that
line as well, with the hips still on the mat (a heel slide, a dead bug's leg): on a synthetic body it reads as a
full rep. So a bridge rep must also lift the hips about the shoulders: the trunk's elevation (hips -> shoulders,
``trunk_elevation``, degrees above the horizontal) must fall. How far, from the prescription's smallest rep: a rep
needs the hip's line angle to move 40 % of the prescribed 35 deg (14 deg), which the hips' lift gives at a trunk lift
of ~7 deg (``tests.factory.supine_world``: the line angle falls ~2 deg per degree of lift). Half of that, 5 deg
(rounded up; ~4 cm at the hips for a 0.5 m trunk), is asked: the real bridges lift it 20-29 deg (the glute bridge,
the bridge demo), and the bridge checker's reps on the leg raise and the knee hug clips moved it 0.1-3.3 deg.

A rep under way when the recording (or a camera cut) began has no start seen to measure from: it is believed, as its
count is by ``formcheck.checking.reps``.
"""

from __future__ import annotations

import math
from collections import deque

from formcheck.checking.reps import Rep

KEEP_S = 90.0  # the angle's history kept: longer than any rep with its hold


class LiftCheck:
    """``add(angles, t)`` every judged frame; ``lifted(rep)`` when a rep is done. ``lift`` is the exercise's
    ``RepSpec.lift`` (None: every rep is lifted)."""

    def __init__(self, lift: tuple[str, float] | None) -> None:
        self.lift = lift
        self._history: deque[tuple[float, float]] = deque()

    def add(self, angles: dict[str, float], t: float) -> None:
        if self.lift is None:
            return
        value = angles.get(self.lift[0], math.nan)
        if math.isfinite(value):
            self._history.append((t, value))
        while self._history and t - self._history[0][0] > KEEP_S:
            self._history.popleft()

    def lifted(self, rep: Rep) -> bool:
        """The angle moved at least ``lift`` degrees (signed) from where it was when ``rep`` began to its extreme
        during the rep; True without a lift to check, for a rep whose start was not seen, or with no values."""
        if self.lift is None or rep.under_way_at_start or not math.isfinite(rep.start_value):
            return True
        before = [v for t, v in self._history if t <= rep.start_s]
        during = [v for t, v in self._history if rep.start_s <= t <= rep.end_s]
        if not before or not during:
            return True
        _, need = self.lift
        moved = (min(during) if need < 0 else max(during)) - before[-1]
        return math.copysign(1.0, need) * moved >= abs(need)
