"""Ground bridge with pelvic tilt: knees bent, feet flat, hips up until shoulder-hip-knee line up; hold 5-10 s."""

from formcheck.exercises.base import Criterion as C
from formcheck.exercises.base import Exercise, Prescription, RepSpec

EXERCISE = Exercise(
    key="bridge",
    name="Ground bridge with pelvic tilt",
    view="side",
    setup="lie on your back, knees bent, feet flat and hip-width apart, side-on to the camera",
    prescription=Prescription(hold_s=5, reps=10, reps_total=True, text="hold 5-10 s at the top, repeat"),
    position=(C("lying down", "trunk_vs_vertical", low=60),),
    criteria=(
        C(
            "knees bent",
            "{work}_knee",
            45,
            120,
            too_low="Walk your feet a little further from your hips",
            too_high="Bend your knees more: feet flat, closer to your hips",
        ),
        C("hip line", "{work}_hip", low=160, too_low="Lift your hips until shoulders, hips and knees line up"),
        C(
            "no over-arch",
            "{work}_hip_flexion",
            low=-15,
            too_low="Don't over-arch: lower your hips slightly and tuck your pelvis",
        ),
    ),
    key_angle="{work}_hip",
    reps=RepSpec(
        "{work}_hip",
        rest=125,  # lying, knees bent, hips on the floor: shoulder-hip-knee about 120-130
        target=160,  # hips up until shoulders, hips and knees line up
        per_side=False,
        partial="hips reached {peak:.0f} deg, aim for {target:.0f}: lift a little higher",
    ),
    notes="Uses the side nearer the camera. A rep = the hips lift and come back down (shoulder-hip-knee rises by at "
    "least 40 % of the prescribed range from this person's own rest level); full when it reaches 160.",
)
