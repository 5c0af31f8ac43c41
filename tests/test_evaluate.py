from pathlib import Path

import pytest

from formcheck.app.cli import main
from formcheck.app.evaluate import ClipResult, evaluate_clip, totals
from formcheck.checking.counters import Rep
from formcheck.checking.session import ExerciseSession
from tests.conftest import ROOT


def test_metrics_follow_their_definitions():
    results = [
        ClipResult("a", "bridge", {"both": 10}, {"both": 10}),
        ClipResult("b", "knee_to_chest", {"left": 4, "right": 5}, {"left": 5, "right": 2}, {"right": 1.5}),
    ]
    t = totals(results)
    assert t.count_items == 3
    assert t.exact_rate == pytest.approx(1 / 3)
    assert t.obo == pytest.approx(2 / 3)
    assert t.mae == pytest.approx((0 + 1 / 4 + 3 / 5) / 3)
    assert t.max_hold_error_s == 1.5


def test_marked_angle_and_its_error():
    from formcheck.app.evaluate import _angle_error, marked_angle
    from formcheck.values import FrameResult

    mark = {"t": 1.0, "angle": "right_knee", "points": [[0, 0], [0, 100], [100, 100]]}
    assert marked_angle(mark) == pytest.approx(90.0)
    frames = [FrameResult(i, i * 0.5, None, False, 0, {"right_knee": 80.0 + i}) for i in range(4)]
    assert _angle_error(mark, frames) == pytest.approx(8.0)  # nearest frame is t=1.0 (index 2): 82 vs 90
    assert _angle_error(mark, [FrameResult(0, 1.0, None, False, 0, {})]) == float("inf")


def test_evaluate_clip_uses_the_session_report(tmp_path):
    def fake_run(path: Path, session: ExerciseSession) -> None:
        session.counters["both"].reps.extend([Rep(None, 1.0, 0.5, 170.0, False), Rep(None, 3.0, 0.5, 172.0, False)])

    r = evaluate_clip({"file": "x.mp4", "exercise": "bridge", "reps": {"both": 3}}, tmp_path, run=fake_run)
    assert r.predicted_reps == {"both": 2} and r.count_pairs == [(2, 3)]


@pytest.mark.model
@pytest.mark.media
def test_evaluate_command_on_shared_clips_holds_the_line(capsys):
    """CI's accuracy floor: it may only move up."""
    code = main(
        [
            "evaluate",
            str(ROOT / "tests" / "data" / "ground_truth.json"),
            "--min-obo",
            "1.0",
            "--min-exact",
            "0.75",
            "--max-mae",
            "0.15",
            "--max-hold-error",
            "2.0",
            "--max-median-angle-error",
            "8",
            "--max-angle-error",
            "25",
        ]
    )
    out = capsys.readouterr().out
    assert "Total: 5 clips" in out
    assert code == 0, out


@pytest.mark.model
def test_thresholds_fail_the_command(tmp_path, capsys):
    truth = tmp_path / "gt.json"
    truth.write_text(
        '{"clips": [{"file": "no_person_tree_hand_at_end__opencv_tree.avi", "exercise": "bridge", '
        '"reps": {"both": 3}}]}'
    )
    media = str(ROOT / "sample_videos")
    assert main(["evaluate", str(truth), "--media", media]) == 0  # no thresholds: report only
    assert main(["evaluate", str(truth), "--media", media, "--min-obo", "0.9"]) == 3
    captured = capsys.readouterr()
    assert "OBO 0%" in captured.out and "BELOW THRESHOLD: OBO 0% < 90%" in captured.err
