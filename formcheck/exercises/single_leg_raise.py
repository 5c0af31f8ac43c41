"""Single-leg raise: lying, one knee bent, the straight leg raised to the bent knee's height, held 5 s; 20 per leg."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec, SideRule

EXERCISE = Exercise(
    key="single_leg_raise",
    name="Single-leg raise",
    view="side",
    setup="lie on your back, one knee bent with the foot flat, the other leg straight",
    prescription=Prescription(hold_s=5, reps=20, text="raise, hold 5 s, 20 per leg"),
    position=(C("lying down", "trunk_vs_vertical", low=60),),
    criteria=(
        C("raised knee straight", "{work}_knee", low=145, too_low="Keep the raised leg straight: lock the knee"),
        C(
            "leg height",
            "{work}_leg_elevation",
            low=25,
            too_low="Lift the straight leg to the height of your bent knee",
        ),
    ),
    key_angle="{work}_leg_elevation",
    side_rule=SideRule("{side}_leg_elevation", "max"),
    reps=RepSpec("{work}_leg_elevation", active_at=55, rest_at=25, min_phase_s=0.3),
    notes="A rep = ankle raised >= 55 degrees above the hip's horizontal and lowered <= 25; reps whose top lasted "
    "the prescribed 5 s are reported as held.",
)
