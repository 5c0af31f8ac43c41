"""Which side is working (the front leg, the raised leg, the knee pulled in), with a margin so it never flip-flops."""

from __future__ import annotations

import math

from formcheck.exercises.base import SideRule
from formcheck.values import FrameResult

SIDES = ("left", "right")


class SideTracker:
    """The exercise's ``SideRule`` applied frame by frame. Without a rule the working side is the one nearer the
    camera (the better-seen one). The side switches only when the other side leads by ``rule.margin`` degrees."""

    def __init__(self, rule: SideRule | None) -> None:
        self.rule = rule
        self.side: str | None = None

    def update(self, result: FrameResult) -> str:
        rule = self.rule
        near = result.near_side or self.side or "left"
        if rule is None:
            return near
        vals = {s: result.angles.get(rule.angle.format(side=s), math.nan) for s in SIDES}
        if not all(math.isfinite(v) for v in vals.values()):
            return self.side or near
        best = max(SIDES, key=lambda s: vals[s]) if rule.pick == "max" else min(SIDES, key=lambda s: vals[s])
        if self.side is None or abs(vals["left"] - vals["right"]) >= rule.margin:
            self.side = best
        return self.side
