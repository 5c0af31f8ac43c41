"""Standing march (knee lifts): standing tall, lift one knee to hip height and lower; alternate, 20 reps."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec, SideRule

EXERCISE = Exercise(
    key="standing_march",
    name="Standing march (knee lifts)",
    view="any",
    setup="stand tall side-on (or angled) to the camera",
    prescription=Prescription(reps=20, reps_total=True, text="20 alternating reps"),
    position=(C("standing", "trunk_vs_vertical", high=30),),
    criteria=(C("trunk", "trunk_vs_vertical", high=15, too_high="Stand tall: don't lean back as the knee comes up"),),
    key_angle="{work}_hip_flexion",
    side_rule=SideRule("{side}_hip_flexion", "max"),
    reps=RepSpec("{work}_hip_flexion", active_at=70, rest_at=30, min_phase_s=0.2),
    max_speed_deg_s=450.0,  # a brisk knee lift reaches ~350 deg/s at the hip; only flails are flagged
    notes="A rep of a leg = its hip flexion rises >= 70 (knee near hip height) and returns <= 30.",
)
