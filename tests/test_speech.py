"""The spoken cues' planner, frame by frame with synthetic feedback: what is said, when, one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.app.live import LiveProcessor
from formcheck.app.speech import (
    PHRASE_HOLD_DONE,
    PHRASE_LOST,
    PHRASE_ROUTINE_DONE,
    PHRASE_TEN_LEFT,
    SpeechPlanner,
    count_phrase,
    fault_phrase,
)
from formcheck.checking.criteria import MSG_TRACKING_LOST
from formcheck.checking.routine import RoutineStatus, Step
from formcheck.values import Feedback
from tests.factory import MarchingEstimator

FPS = 30


def fb(t: float, **kw) -> Feedback:
    kw.setdefault("cue", "Good form")
    kw.setdefault("level", "ok")
    kw.setdefault("in_position", True)
    return Feedback(t, **kw)


def run(planner: SpeechPlanner, frames, exercise: str | None = None, routine=None) -> list[tuple[float, str]]:
    """(time, phrase) for each frame's phrase; ``frames`` yields Feedback (or (Feedback, RoutineStatus))."""
    said = []
    for item in frames:
        f, status = item if isinstance(item, tuple) else (item, routine)
        text = planner.step(f, status, f.t, exercise)
        if text:
            said.append((round(f.t, 3), text))
    return said


def bridge_reps(seconds: float, every_s: float):
    """A rep counted every ``every_s`` seconds (the ``both`` counter), frames at 30 fps."""
    n = 0
    for i in range(int(seconds * FPS)):
        t = i / FPS
        events = []
        if i and i % int(every_s * FPS) == 0:
            n += 1
            events = ["rep"]
        yield fb(t, reps={"both": n}, events=events)


def test_each_rep_count_is_said_when_reps_come_slower_than_the_cool_down():
    said = run(SpeechPlanner(), bridge_reps(10.0, 2.0), "bridge")
    assert [s for _, s in said] == ["1", "2", "3", "4"]
    assert [t for t, _ in said] == [2.0, 4.0, 6.0, 8.0]  # at once: nothing else was being said


def test_fast_reps_are_never_spoken_over_each_other_and_the_newest_count_wins():
    planner = SpeechPlanner(gap_s=0.6, per_word_s=0.3)
    said = run(planner, bridge_reps(10.0, 0.4), "bridge")
    times = [t for t, _ in said]
    assert all(b - a >= 0.6 + 0.3 - 1e-9 for a, b in zip(times, times[1:])), said  # one at a time
    counts = [int(s) for _, s in said]
    assert counts == sorted(counts) and counts[-1] >= 20  # always the latest count, never an old one
    assert len(said) < 25  # 24 reps: some counts were skipped rather than queued behind


def test_alternating_reps_say_the_total_and_per_side_reps_say_the_side():
    f = fb(0.0, reps={"left": 2, "right": 1}, side="left", events=["rep"])
    assert count_phrase(f, "standing_march") == "3"  # 20 alternating reps: counted in total
    assert count_phrase(f, "single_leg_raise") == "Left 2"  # reps per side
    assert count_phrase(fb(0.0, reps={"both": 4}), "bridge") == "4"


def test_ten_seconds_left_is_said_once_in_a_thirty_second_hold():
    frames = [fb(i / FPS, hold_s=i / FPS, hold_target_s=30.0) for i in range(31 * FPS)]
    frames[30 * FPS].events.append("hold_complete")
    said = run(SpeechPlanner(), frames, "kneeling_hip_flexor")
    assert said == [(20.0, PHRASE_TEN_LEFT), (30.0, PHRASE_HOLD_DONE)]
    short = [fb(i / FPS, hold_s=i / FPS, hold_target_s=10.0) for i in range(11 * FPS)]
    assert run(SpeechPlanner(), short, "bridge") == []  # a 10 s hold has no "ten seconds left"


def routine_status(index: int, step: Step, nxt: str | None = None) -> RoutineStatus:
    return RoutineStatus(index, 4, step, 0, nxt)


