"""Pilates roll-up: from lying, curl up to sitting / reaching forward and roll back down with control."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec

EXERCISE = Exercise(
    key="roll_up",
    name="Pilates roll-up",
    view="side",
    setup="lie on your back, legs long, arms reaching overhead",
    prescription=Prescription(reps=6, reps_total=True, text="6-8 slow reps (formcheck default)"),
    position=(),
    criteria=(C("legs long", "{work}_knee", low=140, too_low="Keep your legs long on the mat"),),
    key_angle="trunk_elevation",
    reps=RepSpec("trunk_elevation", active_at=55, rest_at=20, per_side=False, min_phase_s=0.3),
    max_speed_deg_s=150.0,
    notes="A rep = trunk rises >= 55 degrees above horizontal and returns <= 20. Trunk speed above 150 deg/s is "
    "flagged as momentum.",
)
