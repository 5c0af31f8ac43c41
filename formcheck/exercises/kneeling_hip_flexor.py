"""Kneeling hip-flexor / psoas stretch: half-kneeling, front hip and knee ~90, hips pushed forward. 30 s x 3 per leg."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, SideRule

EXERCISE = Exercise(
    key="kneeling_hip_flexor",
    name="Kneeling hip-flexor stretch",
    view="side",
    setup="kneel on one knee, other foot flat in front, hands on hips, side-on to the camera",
    prescription=Prescription(hold_s=30, sets=3, text="hold 30 s, 3 times per leg"),
    position=(
        C("front thigh forward", "{work}_hip_flexion", low=45),
        C("back knee down", "{other}_knee", high=135),
        C("trunk roughly upright", "trunk_vs_vertical", high=40),
        C("front knee bent", "{work}_knee", high=150),  # straighter: stepping in or out, not kneeling
    ),
    criteria=(
        C(
            "front knee",
            "{work}_knee",
            45,
            120,
            too_low="Front knee too far forward: ease back until it is over your ankle",
            too_high="Bend your front knee to about 90 degrees, knee over ankle",
            when="hold",
        ),
        C(
            "front hip",
            "{work}_hip_flexion",
            55,
            125,
            too_low="Step your front foot further forward",
            too_high="Bring your front foot back a little",
            when="hold",
        ),
        C(  # the back thigh against the vertical, not the trunk: the shoulder is the landmark MediaPipe misplaces most
            "hip extension",
            "{other}_thigh_back",
            low=-15,
            too_low="Push your hips forward until they are over your back knee",
            when="hold",
        ),
        C("trunk", "trunk_vs_vertical", high=25, too_high="Lift your chest: keep your trunk upright", when="hold"),
    ),
    key_angle="{work}_knee",
    side_rule=SideRule("{side}_hip_flexion", "max"),
    notes="Front leg = the side whose thigh is further forward. The prescription's 90 degrees is the target; gently "
    "rocking the hips forward closes the front knee to ~50, which is accepted (45-120).",
)