def test_a_routine_says_switch_legs_then_the_next_exercise_then_well_done():
    left, right = Step("kneeling_hip_flexor", "left", "hold", 3), Step("kneeling_hip_flexor", "right", "hold", 3)
    bridge = Step("bridge", None, "hold", 3)
    planner = SpeechPlanner()
    assert planner.step(fb(0.0), routine_status(0, left), 0.0) is None
    done = fb(1.0, events=["hold_complete", "set_done"])
    assert planner.step(done, routine_status(1, right), 1.0) == "Switch to your right leg"  # more than "Hold done"
    assert planner.step(fb(1.5), routine_status(1, right), 1.5) is None  # cool-down
    assert planner.step(fb(5.0), routine_status(1, right), 5.0) is None  # "Hold done" waited too long: dropped
    nxt = fb(9.0, events=["hold_complete", "set_done", "exercise_done"])
    assert planner.step(nxt, routine_status(2, bridge), 9.0) == "Next: Ground bridge with pelvic tilt"
    end = fb(20.0, events=["set_done", "exercise_done", "routine_done"])
    assert planner.step(end, routine_status(3, bridge), 20.0) == PHRASE_ROUTINE_DONE


def fault(message: str, t: float):
    from formcheck.checking.faults import FaultEvent

    return FaultEvent("trunk", message, "the trunk leaned", t, None, "left")


def test_the_first_fault_of_a_rep_is_said_and_the_next_only_after_the_next_rep():
    planner = SpeechPlanner()
    lean = "Stand tall: don't lean back as the knee comes up"
    frames = [fb(i / FPS) for i in range(2 * FPS)]
    frames += [
        fb(2 + i / FPS, cue=lean, level="fix", new_faults=[fault(lean, 2)] if i == 0 else []) for i in range(FPS)
    ]
    slow = "Slow down: move with control, not momentum."
    frames += [
        fb(3 + i / FPS, cue=slow, level="warn", new_faults=[fault(slow, 3)] if i == 0 else []) for i in range(FPS)
    ]
    frames += [fb(4.0, events=["rep"], reps={"left": 1, "right": 0}, side="left")]  # a rep: faults may be said again
    frames += [
        fb(6 + i / FPS, cue=lean, level="fix", new_faults=[fault(lean, 6)] if i == 0 else []) for i in range(FPS)
    ]
    frames += [fb(7.5, cue=lean, level="fix")]  # the same fault still lasting, or its cue again: not a new fault
    said = run(planner, frames, "standing_march")
    assert said == [(2.0, "Stand tall"), (4.0, "1"), (6.0, "Stand tall")]
    assert fault_phrase("Don't bounce: ease into the stretch and hold still.") == "Don't bounce"
    not_in_position = [
        fb(i / FPS, cue="Get into position: stand tall", level="info", in_position=False) for i in range(60)
    ]
    assert run(SpeechPlanner(), not_in_position, "standing_march") == []  # set-up help is on screen, not spoken


def test_lost_track_is_said_once_per_loss():
    frames = [fb(i / FPS) for i in range(FPS)]
    frames += [fb(1 + i / FPS, cue=MSG_TRACKING_LOST, level="info", in_position=False) for i in range(3 * FPS)]
    frames += [fb(4 + i / FPS) for i in range(FPS)]  # found again
    frames += [fb(5 + i / FPS, cue=MSG_TRACKING_LOST, level="info", in_position=False) for i in range(FPS)]
    assert run(SpeechPlanner(), frames, "bridge") == [(1.0, PHRASE_LOST), (5.0, PHRASE_LOST)]


def test_the_planner_through_the_live_processor_with_the_person_leaving_and_coming_back():
    proc = LiveProcessor("standing_march", estimator_factory=lambda: MarchingEstimator(absent=((6.0, 8.0),)))
    planner, said = SpeechPlanner(), []
    for i in range(12 * FPS):
        u = proc.process(np.zeros((120, 160, 3), np.uint8), i / FPS)
        text = planner.step(u.feedback, u.routine, u.timestamp_s, u.exercise, u.result.pose is not None)
        if text:
            said.append((round(u.timestamp_s, 2), text))
    texts = [s for _, s in said]
    assert texts.count(PHRASE_LOST) == 1 and 6.0 <= dict((s, t) for t, s in said)[PHRASE_LOST] < 7.0
    counts = [int(s) for s in texts if s.isdigit()]
    assert counts == sorted(counts) and len(counts) >= 8  # one rep a second: the counts fit between the gaps
    times = [t for t, _ in said]
    assert all(b - a >= 0.9 - 1e-9 for a, b in zip(times, times[1:]))


@pytest.mark.parametrize("name", ["gap_s", "per_word_s", "stale_s"])
def test_negative_times_are_refused(name):
    with pytest.raises(ValueError, match=f"{name} must be >= 0"):
        SpeechPlanner(**{name: -1.0})
