import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from formcheck.checking.session import ExerciseSession
from formcheck.checking.suggest import MIN_CONFIDENT, suggest_exercise
from formcheck.exercises import get
from formcheck.pose.measure import frame_result
from formcheck.values import FrameResult
from tests.factory import body_world, pose_from_world, turned
from tests.test_session import DT, _active, frame, good_angles
from tests.test_variants import BRIDGES, HUG_REP_S, MARCH_REP_S, RAISE_REP_S, knee_hugs, leg_raises, lying_march


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


def _lying(body: Callable[[float], np.ndarray], seconds: float) -> list[FrameResult]:
    """``seconds`` of ``body`` (tests.test_variants) filmed side-on at 15 frames/s."""
    return [
        frame_result(pose_from_world(turned(body(k / 15), 90.0), image_size=(1280, 720), t=k / 15), k / 15)
        for k in range(int(seconds * 15))
    ]


@pytest.mark.parametrize("from_flat", [False, True], ids=["from table-top", "from flat"])
def test_a_lying_march_is_a_march_not_knee_hugs(from_flat):
    """Issue #11's lying march, both ways, was suggested as knee-to-chest. From table-top the march is a knee hug by
    the old rules (the other leg straightens while this knee stays at 90); a hug draws the thigh in past straight up
    (``thigh to chest``). From flat, the knee-to-chest checker read each leg lying long as the top of a rep (activity
    1.0) with its own rules failing at 88 % of those tops, and half-credit for form still gave it 0.56 against the
    march's 0.46; the score is now activity x sqrt(quality)."""
    ranked = suggest_exercise(_lying(lying_march(from_flat), 6 * MARCH_REP_S + 1.5), ["psoas_march", "knee_to_chest"])
    assert ranked[0].exercise == "psoas_march" and ranked[0].confident
    assert ranked[1].score < ranked[0].score - 0.1


def test_a_rule_that_cannot_be_seen_is_not_bad_form():
    """A knee hug filmed side-on can lose the far hip (BlazePose), so the far thigh's angle cannot be measured; that
    is not a failed rule: knee hugs whose far hip angle is never measurable stay knee hugs with full quality (the
    far leg's reps go unseen, their rules unknown; the near leg's hugs still count)."""
    hugs = _lying(knee_hugs(0.0), 6 * HUG_REP_S + 1.5)
    for f in hugs:
        f.angles["left_hip_flexion"] = math.nan
    best = suggest_exercise(hugs)[0]
    assert best.exercise == "knee_to_chest" and best.quality == 1.0 and best.confident


@pytest.mark.parametrize("variant", ["one leg, the other up", "one leg, the other in line"])
def test_a_single_leg_bridge_is_a_bridge_not_a_leg_raise(variant):
    """Issue #11's single-leg bridge holds the other leg up, straight: the leg-raise checker sees a straight leg
    raised and held (activity 1.0, form 0.93-1.0) and won 0.96 to the bridge's 0.45. Its hips are on the mat; a
    "raise" during which they lifted as a bridge's do (BRIDGED_DEG below the recording's median) is a bridge's work."""
    body, reps, rep_s = BRIDGES[variant]
    ranked = suggest_exercise(_lying(body, reps * rep_s + 1.0), ["bridge", "single_leg_raise"])
    assert ranked[0].exercise == "bridge" and ranked[0].confident
    assert next(s for s in ranked if s.exercise == "single_leg_raise").activity < 0.1


def test_standing_before_lying_down_does_not_make_every_leg_raise_a_bridge():
    """The hips' level on the mat is taken from the frames in which the person lies in position: a recording that
    opens with the person standing (trunk elevation ~90) for as long as the raises take still shows leg raises."""
    raises = _lying(leg_raises(45.0), 6 * RAISE_REP_S + 1.5)
    seconds = raises[-1].timestamp_s + 1 / 15
    standing = _lying(lambda t: body_world(0.0, 180.0), seconds)
    frames = standing + [replace(f, timestamp_s=f.timestamp_s + seconds) for f in raises]
    best = suggest_exercise(frames, ["single_leg_raise", "bridge"])[0]
    assert best.exercise == "single_leg_raise" and best.confident
