"""Print docs/criteria.md: every exercise's position rules and form criteria, with when each applies, its bounds, how
long it must fail and its messages, straight from formcheck/exercises (so the document cannot drift from the data).

    python scripts/criteria_table.py > docs/criteria.md     (tests/test_docs.py checks it is up to date)
"""

from __future__ import annotations

import sys

from formcheck.exercises import REGISTRY
from formcheck.exercises.base import Criterion


def _bounds(c: Criterion) -> str:
    unit = " x hip width" if c.angle.endswith("_width") else " deg"
    parts = [f">= {c.low:g}{unit}" if c.low is not None else "", f"<= {c.high:g}{unit}" if c.high is not None else ""]
    text = " and ".join(p for p in parts if p)
    return f"change from rest {text}" if c.relative else text


def _flags(c: Criterion) -> str:
    flags = [
        "full reps only" if c.full_reps_only else "",
        "prescribed variant only" if c.only_prescribed_start else "",
        "the other variant only" if c.only_variant_start else "",
        "most of the top" if c.mostly else "",
        f"else `{c.fallback}`" if c.fallback else "",
    ]
    return ", ".join(f for f in flags if f)


def table() -> str:
    lines = [
        "# Criteria, as declared in `formcheck/exercises/`",
        "",
        "Made by `python scripts/criteria_table.py > docs/criteria.md`; `tests/test_docs.py` fails when it is stale.",
        "Angles follow `formcheck/pose/angles.py` (degrees, joint angles 180 = straight; `{work}` = the working side,",
        "`{other}` = the other); widths follow `formcheck/pose/widths.py`. *When* and *fails for* are explained in",
        "`formcheck/exercises/base.py`: a criterion is a fault only in its phase, after failing that long.",
        "",
    ]
    for ex in REGISTRY.values():
        lines += [f"## {ex.name} (`{ex.key}`)", "", f"{ex.prescription.text}. Set-up: {ex.setup}.", ""]
        if ex.position:
            placed = [f"{c.name} (`{c.angle}` {_bounds(c)})" for c in ex.position]
            if ex.in_place:
                placed.append("not walking (done on the spot: `formcheck/checking/travel.py`)")
            lines.append("In position when: " + "; ".join(placed))
            lines.append("")
        if ex.reps is not None:
            r = ex.reps
            lines.append(
                f"A rep: `{r.signal}` leaves its rest level (prescribed {r.rest:g} deg) by >= {r.amplitude:g} deg and "
                f"comes back; full when it reaches {r.target:g} deg"
                + (" (or moves that far from either end)" if r.either_direction else "")
                + "."
            )
            lines.append("")
        lines += [
            "| criterion | angle | bounds | when | fails for | notes | too low | too high |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in ex.criteria:
            lines.append(
                f"| {c.name} | `{c.angle}` | {_bounds(c)} | {c.when} | {c.min_fail_s:g} s | {_flags(c)} | "
                f"{c.too_low or '-'} | {c.too_high or '-'} |"
            )
        speed_when = "hold" if ex.prescription.hold_s and ex.reps is None else "working"
        lines.append(
            f"| controlled speed | `{ex.key_angle}` | <= {ex.max_speed_deg_s:g} deg/s | {speed_when} | 0 s | "
            "smoothed, never across a break | - | - |"
        )
        if ex.prescription.hold_s and ex.reps is None:
            lines.append(
                f"| no bouncing | `{ex.key_angle}` | < {ex.bounce_reversals} swings of {ex.bounce_amplitude_deg:g} deg "
                f"in {ex.bounce_window_s:g} s | hold | 0 s | | - | - |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(table())
