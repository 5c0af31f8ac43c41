"""What a session adds up to: reps per side with each rep's details, holds, faults, and the per-rep table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypedDict

from formcheck.checking.counters import Hold
from formcheck.checking.reps import Rep


class RepRow(TypedDict):
    """One row of the per-rep table (degrees and seconds; None where a value is unknown)."""

    rep: int
    side: str
    start_s: float
    end_s: float | None
    time_at_top_s: float
    angle: str
    from_deg: float | None
    peak_deg: float | None
    rom_deg: float | None
    target_deg: float | None
    full: bool
    verdict: str  # in words: "full, held 5 s", "partial: hips reached 150 deg, aim for 160: ..."
    faults: str


@dataclass
class Report:
    exercise: str
    prescription: str
    duration_s: float
    reps: dict[str, int]
    rep_details: list[Rep]
    holds: list[Hold]
    holds_completed: dict[str, int]
    faults: dict[str, int]
    frames_judged: int
    frames_total: int
    rep_signal: str = ""  # the angle a rep is counted on ({work} = the rep's side)
    rep_target: float | None = None  # the angle a rep must reach to count (degrees)
    fault_log: list[tuple[float, str]] = field(default_factory=list)  # (time, message) when each fault began
    partial_reps: dict[str, int] = field(default_factory=dict)  # reps that fell short of the target, per side
    verdicts: list[str] = field(default_factory=list)  # one per rep_details entry, in words
    rep_hold_s: float = 0.0  # the prescribed time at the top of each rep (0 = none)

    def rep_table(self) -> list[RepRow]:
        """One row per rep: when, how long at the top, range of motion against the target, and the form faults seen
        during it. Angles in degrees, rounded; unknown values are None (never NaN)."""
        rows: list[RepRow] = []
        for i, rep in enumerate(self.rep_details, 1):
            faults = sorted({msg for t, msg in self.fault_log if rep.start_s <= t <= rep.end_s})
            rows.append(
                {
                    "rep": i,
                    "side": rep.side or "",
                    "start_s": round(rep.start_s, 2),
                    "end_s": finite(rep.end_s, 2),
                    "time_at_top_s": round(rep.top_s, 1),
                    "angle": rep.angle.replace("_", " "),
                    "from_deg": finite(rep.start_value),
                    "peak_deg": finite(rep.peak),
                    "rom_deg": finite(rep.rom),
                    "target_deg": self.rep_target,
                    "full": rep.full,
                    "verdict": self.verdicts[i - 1] if i <= len(self.verdicts) else "",
                    "faults": "; ".join(faults),
                }
            )
        return rows

    def longest_top_s(self, side: str) -> float:
        """The longest time at the top of a rep on ``side`` ("both" for exercises without sides), seconds."""
        return max((r.top_s for r in self.rep_details if (r.side or "both") == side), default=0.0)

    @property
    def symmetry(self) -> float | None:
        """Smaller side's reps over larger side's (1.0 = even), None when one side has none."""
        left, right = self.reps.get("left", 0), self.reps.get("right", 0)
        return min(left, right) / max(left, right) if min(left, right) > 0 else None


def finite(value: float, digits: int = 1) -> float | None:
    """``value`` rounded, or None when it is NaN / infinite (people never see NaN)."""
    return round(value, digits) if math.isfinite(value) else None


def holds_by_side(holds: list[Hold]) -> dict[str, int]:
    """How many of ``holds`` each side has ("both" for holds without a side)."""
    out: dict[str, int] = {}
    for h in holds:
        key = h.side or "both"
        out[key] = out.get(key, 0) + 1
    return out
