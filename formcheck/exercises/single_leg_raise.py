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
    # The leg reaching the bent knee's height is the rep's verdict; the raised leg must stay straight while it works.
    criteria=(
        C(
            "raised knee straight",
            "{work}_knee",
            low=150,  # a straight leg reads 165-180; 150 = clearly bent (160 less the 10 deg margin)
            too_low="Keep the raised leg straight: lock the knee",
            seen_low="the raised knee bent",
            when="working",
        ),
    ),
    key_angle="{work}_leg_elevation",
    side_rule=SideRule("{side}_leg_elevation", "max"),
    reps=RepSpec(
        "{work}_leg_elevation",
        rest=0,  # the straight leg on the floor
        # the height of the bent knee: a thigh at 45 deg puts the knee ~0.7 thigh lengths up; a straight leg (two
        # thigh lengths) reaches that height at asin(0.35) = 20 deg: 25 leaves a margin
        target=25,
        partial="the leg reached {peak:.0f} deg, aim for {target:.0f} (the height of your bent knee): lift it higher",
    ),
    notes="A rep = the straight leg raised and lowered (full when the ankle reaches 25 degrees above the hip's "
    "horizontal); the time at the top is the rep's hold, against the prescribed 5 s.",
)
