from formcheck.checking.suggest import MIN_CONFIDENT, suggest_exercise
from formcheck.exercises import get
from formcheck.values import FrameResult
from tests.test_session import DT, _active, frame, good_angles


def reps_of(key: str, n: int) -> list[FrameResult]:
    ex = get(key)
    rest, active = good_angles(ex), dict(good_angles(ex))
    active[ex.reps.signal.format(work="right", other="left")] = _active(ex)
    seq = ([rest] * 30 + [active] * 30) * n + [rest] * 30
    return [frame(i * DT, a) for i, a in enumerate(seq)]


def test_the_exercise_being_done_scores_best():
    ranked = suggest_exercise(reps_of("bridge", 4))
    assert ranked[0].exercise == "bridge" and ranked[0].confident
    assert 0.3 < ranked[0].activity < 0.7 and ranked[0].quality > 0.3  # about half the time is spent in reps
    assert ranked[0].score > ranked[1].score + 0.2
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_nothing_recognisable_is_not_confident():
    still = [FrameResult(i, i * DT, None, False, 0) for i in range(60)]
    ranked = suggest_exercise(still)
    assert all(s.score == 0 for s in ranked) and not ranked[0].confident and MIN_CONFIDENT > 0
    assert suggest_exercise([]) and suggest_exercise([])[0].score == 0
