"""Standing march (knee lifts): standing tall, lift one knee to hip height and lower; alternate, 20 reps."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec, SideRule

EXERCISE = Exercise(
    key="standing_march",
    name="Standing march (knee lifts)",
    view="any",
    setup="stand tall side-on (or angled) to the camera",
    prescription=Prescription(reps=20, reps_total=True, text="20 alternating reps"),
    position=(
        C("standing", "trunk_vs_vertical", high=30),
        C("standing leg straight", "{other}_knee", low=140),  # a knee lift, not a lunge or a squat
    ),
    criteria=(
        C(
            "trunk",
            "trunk_vs_vertical",
            high=20,  # standing tall: 10 deg of sway plus the 10 deg margin
            too_high="Stand tall: don't lean back as the knee comes up",
            seen_high="the trunk leaned",
            when="working",
        ),
    ),
    key_angle="{work}_hip_flexion",
    side_rule=SideRule("{side}_hip_flexion", "max"),
    reps=RepSpec(
        "{work}_hip_flexion",
        rest=0,  # standing tall
        target=70,  # the knee close to hip height (90 = thigh level)
        partial="the knee came up to {peak:.0f} deg, aim for {target:.0f}: lift it towards hip height",
    ),
    in_place=True,  # walking to the spot and away is no part of it
    max_speed_deg_s=450.0,  # a brisk knee lift reaches ~350 deg/s at the hip; only flails are flagged
    notes="A rep of a leg = its hip flexion rises and returns (full when it reaches 70: knee near hip height).",
)
