"""Which side is working (the front leg, the raised leg, the knee pulled in), with a margin so it never flip-flops."""

from __future__ import annotations

import math
import statistics
from collections import deque

from formcheck.exercises.base import SideRule
from formcheck.values import FrameResult

SIDES = ("left", "right")
NEAR_SWITCH_S = 1.0  # without a rule, the near side changes only after the other side has been nearer this long
REST_TOGETHER_S = 3.0  # ``pick='moved'``: where both sides rest is their mean over this long while they agree


class SideTracker:
    """The exercise's ``SideRule`` applied frame by frame. Without a rule the working side is the one nearer the
    camera (the better-seen one), kept until the other side has been nearer for ``NEAR_SWITCH_S`` (so the watched
    angle never flips between the legs frame by frame). With a rule the side switches only when the other side
    leads by ``rule.margin`` degrees; until one side has led, it is the nearer one. ``pick='moved'`` compares how
    far each side is from where both rest together (their median mean over the last ``REST_TOGETHER_S`` in which
    they were within the margin of each other)."""

    def __init__(self, rule: SideRule | None) -> None:
        self.rule = rule
        self.side: str | None = None
        self._other_since: float | None = None  # the other side has been nearer since
        self._together: deque[tuple[float, float]] = deque()  # (t, mean of both sides) while they agree

    def update(self, result: FrameResult) -> str:
        rule = self.rule
        near = result.near_side or self.side or "left"
        if rule is None:
            return self._near(near, result.timestamp_s)
        vals = {s: result.angles.get(rule.angle.format(side=s), math.nan) for s in SIDES}
        if not all(math.isfinite(v) for v in vals.values()):
            return self.side or near
        lead = vals
        pick = rule.pick
        if pick == "moved":
            rest = self._rest_together(vals, rule.margin, result.timestamp_s)
            if rest is None:
                pick = rule.first
            else:
                lead, pick = {s: abs(v - rest) for s, v in vals.items()}, "max"
        best = max(SIDES, key=lambda s: lead[s]) if pick == "max" else min(SIDES, key=lambda s: lead[s])
        able = _able(rule, result)
        if abs(lead["left"] - lead["right"]) >= rule.margin and best in able:
            self.side = best
        elif self.side is None:  # neither leads yet (or the leader cannot work): the better-seen side that can
            self.side = near if near in able or not able else able[0]
        return self.side

    def _rest_together(self, vals: dict[str, float], margin: float, t: float) -> float | None:
        """Where both sides rest together (None until they have been seen within ``margin`` of each other)."""
        if abs(vals["left"] - vals["right"]) < margin:
            self._together.append((t, (vals["left"] + vals["right"]) / 2))
        while self._together and self._together[-1][0] - self._together[0][0] > REST_TOGETHER_S:
            self._together.popleft()  # the last time they rested together stands until they do again
        return statistics.median(v for _, v in self._together) if self._together else None

    def _near(self, near: str, t: float) -> str:
        if self.side is None or near == self.side:
            self.side, self._other_since = near, None
        elif self._other_since is None:
            self._other_since = t
        elif t - self._other_since >= NEAR_SWITCH_S:
            self.side, self._other_since = near, None
        return self.side


def _able(rule: SideRule, result: FrameResult) -> list[str]:
    """The sides that may be switched to this frame: those not excluded by ``rule.excluded_above`` (a side whose angle
    there is not measured is not excluded). A working side that becomes excluded works on until the other side leads
    by the margin."""
    if rule.excluded_above is None:
        return list(SIDES)
    angle, limit = rule.excluded_above
    return [s for s in SIDES if not result.angles.get(angle.format(side=s), math.nan) > limit]
