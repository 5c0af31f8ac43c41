"""Warrior I: front knee bent over the ankle, back leg long and straight, trunk upright, arms overhead."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, SideRule

EXERCISE = Exercise(
    key="warrior_one",
    name="Warrior I",
    view="any",
    setup="step into a long stance, back foot angled, front knee bent, arms up",
    prescription=Prescription(hold_s=30, sets=2, text="hold 30 s, twice per side (formcheck default)"),
    position=(
        C("front thigh forward", "{work}_hip_flexion", low=35),
        C("standing", "trunk_vs_vertical", high=35),
        C("back leg long", "{other}_knee", low=140),  # a standing lunge, not a kneeling one
        C("front knee bent", "{work}_knee", high=150),  # straight legs in a wide stance: still setting up
    ),
    criteria=(
        C(
            "front knee",
            "{work}_knee",
            80,
            125,
            too_low="Front knee over ankle: shorten the bend",
            too_high="Bend the front knee more, towards 90 degrees",
            when="hold",
        ),
        C(
            "front knee over ankle",
            "{work}_shin_forward",
            -10,
            25,
            too_low="Bring your front knee forward over the ankle",
            too_high="Front knee over ankle, not past the toes",
            when="hold",
        ),
        C("back leg straight", "{other}_knee", low=155, too_low="Straighten your back leg", when="hold"),
        C("trunk", "trunk_vs_vertical", high=15, too_high="Lift your chest: trunk upright over the hips", when="hold"),
        C(
            "arms overhead",
            "{work}_shoulder",
            low=150,
            too_low="Reach your arms up overhead",
            fallback="{other}_shoulder",  # the arms move together: the nearer one when the other is hidden,
            when="hold",
        ),
    ),
    key_angle="{work}_knee",
    side_rule=SideRule("{side}_hip_flexion", "max"),
)
