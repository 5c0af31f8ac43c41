"""formcheck evaluate: metric definitions, a truth file that cannot be scored, and CI's accuracy floor."""

import functools
import json
import math

import pytest

from formcheck.app.cli import main
from formcheck.app.evaluate import (
    AngleError,
    Clip,
    ClipResult,
    EvaluationError,
    Mark,
    _angle_error,
    angle_breakdown,
    angle_errors,
    by_split,
    evaluate_clip,
    parse,
    to_json,
    totals,
)
from formcheck.values import FrameResult
from tests.conftest import ROOT, analysed
from tests.factory import side_pose


def test_metrics_follow_their_definitions():
    results = [
        ClipResult("a", "bridge", "tune", {"both": 10}, {"both": 10}),
        ClipResult(
            "b",
            "knee_to_chest",
            "heldout",
            {"left": 4, "right": 5},
            {"left": 5, "right": 2},
            hold_errors_s={"right": 1.5},
        ),
        ClipResult("c", "standing_march", "heldout", {"left": 0}, {"left": 2}),  # a true zero counts in the MAE
    ]
    t = totals(results)
    assert t.count_items == 4
    assert t.exact_rate == pytest.approx(1 / 4)
    assert t.obo == pytest.approx(2 / 4)
    assert t.mae == pytest.approx((0 + 1 / 4 + 3 / 5 + 2 / 1) / 4)
    assert t.max_hold_error_s == 1.5
    parts = by_split(results)
    assert set(parts) == {"tune", "heldout", "all"} and parts["tune"].exact_rate == 1.0 and parts["heldout"].clips == 2


def test_suggestion_accuracy_counts_recordings_only():
    results = [
        ClipResult("a", "bridge", suggested="bridge", suggestion_ok=True),
        ClipResult("b", None, "negative", suggested="bridge", suggestion_ok=False),
        ClipResult("c.jpg", "bridge"),
    ]  # a still: not scored
    t = totals(results)
    assert t.suggest_items == 2 and t.suggest_accuracy == 0.5


def _frames_with_knee(knees: list[float], judged: list[float]) -> list[FrameResult]:
    """Frames 0.5 s apart whose picture shows the given right-knee angles and whose judged angle is another."""
    return [
        FrameResult(i, i * 0.5, side_pose(knee_deg=k), True, 1, {"right_knee": j}, view="oblique")
        for i, (k, j) in enumerate(zip(knees, judged, strict=True))
    ]


def test_marked_angle_and_its_error():
    mark = Mark(1.0, "right_knee", ((0, 0), (0, 100), (100, 100)))
    assert mark.degrees == pytest.approx(90.0)
    frames = _frames_with_knee([80.0, 81.0, 82.0, 83.0], [0.0, 0.0, 0.0, 0.0])
    assert _angle_error(mark, frames) == pytest.approx(8.0)  # nearest frame is t=1.0 (index 2): 82 vs 90
    assert _angle_error(mark, [FrameResult(0, 1.0, None, False, 0, {})]) == math.inf


def test_points_are_scored_against_the_picture_and_deg_against_the_judged_angle():
    """Like with like: a points mark is the picture's angle (formcheck's 2-D image angle), a deg mark the body's
    (formcheck's judged angle, 3-D where the view calls for it)."""
    frames = _frames_with_knee([100.0, 110.0], [95.0, 121.0])
    both = Mark(0.5, "right_knee", ((0, 0), (0, 100), (100, 100)), deg=118.0)
    picture, body = angle_errors(both, frames)
    assert (picture.kind, picture.truth, picture.error) == ("picture", pytest.approx(90.0), pytest.approx(20.0))
    assert (body.kind, body.truth, body.measured, body.error) == ("body", 118.0, 121.0, pytest.approx(3.0))
    assert body.view == "oblique"
    only_deg = Mark(0.0, "right_hip_flexion", deg=45.0)
    (e,) = angle_errors(only_deg, frames)
    assert e.kind == "body" and e.error == math.inf and e.measured is None  # not judged on that frame: worst


