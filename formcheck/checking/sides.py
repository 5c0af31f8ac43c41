"""Which side is working (the front leg, the raised leg, the knee pulled in), with a margin so it never flip-flops."""

from __future__ import annotations

import math

from formcheck.exercises.base import SideRule
from formcheck.values import FrameResult

SIDES = ("left", "right")
NEAR_SWITCH_S = 1.0  # without a rule, the near side changes only after the other side has been nearer this long


class SideTracker:
    """The exercise's ``SideRule`` applied frame by frame. Without a rule the working side is the one nearer the
    camera (the better-seen one), kept until the other side has been nearer for ``NEAR_SWITCH_S`` (so the watched
    angle never flips between the legs frame by frame). With a rule the side switches only when the other side
    leads by ``rule.margin`` degrees."""

    def __init__(self, rule: SideRule | None) -> None:
        self.rule = rule
        self.side: str | None = None
        self._other_since: float | None = None  # the other side has been nearer since

    def update(self, result: FrameResult) -> str:
        rule = self.rule
        near = result.near_side or self.side or "left"
        if rule is None:
            return self._near(near, result.timestamp_s)
        vals = {s: result.angles.get(rule.angle.format(side=s), math.nan) for s in SIDES}
        if not all(math.isfinite(v) for v in vals.values()):
            return self.side or near
        best = max(SIDES, key=lambda s: vals[s]) if rule.pick == "max" else min(SIDES, key=lambda s: vals[s])
        if self.side is None or abs(vals["left"] - vals["right"]) >= rule.margin:
            self.side = best
        return self.side

    def _near(self, near: str, t: float) -> str:
        if self.side is None or near == self.side:
            self.side, self._other_since = near, None
        elif self._other_since is None:
            self._other_since = t
        elif t - self._other_since >= NEAR_SWITCH_S:
            self.side, self._other_since = near, None
        return self.side
