"""Standing pelvic tilt (posterior). Proxy: BlazePose has no pelvis landmarks beyond the hip joints, so the tilt is
seen as the thigh moving behind the trunk line (hip extension, ``*_hip_flexion`` < 0) with a tall trunk and soft
knees. It cannot see the lumbar curve itself or a tilt without that hip change."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription

EXERCISE = Exercise(
    key="standing_pelvic_tilt",
    name="Standing pelvic tilt",
    view="side",
    setup="stand tall side-on to the camera, feet hip-width, knees soft",
    prescription=Prescription(hold_s=10, sets=4, text="hold 10-20 s, 4-6 times"),
    position=(C("standing", "trunk_vs_vertical", high=25), C("legs under you", "{work}_thigh_vs_vertical", high=25)),
    criteria=(
        C("trunk", "trunk_vs_vertical", high=10, too_high="Stand tall: don't lean", when="hold"),
        C("knees", "{work}_knee", low=150, too_low="Straighten up: keep the knees only slightly soft", when="hold"),
        C(
            "tilt",
            "{work}_hip_flexion",
            high=-3,
            too_high="Tuck your tailbone under: tighten your belly and glutes to tilt the pelvis back",
            when="hold",
        ),
    ),
    in_place=True,  # walking to the spot and away is no part of it
    key_angle="{work}_hip_flexion",
    notes="Proxy measure; see module docstring.",
)
