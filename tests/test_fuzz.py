"""Property-based tests: arbitrary landmark arrays (NaN, inf, huge, degenerate) never crash the angle or checker
code, never produce an angle outside its range, and never put NaN into feedback or exports."""

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from formcheck.app.export import frame_row
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import REGISTRY
from formcheck.landmarks import N_LANDMARKS, Pose
from formcheck.pose.angles import compute_angles
from formcheck.pose.view import camera_view, near_side
from formcheck.values import FrameResult

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
coords = arrays(np.float64, (N_LANDMARKS, 2), elements=st.one_of(floats, st.floats(-5000, 5000)))
vis = arrays(np.float64, (N_LANDMARKS,), elements=st.one_of(st.floats(0, 1), st.just(math.nan)))
world = arrays(np.float64, (N_LANDMARKS, 3), elements=floats)


def pose_from(xy, v, w, t=0.0):
    return Pose(xy=xy, z=np.nan_to_num(xy[:, 0]) * 0.0, visibility=v, world=w, image_size=(640, 480), timestamp_s=t)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coords, vis, world)
def test_angles_are_bounded_or_nan(xy, v, w):
    pose = pose_from(xy, v, w)
    for name, a in compute_angles(pose).items():
        assert isinstance(a, float)
        assert math.isnan(a) or -180.0 <= a <= 180.0, (name, a)
    assert camera_view(pose) in ("side", "oblique", "front", "unknown")
    assert near_side(pose) in ("left", "right", None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coords, vis, world), min_size=1, max_size=8), st.sampled_from(sorted(REGISTRY)))
def test_sessions_never_crash_or_leak_nan(frames, key):
    session = ExerciseSession(REGISTRY[key])
    for i, (xy, v, w) in enumerate(frames):
        pose = pose_from(xy, v, w, t=i / 30)
        result = FrameResult(i, i / 30, pose, True, 1, compute_angles(pose), camera_view(pose), near_side(pose))
        fb = session.step(result)
        assert fb.cue and "nan" not in fb.cue.lower()
        assert all(c.value is None or math.isfinite(c.value) for c in fb.criteria)
        assert math.isfinite(fb.hold_s)
        json.dumps(frame_row(result), allow_nan=False)  # exports refuse NaN
    report = session.report()
    assert all(isinstance(n, int) and n >= 0 for n in report.reps.values())
