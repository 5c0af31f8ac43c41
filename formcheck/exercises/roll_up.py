"""Pilates roll-up: from lying, curl up to sitting / reaching forward and roll back down with control."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec

EXERCISE = Exercise(
    key="roll_up",
    name="Pilates roll-up",
    view="side",
    setup="lie on your back, legs long, arms reaching overhead",
    prescription=Prescription(reps=6, reps_total=True, text="6-8 slow reps (formcheck default)"),
    # On the mat: hip and ankle rest on the floor (leg elevation, hip -> ankle, 0 in a side view; -22 to -1 on the
    # roll-up clip, filmed from above the mat), whether lying or sitting up; standing or squatting reads -57 to -90
    # (the two squat clips). -45 is half-way: a person upright on their feet is not doing a roll-up, even when the
    # trunk bends forward and back like one.
    position=(C("on the mat", "{work}_leg_elevation", low=-45, fallback="{other}_leg_elevation"),),
    criteria=(
        C(
            "legs still",
            "{work}_knee",
            # the knees bend by more than 45 deg from how they were at rest: they were pulled in to help. Rolling
            # onto the sit bones moves the hip joint ~10 cm towards planted feet, which by itself closes a bent knee
            # by ~20 deg (a 115 deg knee, 45 cm thigh and shin); on the clean bent-knee clip the 2-D knee at the top
            # reads 12-29 deg closed (median per rep), single frames up to 36, on the original and its re-recordings
            # (README, "Recording conditions", finding 5). 45 = the 30 deg a knee bends to help (the prescription's
            # "legs still") + the ~15 deg the roll itself brings, 9 deg above the worst clean frame.
            low=-45,
            too_low="Keep your legs still on the mat: don't bend them to pull yourself up",
            seen_low="the knees bent to help",
            when="working",
            relative=True,  # long legs, or the bent-knee variant: either is fine, changing them mid-rep is not
        ),
    ),
    key_angle="trunk_elevation",
    reps=RepSpec(
        "trunk_elevation",
        rest=0,  # lying
        target=55,  # past half-way up to sitting
        per_side=False,
        partial="you came up to {peak:.0f} deg, aim for {target:.0f}: roll all the way up to sitting",
    ),
    max_speed_deg_s=150.0,
    notes="A rep = the trunk rises and rolls back down (full when it reaches 55 degrees above horizontal). Trunk "
    "speed above 150 deg/s is "
    "flagged as momentum.",
)
