"""Leg circles: lying, one leg raised towards vertical, small controlled circles with the foot; per direction."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, SideRule

EXERCISE = Exercise(
    key="leg_circles",
    name="Leg circles",
    view="any",  # the circles are followed in the body's own frame (formcheck.pose.leg_direction), from any camera
    setup="lie on your back, raise one straight leg towards the ceiling",
    prescription=Prescription(reps=5, text="5 circles each direction, per leg"),
    position=(C("lying down", "trunk_vs_vertical", low=60), C("leg raised", "{work}_leg_elevation", low=35)),
    criteria=(
        C(
            "raised leg straight",
            "{work}_knee",
            low=145,
            too_low="Keep the circling leg long and straight",
            when="working",
        ),
    ),
    key_angle="{work}_leg_elevation",
    side_rule=SideRule("{side}_leg_elevation", "max"),
    circles=True,
    max_speed_deg_s=200.0,
    notes="Circles are counted per leg and per direction: inward (over the body's midline, down, out and up) and "
    "outward. The leg is followed in the body's own frame (formcheck.pose.leg_direction), so a side-on camera counts "
    "them as well as one at the feet; a circle is a full turn of the straight raised leg (a bent knee, or a back-and-"
    "forth with no width such as a leg raise, is none).",
)
