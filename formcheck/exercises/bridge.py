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
    # Whether the hips reached the line (shoulder-hip-knee >= 160) is each rep's verdict, not a criterion. Bounds
    # are the prescription's positions widened by 10 deg, twice the landmark noise measured after smoothing.
    criteria=(
        C(
            "feet placed",
            "{work}_knee",
            low=35,
            too_low="Walk your feet a little further from your hips",
            seen_low="the feet were too close to the hips",
            when="start",  # where the feet are set, before lifting; heel / straight-leg variants open the knee
        ),
        C(
            "hips up",
            "{work}_hip_flexion",
            high=30,  # the line (hip flexion <= 20, i.e. shoulder-hip-knee >= 160) less the 10 deg margin
            too_high="Keep your hips up through the hold: don't let them sag",
            seen_high="the hips sagged during the hold",
            when="top",
            full_reps_only=True,
        ),
        C(
            "no over-arch",
            "{work}_hip_flexion",
            low=-30,  # hips pushed 30 deg past the shoulder-knee line: the low back arches
            too_low="Don't over-arch: lower your hips slightly and tuck your pelvis",
            seen_low="the back over-arched at the top",
            when="top",
        ),
    ),
    key_angle="{work}_hip",
    # Signed hip flexion, not the unsigned shoulder-hip-knee angle: a good bridge lifts the hips past the line (the
    # unsigned angle peaks at 180 on the way through and falls again above it, which read as leaving the top).
    reps=RepSpec(
        "{work}_hip_flexion",
        rest=55,  # lying, knees bent, hips on the floor: shoulder-hip-knee about 125, i.e. 55 deg of flexion
        target=20,  # hips up until shoulders, hips and knees line up: shoulder-hip-knee 160, 20 deg from the line
        per_side=False,
        partial="hips came up to {peak:.0f} deg short of the shoulder-knee line, aim for {target:.0f}: lift a little "
        "higher",
    ),
    notes="Uses the side nearer the camera. A rep = the hips lift and come back down (hip flexion falls by at least "
    "40 % of the prescribed range from this person's own rest level); full when it reaches 20 deg from the line "
    "(shoulder-hip-knee 160).",
)
