"""Psoas march (supine): hips and knees at 90 (table-top), lower one leg toward the floor and back; 20 alternating."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec, SideRule

EXERCISE = Exercise(
    key="psoas_march",
    name="Psoas march (lying)",
    view="side",
    setup="lie on your back, lift both legs to table-top: hips and knees at 90 degrees",
    prescription=Prescription(reps=20, reps_total=True, text="20 alternating reps"),
    position=(C("lying down", "trunk_vs_vertical", low=60),),
    # Table-top (hips and knees at 90) with 20 deg either side: the other leg holds it while one leg lowers. The
    # variant from flat (legs down, lift to table-top) has no table-top to hold: these rules do not apply to it;
    # its own rule is that the lifted knee bends to table-top (a straight leg lifted is a leg raise, not a march).
    criteria=(
        C(
            "table-top knee",
            "{other}_knee",
            60,
            125,
            too_low="Open the resting knee to about 90 degrees",
            too_high="Bend the resting knee to about 90 degrees",
            seen_low="the resting knee folded in",
            seen_high="the resting knee opened",
            when="working",
            only_prescribed_start=True,
        ),
        C(
            "table-top hip",
            "{other}_hip_flexion",
            low=60,
            too_low="Keep the other thigh up at 90 degrees",
            seen_low="the other thigh dropped from table-top",
            when="working",
            only_prescribed_start=True,
        ),
        C(
            "lifted knee bent",
            "{work}_knee",
            60,
            125,  # table-top's knee, as the resting knee above
            too_low="Open the lifted knee to about 90 degrees",
            too_high="Bend the lifted knee to about 90 degrees: shin level, knee over the hip",
            seen_low="the lifted knee folded in",
            seen_high="the lifted leg stayed straight",
            when="top",
            only_variant_start=True,
        ),
    ),
    key_angle="{work}_hip_flexion",
    # the leg that moves: down from table-top (the lower thigh) or up from flat (the higher one)
    side_rule=SideRule("{side}_hip_flexion", "moved", first="min"),
    reps=RepSpec(
        "{work}_hip_flexion",
        rest=90,  # table-top: thigh vertical
        target=40,  # the leg lowered towards the floor
        either_direction=True,  # the variant from flat (legs down, lift to table-top) moves the other way
        partial="the leg moved {range:.0f} deg, aim for {target_range:.0f}: move it further, with control",
    ),
    notes="A rep of a leg = its hip flexion moves away from where it rests and back: down from table-top, or up "
    "from flat with the knee bent to table-top; full when it moves 50 degrees (table-top 90 to 40). The working leg "
    "is the one that moves.",
)
