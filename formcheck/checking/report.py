"""What a session adds up to: reps per side with each rep's details, holds, fault events, and the per-rep table.

The fault events (:mod:`formcheck.checking.faults`) are the one source: the summary (``faults``: how often each
fault happened), the log (``fault_log``), each rep's faults and verdict, and everything built from a report (the CLI,
the upload page, exports, history, the clinician report) are derived from ``fault_events`` here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from formcheck.checking.counters import Hold
from formcheck.checking.faults import FaultEvent
from formcheck.checking.reps import Rep, verdict
from formcheck.exercises.base import RepSpec
from formcheck.pose.angles import JOINT_ANGLES, LINE_ANGLES, SAGITTAL_ANGLES, SEGMENT_ANGLES

_MEANINGS: dict[str, str] = {
    **{a.name: a.meaning for a in JOINT_ANGLES},
    **{a.name: a.meaning for a in SEGMENT_ANGLES},
    **{a.name: a.meaning for a in SAGITTAL_ANGLES},
    **{name: meaning for name, _, meaning in LINE_ANGLES},
}


class RepRow(TypedDict):
    """One row of the per-rep table (degrees and seconds; None where a value is unknown)."""

    rep: int
    side: str  # in words: "left leg", "right leg", or "" for exercises without sides
    start_s: float
    end_s: float | None
    time_at_top_s: float
    angle: str  # in words: "right hip (shoulder-hip-knee; 180 = straight)"
    from_deg: float | None
    peak_deg: float | None
    rom_deg: float | None
    target_deg: float | None
    full: bool
    verdict: str  # "good", "partial: hips reached 150 deg, aim for 160: ...", "the raised knee bent for 0.8 s ..."
    faults: str  # the rep's faults in words, "; "-separated ("" for none)


@dataclass
class Report:
    exercise: str
    prescription: str
    duration_s: float
    reps: dict[str, int]
    rep_details: list[Rep]
    holds: list[Hold]
    holds_completed: dict[str, int]
    faults: dict[str, int]  # how many times each fault happened, by its message (from ``fault_events``)
    frames_judged: int
    frames_total: int
    rep_signal: str = ""  # the angle a rep is counted on ({work} = the rep's side)
    rep_target: float | None = None  # the angle a rep must reach to count (degrees)
    fault_log: list[tuple[float, str]] = field(default_factory=list)  # (time, message) when each fault began
    partial_reps: dict[str, int] = field(default_factory=dict)  # reps that fell short of the target, per side
    verdicts: list[str] = field(default_factory=list)  # one per rep_details entry, in words
    rep_hold_s: float = 0.0  # the prescribed time at the top of each rep (0 = none)
    fault_events: list[FaultEvent] = field(default_factory=list)  # every fault, each with its rep (None: between)

    @classmethod
    def build(
        cls,
        exercise: str,
        prescription: str,
        duration_s: float,
        reps: dict[str, int],
        rep_details: list[Rep],
        holds: list[Hold],
        holds_completed: dict[str, int],
        fault_events: list[FaultEvent],
        frames_judged: int,
        frames_total: int,
        spec: RepSpec | None,
        partial_reps: dict[str, int],
        rep_hold_s: float,
    ) -> Report:
        """A report whose summary, log, per-rep faults and verdicts all come from ``fault_events``."""
        assign_reps(fault_events, rep_details)
        verdicts = []
        if spec is not None:
            verdicts = [verdict(r, spec, rep_hold_s, faults_of(i, fault_events)) for i, r in enumerate(rep_details, 1)]
        return cls(
            exercise,
            prescription,
            duration_s,
            reps,
            rep_details,
            holds,
            holds_completed,
            fault_counts(fault_events),
            frames_judged,
            frames_total,
            spec.signal if spec else "",
            spec.target if spec else None,
            [(e.start_s, e.message) for e in fault_events],
            partial_reps,
            verdicts,
            rep_hold_s,
            fault_events,
        )

    def rep_table(self) -> list[RepRow]:
        """One row per rep: when, how long at the top, range of motion against the target, the verdict and the form
        faults seen during it, in words. Angles in degrees, rounded; unknown values are None (never NaN)."""
        rows: list[RepRow] = []
        for i, rep in enumerate(self.rep_details, 1):
            faults = faults_of(i, self.fault_events)
            if not self.fault_events and self.fault_log:  # a report stored before fault events existed
                faults_text = "; ".join(sorted({m for t, m in self.fault_log if rep.start_s <= t <= rep.end_s}))
            else:
                faults_text = "; ".join(f.words() for f in faults)
            rows.append(
                {
                    "rep": i,
                    "side": f"{rep.side} leg" if rep.side else "",
                    "start_s": round(rep.start_s, 2),
                    "end_s": finite(rep.end_s, 2),
                    "time_at_top_s": round(rep.top_s, 1),
                    "angle": angle_words(rep.angle),
                    "from_deg": finite(rep.start_value),
                    "peak_deg": finite(rep.peak),
                    "rom_deg": finite(rep.rom),
                    "target_deg": self.rep_target,
                    "full": rep.full,
                    "verdict": self.verdicts[i - 1] if i <= len(self.verdicts) else "",
                    "faults": faults_text,
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


def angle_words(angle: str) -> str:
    """An angle's name for people: "right_hip" -> "right hip (shoulder-hip-knee; 180 = straight)"."""
    if not angle:
        return ""
    meaning = _MEANINGS.get(angle)
    return angle.replace("_", " ") + (f" ({meaning})" if meaning else "")


def assign_reps(events: Sequence[FaultEvent], reps: Sequence[Rep]) -> None:
    """Set each fault's ``rep``: the rep (1-based) under way when it began, on its side where reps have sides (legs
    alternate, so two reps can overlap); None for a fault in a hold or between reps."""
    for e in events:
        e.rep = next((i for i, r in enumerate(reps, 1) if during(e, r)), None)


def during(e: FaultEvent, rep: Rep) -> bool:
    """The fault began while ``rep`` was under way, on its side."""
    return rep.start_s <= e.start_s <= rep.end_s and (rep.side is None or e.side is None or rep.side == e.side)


def faults_of(rep: int, events: Sequence[FaultEvent]) -> list[FaultEvent]:
    """The faults of rep number ``rep`` (1-based), in the order they began."""
    return [e for e in events if e.rep == rep]


def fault_counts(events: Sequence[FaultEvent]) -> dict[str, int]:
    """How many times each fault (by its message) happened."""
    out: dict[str, int] = {}
    for e in events:
        out[e.message] = out.get(e.message, 0) + 1
    return out


def finite(value: float, digits: int = 1) -> float | None:
    """``value`` rounded, or None when it is NaN / infinite (people never see NaN)."""
    return round(value, digits) if math.isfinite(value) else None


def count_for(counts: dict[str, int], side: str) -> int:
    """How many of ``counts`` are ``side``'s: its own key, and keys that begin with it (leg circles count "left
    inward", "left outward")."""
    return sum(n for k, n in counts.items() if k == side or k.startswith(f"{side} "))


def counts_by_side(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` summed per side (the first word of each key: "left", "right" or "both")."""
    return {side: count_for(counts, side) for side in dict.fromkeys(k.split(" ")[0] for k in counts)}


def holds_by_side(holds: list[Hold]) -> dict[str, int]:
    """How many of ``holds`` each side has ("both" for holds without a side)."""
    out: dict[str, int] = {}
    for h in holds:
        key = h.side or "both"
        out[key] = out.get(key, 0) + 1
    return out
