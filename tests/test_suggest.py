import math

from formcheck.checking.session import ExerciseSession
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


def test_a_standing_trunk_that_bends_and_straightens_is_no_roll_up():
    """A squat or a toe touch starts upright and bends the trunk forward and back: the roll-up's signal moves like a
    rep under way at the start, but the person stands on their feet (ankles far below the hips), not on the mat. On
    the mat the same trunk movement is a roll-up rep (sitting up at the start, rolled down and up again)."""
    ex = get("roll_up")

    def trunk(t: float) -> float:  # upright, down to 5 deg, back up, down again
        return 89.0 - 84.0 * (0.5 - 0.5 * math.cos(2 * math.pi * (t - 0.5) / 4.0)) if t > 0.5 else 89.0

    def recording(legs: float) -> list[FrameResult]:
        base = good_angles(ex) | {"left_leg_elevation": legs, "right_leg_elevation": legs}
        return [frame(i * DT, base | {"trunk_elevation": trunk(i * DT)}) for i in range(int(8.5 / DT))]

    standing = suggest_exercise(recording(legs=-84.0), keys=["roll_up"])[0]
    assert standing.score == 0 and standing.activity == 0
    on_the_mat = ExerciseSession(ex)
    for f in recording(legs=-12.0):
        on_the_mat.step(f)
    assert on_the_mat.report().reps == {"both": 2}
