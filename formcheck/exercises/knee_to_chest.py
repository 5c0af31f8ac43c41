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
    # A rep is the hugged thigh drawn in past straight up and let go (from knees bent or from legs long); at its top
    # the hugged knee is folded in and the other leg lies long.
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
            "other leg long",
            "{other}_knee",
            low=140,  # the other leg long along the floor (straight, 180) with 40 deg for a soft knee and the picture
            too_low="Stretch the other leg long along the floor",
            seen_low="the other leg was not long",
            when="top",
            full_reps_only=True,
            mostly=True,  # it straightens as the thigh comes in: on the real hugs it reads 145-150 as the top begins
        ),
    ),
    key_angle="{work}_knee",
    side_rule=SideRule("{side}_knee", "min"),
    reps=RepSpec(
        "{work}_hip_flexion",
        rest=0,  # the leg long on the floor (from knees bent, feet down, it starts at ~50-60: 40 below the target)
        target=100,  # drawn in past table-top (thigh straight up, 90) by the 10 deg margin; real hugs read 108-143
        partial="the thigh came in to {peak:.0f} deg, aim for {target:.0f}: draw the knee in towards your chest",
    ),
    notes="A rep of a leg = its thigh is drawn in past straight up and let go (full when its hip flexion reaches 100), "
    "from knees bent or from legs long.",
)
