import math

import numpy as np
import pytest

from formcheck.app.charts import TraceRecorder, angle_traces
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import get
from tests.test_session import _active, frame, good_angles


def test_traces_follow_the_criteria_with_their_thresholds_and_gaps():
    ex = get("single_leg_raise")
    session = ExerciseSession(ex)
    rest, active = good_angles(ex), dict(good_angles(ex))
    active[ex.reps.signal.format(work="right")] = _active(ex)
    results = []
    for i, angles in enumerate([rest] * 10 + [None] * 5 + [active] * 10 + [rest] * 10):
        r = frame(i / 10, angles or {}, pose=None if angles is None else frame(0, {}).pose)
        r.feedback = session.step(r)
        results.append(r)
    traces = angle_traces(results, ex)
    assert [t.name for t in traces][: len(ex.criteria)] == [c.name for c in ex.criteria]
    assert [t.name for t in traces][len(ex.criteria) :] == ["rep: left leg elevation", "rep: right leg elevation"]
    first = traces[0]
    c = ex.criteria[0]
    assert first.thresholds == [
        (f"{c.name}: {w}", v) for w, v in (("at least", c.low), ("at most", c.high)) if v is not None
    ]
    assert first.t.shape == first.value.shape == (35,)
    assert math.isnan(first.value[12]) and math.isfinite(first.value[2])  # nobody in view: a gap
    rows = first.rows()
    assert rows[12]["deg"] is None and all(r["deg"] is None or math.isfinite(r["deg"]) for r in rows)
    right = traces[-1]
    assert right.thresholds == [("full rep at", ex.reps.target)]
    assert max(v for v in right.value if math.isfinite(v)) == _active(ex)


def _judged_march(seconds: float, fps: float = 30.0):
    ex = get("standing_march")
    session = ExerciseSession(ex)
    base = good_angles(ex)
    for i in range(int(seconds * fps)):
        t = i / fps
        lift = 70.0 * max(0.0, math.sin(math.pi * t / 2))  # the right knee up and down every 4 s
        r = frame(t, base | {"right_hip_flexion": lift})
        r.feedback = session.step(r)
        yield r


def test_the_live_recorder_keeps_the_traces_of_a_whole_session_in_constant_memory():
    ex = get("standing_march")
    short = list(_judged_march(6.0))
    rec = TraceRecorder(ex, max_points=50, every_s=0.1)
    for r in short:
        rec.add(r)
    every_tenth = [r for r in short if round(r.timestamp_s * 30) % 3 == 0]
    for got, want in zip(rec.traces(), angle_traces(every_tenth, ex), strict=True):  # one row per 0.1 s, as is
        assert got.name == want.name and got.thresholds == want.thresholds
        np.testing.assert_allclose(got.t, want.t)
        np.testing.assert_allclose(got.value, want.value, equal_nan=True)
    long = TraceRecorder(ex, max_points=50, every_s=0.1)
    size = long._rows.nbytes
    for r in _judged_march(120.0):
        long.add(r)
    (rep,) = [tr for tr in long.traces() if tr.name == "rep: right hip flexion"]
    assert 50 <= len(rep.t) <= 100 and long._rows.nbytes == size  # thinned, never grown
    assert rep.t[0] == 0.0 and rep.t[-1] > 115 and np.all(np.diff(rep.t) > 0)  # still the whole session, in order
    assert np.nanmax(rep.value) > 60


def test_the_recorder_names_its_arguments_ranges():
    with pytest.raises(ValueError, match="max_points"):
        TraceRecorder(get("bridge"), max_points=1)
    with pytest.raises(ValueError, match="every_s"):
        TraceRecorder(get("bridge"), every_s=0.0)
    assert TraceRecorder(get("bridge")).traces() == []
