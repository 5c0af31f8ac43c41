"""Knee-to-chest: lying, one knee drawn to the chest, the other leg long; alternate, 20 in total."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec, SideRule

EXERCISE = Exercise(
    key="knee_to_chest",
    name="Knee-to-chest",
    view="side",
    setup="lie on your back side-on to the camera",
    prescription=Prescription(reps=20, reps_total=True, text="alternate legs, 20 in total"),
    position=(C("lying down", "trunk_vs_vertical", low=60),),
    # The other leg reaching long (knee >= 140) is the rep's verdict; at the top the hugged knee must be in.
    criteria=(
        C(
            "knee to chest",
            "{work}_knee",
            high=90,  # a hugged knee is folded to ~45-70 deg; 90 = only bent, not drawn in (80 + 10 deg margin)
            too_high="Hug the knee in: bend it towards your chest",
            seen_high="the knee was not hugged to the chest",
            when="top",
            full_reps_only=True,
        ),
        C(
            "thigh to chest",
            "{work}_hip_flexion",
            low=100,  # drawn in past table-top (thigh straight up, 90) by the 10 deg margin; real hugs read 108-139
            too_low="Draw the knee in towards your chest, past straight up",
            seen_low="the thigh was not drawn in past straight up",
            when="top",
            full_reps_only=True,
        ),
    ),
    key_angle="{work}_knee",
    side_rule=SideRule("{side}_knee", "min"),
    reps=RepSpec(
        "{other}_knee",
        rest=90,  # both knees bent, feet down
        target=140,  # the other leg long along the floor
        partial="the other leg straightened to {peak:.0f} deg, aim for {target:.0f}: stretch it long on the floor",
    ),
    notes="A rep of a leg = the opposite leg straightens and bends back (full when its knee reaches 140): BlazePose "
    "often loses the far hip in this pose, while both knees stay visible.",
)
