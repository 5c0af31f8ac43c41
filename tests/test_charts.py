import math

from formcheck.app.charts import angle_traces
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