def test_totals_split_angle_errors_by_kind_and_view():
    errs = [
        AngleError(0, "left_knee", "picture", "side", 90, 92, 2.0),
        AngleError(0, "left_knee", "body", "side", 90, 94, 4.0),
        AngleError(1, "left_knee", "body", "front", 90, 100, 10.0),
    ]
    t = totals([ClipResult("a", "bridge", angle_errors_deg=[e.error for e in errs], angle_details=errs)])
    assert t.angle_items == 3 and t.median_angle_error_deg == 4.0
    assert t.angle_median_by_kind == {"body": 7.0, "picture": 2.0}
    assert t.angle_median_by_view == {"front": 10.0, "side": 3.0} and t.angle_items_by_view == {"front": 1, "side": 2}
    assert angle_breakdown(t) == (
        "angle error by mark: body 7.0 (2), picture 2.0 (1); by view: front 10.0 (1), side 3.0 (2) (median deg, items)"
    )
    assert json.loads(to_json([ClipResult("a", "bridge", angle_details=errs)]))["clips"][0]["angle_details"][2] == {
        "t": 1,
        "angle": "left_knee",
        "kind": "body",
        "view": "front",
        "truth": 90,
        "measured": 100,
        "error": 10.0,
    }


def test_deg_marks_are_read():
    (clip,) = parse({"clips": [{**GOOD, "angles": [{"t": 2, "angle": "left_hip_flexion", "deg": 90, "note": "x"}]}]})
    assert clip.marks == (Mark(2.0, "left_hip_flexion", None, 90.0),)


def test_evaluate_clip_counts_full_and_partial_reps_and_suggests(tmp_path):
    from formcheck.exercises import get
    from tests.test_session import DT, _active, frame, good_angles

    ex = get("bridge")
    rest, up, half = good_angles(ex), good_angles(ex), good_angles(ex)
    up[ex.reps.signal.format(work="right", other="left")] = _active(ex)
    half[ex.reps.signal.format(work="right", other="left")] = (ex.reps.rest + ex.reps.target) / 2
    seq = [rest] * 30 + ([up] * 60 + [rest] * 20) * 3 + [half] * 40 + [rest] * 40
    frames = [frame(i * DT, a) for i, a in enumerate(seq)]
    (tmp_path / "x.mp4").write_bytes(b"")
    clip = Clip("x.mp4", "bridge", "tune", {"both": 4})
    r = evaluate_clip(clip, tmp_path, analyse=lambda path, model: frames)
    assert r.full_reps == {"both": 3} and r.partial_reps == {"both": 1} and r.predicted_reps == {"both": 4}
    assert r.count_pairs == [(4, 4)] and r.suggested == "bridge" and r.suggestion_ok
    doc = json.loads(to_json([r]))
    assert doc["clips"][0]["full_reps"] == {"both": 3} and doc["totals"]["all"]["exact_rate"] == 1.0


GOOD = {"file": "a.mp4", "exercise": "bridge", "reps": {"both": 3}}


