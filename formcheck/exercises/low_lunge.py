"""Low lunge (anjaneyasana): front knee over ankle, back knee down, hips sinking forward. Hold 30 s per side."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, SideRule

EXERCISE = Exercise(
    key="low_lunge",
    name="Low lunge",
    view="side",
    setup="step one foot forward into a lunge, lower the back knee to the mat, side-on to the camera",
    prescription=Prescription(hold_s=30, sets=2, text="hold 30 s, twice per side (formcheck default)"),
    position=(
        C("front thigh forward", "{work}_hip_flexion", low=40),
        C("trunk up", "trunk_vs_vertical", high=45),
        C("back knee down", "{other}_knee", high=135),  # the back knee rests on the mat
        C("front knee bent", "{work}_knee", high=150),  # a lunge bends the front knee: straighter is still setting up
    ),
    criteria=(
        C(
            "front knee over ankle",
            "{work}_shin_forward",
            -10,
            25,
            too_low="Move your front knee forward over the ankle",
            too_high="Front knee over ankle: don't let it travel past the toes",
            when="hold",
        ),
        C(
            "front knee",
            "{work}_knee",
            75,
            120,
            too_low="Step the front foot further forward",
            too_high="Bend the front knee more, towards 90 degrees",
            when="hold",
        ),
        C(  # the back thigh against the vertical (see the kneeling stretch): hips at least over the back knee
            "back leg long",
            "{other}_thigh_back",
            low=0,
            too_low="Sink your hips forward, in front of your back knee",
            when="hold",
        ),
    ),
    key_angle="{work}_knee",
    side_rule=SideRule("{side}_hip_flexion", "max"),
)
