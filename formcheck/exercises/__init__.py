"""Layer ``exercises``: the routine's exercises as data (prescription, set-up, criteria, reps). Adding one = one small
module declaring ``EXERCISE`` + one line in ``REGISTRY``. May import: ``values`` only (and each other's ``base``)."""

from __future__ import annotations

from formcheck.exercises import (
    bridge,
    knee_to_chest,
    kneeling_hip_flexor,
    leg_circles,
    low_lunge,
    lying_psoas,
    psoas_march,
    roll_up,
    single_leg_raise,
    standing_march,
    standing_pelvic_tilt,
    warrior_one,
)
from formcheck.exercises.base import Criterion, Exercise, Prescription, RepSpec, SideRule

REGISTRY: dict[str, Exercise] = {
    m.EXERCISE.key: m.EXERCISE
    for m in (
        kneeling_hip_flexor,
        lying_psoas,
        standing_pelvic_tilt,
        bridge,
        knee_to_chest,
        single_leg_raise,
        psoas_march,
        standing_march,
        low_lunge,
        warrior_one,
        roll_up,
        leg_circles,
    )
}


def get(key: str) -> Exercise:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"exercise must be one of {sorted(REGISTRY)}, got {key!r}") from None


__all__ = ["REGISTRY", "Criterion", "Exercise", "Prescription", "RepSpec", "SideRule", "get"]
