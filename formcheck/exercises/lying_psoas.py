"""Lying (dangling-leg) psoas stretch: on the back at the bed's edge, one knee hugged, the other thigh dropping."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, SideRule

EXERCISE = Exercise(
    key="lying_psoas",
    name="Lying psoas stretch (dangling leg)",
    view="side",
    setup="lie on your back at the edge of the bed, hug one knee, let the other leg hang off the edge",
    prescription=Prescription(hold_s=30, sets=1, text="hold 30-60 s per side"),
    position=(C("lying down", "trunk_vs_vertical", low=60),),
    criteria=(
        C(
            "hugged knee",
            "{other}_hip_flexion",
            low=90,
            too_low="Pull your other knee closer to your chest",
            when="hold",
        ),
        C(
            "dangling thigh",
            "{work}_hip_flexion",
            high=-5,
            too_high="Let the hanging leg relax so the thigh drops below the line of your body",
            when="hold",
        ),
    ),
    key_angle="{work}_hip_flexion",
    side_rule=SideRule("{side}_hip_flexion", "min"),
    notes="Working (stretched) side = the hanging leg, the one with the smaller hip flexion.",
)