def test_leg_circles_are_scored_per_leg_both_ways_together(tmp_path):
    """The truth counts a leg's circles ("right": 5 each way = 10); the report counts them per direction ("right
    inward", "right outward"). Scored per leg, summed: before, the keys never met and every leg-circle clip scored 0."""
    from formcheck.exercises import get
    from tests.test_session import DT, frame, good_angles

    angles, frames, t, phase = good_angles(get("leg_circles")), [], 0.0, 0.0
    for circles in (3, -2):  # three inward, two outward, 2 s each
        for _ in range(int(round(abs(circles) * 2.0 / DT))):
            phase += math.copysign(2 * math.pi * DT / 2.0, circles)
            direction = {"right_leg_out": -15 * math.sin(phase), "right_leg_headward": -20 + 15 * math.cos(phase)}
            frames.append(frame(t, angles | direction))
            t += DT
    (tmp_path / "c.mp4").write_bytes(b"")
    r = evaluate_clip(Clip("c.mp4", "leg_circles", "tune", {"right": 5}), tmp_path, analyse=lambda p, m: frames)
    assert r.full_reps["right inward"] == 3 and r.full_reps["right outward"] == 2
    assert r.predicted_reps == {"left": 0, "right": 5} and r.count_pairs == [(5, 5)]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "a JSON object with a 'clips' list"),
        ({"clips": []}, "lists no clips"),
        ({"clips": [{"file": "a.jpg", "exercise": "bridge"}]}, "has anything to score"),
        ({"clips": [{**GOOD, "reps": {"both": -1}}]}, "whole number >= 0, got -1"),
        ({"clips": [{**GOOD, "reps": {"both": 2.5}}]}, "whole number >= 0, got 2.5"),
        ({"clips": [{**GOOD, "reps": {"both": "3"}}]}, "whole number >= 0, got '3'"),
        ({"clips": [{**GOOD, "reps": {"both": True}}]}, "whole number >= 0, got True"),
        ({"clips": [{**GOOD, "reps": {"middle": 3}}]}, "side must be one of"),
        ({"clips": [{**GOOD, "reps": {}}]}, "expected an object of sides"),
        ({"clips": [{**GOOD, "hold_s": {"left": float("nan")}}]}, "a time must be a number of seconds"),
        ({"clips": [{**GOOD, "exercise": "squat"}]}, "exercise must be one of"),
        ({"clips": [{**GOOD, "split": "train"}]}, "split must be one of"),
        ({"clips": [{"exercise": "bridge"}]}, "needs a 'file' name"),
        ({"clips": [{"file": "a.mp4", "exercise": "none", "reps": {"both": 1}}]}, "cannot have counts"),
        (
            {"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "points": [[0, 0], [0, 0], [5, 5]]}]}]},
            "degenerate angle mark",
        ),
        (
            {
                "clips": [
                    {**GOOD, "angles": [{"t": 1, "angle": "left_knee", "points": [[0, 0], [1, float("nan")], [5, 5]]}]}
                ]
            },
            "three [x, y] pairs of finite numbers",
        ),
        (
            {"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "points": [[0, 0], [1, 1]]}]}]},
            "three [x, y] pairs",
        ),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "deg": float("nan")}]}]}, "'deg' must be a"),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "deg": "90"}]}]}, "number of degrees, got '90'"),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "deg": True}]}]}, "number of degrees, got True"),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee", "deg": 190}]}]}, "within [0, 180] degrees"),
        (
            {"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_leg_elevation", "deg": -95}]}]},
            "within [-90, 90] degrees",
        ),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_wing", "deg": 90}]}]}, "unknown angle 'left_wing'"),
        ({"clips": [{**GOOD, "angles": [{"t": 1, "angle": "left_knee"}]}]}, "needs 'points'"),
        (
            {"clips": [{**GOOD, "angles": [{"t": 1, "angle": "trunk_elevation", "points": [[0, 0], [1, 1], [5, 5]]}]}]},
            "not a joint angle",
        ),
    ],
)
def test_truth_that_cannot_be_scored_is_one_clear_error(doc, message):
    with pytest.raises(EvaluationError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse(doc)


def test_a_true_zero_and_a_negative_clip_are_valid():
    clips = parse(
        {
            "clips": [
                {"file": "a.mp4", "exercise": "standing_march", "reps": {"left": 0, "right": 0}},
                {"file": "b.mp4", "exercise": "none"},
            ]
        }
    )
    assert clips[0].reps == {"left": 0, "right": 0} and clips[1].exercise is None and clips[1].split == "negative"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ('{"clips": []}', "lists no clips"),
        ('{"clips": [{"file": "missing.mp4", "exercise": "bridge", "reps": {"both": 1}}]}', "not found in"),
    ],
)
def test_the_command_says_what_is_wrong_in_one_line(tmp_path, capsys, content, message):
    truth = tmp_path / "gt.json"
    truth.write_text(content)
    assert main(["evaluate", str(truth), "--media", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("formcheck: error: ") and message in err and "\n" not in err


def test_threshold_arguments_are_validated(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", str(tmp_path / "gt.json"), "--min-obo", "1.5"])
    assert "must be a fraction in [0, 1]" in capsys.readouterr().err


@pytest.mark.model
def test_thresholds_fail_the_command(tmp_path, capsys):
    truth = tmp_path / "gt.json"
    truth.write_text(
        '{"clips": [{"file": "no_person_tree_hand_at_end__opencv_tree.avi", "exercise": "bridge", '
        '"reps": {"both": 3}}]}'
    )
    media = str(ROOT / "sample_videos")
    out = tmp_path / "eval.json"
    assert main(["evaluate", str(truth), "--media", media, "--jobs", "1", "--json", str(out)]) == 0  # report only
    assert json.loads(out.read_text())["totals"]["all"]["obo"] == 0.0
    assert main(["evaluate", str(truth), "--media", media, "--jobs", "1", "--min-obo", "0.9"]) == 3
    captured = capsys.readouterr()
    assert "OBO 0%" in captured.out and "BELOW THRESHOLD: OBO 0% < 90%" in captured.err


@pytest.mark.model
@pytest.mark.media
@pytest.mark.truth_clips
def test_evaluate_command_on_shared_clips_holds_the_line(capsys, tmp_path, monkeypatch):
    """CI's accuracy floor on every labelled clip: it may only move up. The clips' frames go through the pose cache
    (the real model, once per clip and run), so the tests after this one that re-check the same clips reuse them."""
    from formcheck.app import evaluate

    monkeypatch.setattr(evaluate, "evaluate_all", functools.partial(evaluate.evaluate_all, analyse=analysed))
    out = tmp_path / "eval.json"
    code = main(["evaluate", str(ROOT / "tests" / "data" / "ground_truth.json"), "--json", str(out), *CI_THRESHOLDS])
    printed = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert {"tune", "heldout", "negative", "all"} <= set(doc["totals"]), printed
    assert code == 0, printed


# measured 2026-12-02 on all 24 clips (README): exact 100 %, OBO 100 %, MAE 0.000, hold error 0.8 s (1.7 before
# easing in and out stopped counting as held; 0.6 before the smoother's beta went from 0.5 to 10; 0.5 since the
# kneeling stretch's hips-forward rule reads the back thigh against the vertical, 2026-12-07), median angle error
# 5.8 deg (tune 4.7, was 5.8), max 28.3 (against the mean of two blind markers, who differ by a median 5.3 deg),
# suggestion 95 % (18 of 19). 2026-12-07: the body (deg) marks marked a second time, blind, and the disputed ones a
# third: median angle error 6.4 deg (the front-view squat's bottoms, 29-34 deg apart between the first two markers,
# are 27-28 deg off formcheck's knee and hip there), max 28.3
CI_THRESHOLDS = [
    "--min-obo",
    "1.0",
    "--min-exact",
    "0.95",
    "--max-mae",
    "0.02",
    "--max-hold-error",
    "0.8",
    "--max-median-angle-error",
    "6.5",
    "--max-angle-error",
    "32",
    "--min-suggest-accuracy",
    "0.9",
    "--max-false-alarms-per-rep",  # 2026-12-01: 0 false alarms on the 7 clean clips (26 reps and holds)
    "0.05",
    "--min-fault-recall",  # every labelled fault found (the semi-synthetic ones: tests/test_real_clips.py)
    "1.0",
]


# ---- faults ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"clean": "yes"}, "clean: must be true or false"),
        ({"faults": {"t": [1, 2]}}, "faults: must be a list"),
        ({"faults": [{"t": [3, 2], "criterion": "no over-arch"}]}, "start <= end"),
        ({"faults": [{"t": [1, float("nan")], "criterion": "no over-arch"}]}, "two times >= 0"),
        ({"faults": [{"t": [1, 2], "criterion": "hip line"}]}, "criterion must be one of"),
        ({"rep_events": [{"side": "both", "start": 2, "top": 1, "top_end": 3, "end": 4}]}, "start <= top"),
    ],
)
def test_fault_labels_that_cannot_be_scored_are_one_clear_error(extra, message):
    with pytest.raises(EvaluationError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse({"clips": [{**GOOD, **extra}]})


def test_false_alarms_count_per_rep_on_clean_clips_and_labels_are_found_by_time_and_name():
    from formcheck.app.faultscore import FaultLabel, score
    from formcheck.checking.faults import FaultEvent

    def event(name: str, a: float, b: float) -> FaultEvent:
        return FaultEvent(name, "fix it", "it happened", a, b, "right")

    clean = score([event("no over-arch", 1, 2)], True, (), units=4)
    assert (clean.false_alarms, clean.units) == (1, 4)
    labels = (FaultLabel(10, 12, "no over-arch"), FaultLabel(20, 21, "feet hip-width apart"))
    found = score([event("no over-arch", 12.3, 13), event("no over-arch", 30, 31)], False, labels, units=2)
    assert found.found == {"no over-arch": 1} and found.labelled == {"no over-arch": 1, "feet hip-width apart": 1}
    assert found.unlabelled == 1 and found.false_alarms == 0  # not a clean clip: an unmatched fault is counted apart
    results = [
        ClipResult("a", "bridge", clean=True, fault_score=clean),
        ClipResult("b", "bridge", clean=False, fault_score=found, synthetic=[("no over-arch", True), ("x", False)]),
    ]
    t = totals(results)
    assert t.false_alarms_per_rep == pytest.approx(1 / 4) and t.fault_recall == pytest.approx(1 / 2)
    assert t.synthetic_recall == pytest.approx(1 / 2) and t.recall_by_criterion["no over-arch"] == 1.0
