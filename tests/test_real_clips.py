"""Exercise checkers on real recordings, against tests/data/ground_truth.json (runs in CI with ../shared)."""

import json

import pytest

from formcheck.app.recording import analyse_recording, apply_session
from formcheck.checking.suggest import suggest_exercise
from tests.conftest import ROOT, media

pytestmark = [pytest.mark.model, pytest.mark.media]
TRUTH = json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text())["clips"]


_ANALYSED: dict[str, list] = {}


def _results(clip):
    """Each clip goes through the model once; every test below re-checks those results (as the app does)."""
    if clip["file"] not in _ANALYSED:
        _ANALYSED[clip["file"]] = analyse_recording(media(clip["file"]), "full")[0]
    return _ANALYSED[clip["file"]]


def _run(clip):
    return apply_session(_results(clip), clip["exercise"]).report()


@pytest.mark.parametrize("clip", [c for c in TRUTH if "reps" in c], ids=lambda c: c["exercise"])
def test_rep_counts_within_one_per_side(clip):
    report = _run(clip)
    for side, true in clip["reps"].items():
        assert abs(report.reps.get(side, 0) - true) <= 1, (side, report.reps, clip["reps"])
    assert abs(sum(report.reps.values()) - sum(clip["reps"].values())) <= 1


@pytest.mark.parametrize("clip", [c for c in TRUTH if "hold_s" in c], ids=lambda c: c["exercise"])
def test_hold_time_within_two_seconds(clip):
    report = _run(clip)
    for side, true in clip["hold_s"].items():
        longest = max((h.duration_s for h in report.holds if h.side == side), default=0.0)
        assert abs(longest - true) <= 2.0, (side, [(h.side, h.start_s, h.duration_s) for h in report.holds])
        lo, _ = clip["hold_window_s"]
        best = max((h for h in report.holds if h.side == side), key=lambda h: h.duration_s)
        assert lo - 2.0 <= best.start_s <= lo + 2.0


@pytest.mark.parametrize("clip", TRUTH, ids=lambda c: c["exercise"])
def test_exercise_is_suggested_from_the_recording(clip):
    best, second = suggest_exercise(_results(clip))[:2]
    assert best.exercise == clip["exercise"] and best.confident, (best, second)
    assert best.score > second.score + 0.1, (best, second)


@pytest.mark.parametrize("clip", [c for c in TRUTH if "reps" in c], ids=lambda c: c["exercise"])
def test_rep_table_shows_range_of_motion_against_target(clip):
    rows = _run(clip).rep_table()
    assert rows and all(r["peak_deg"] is not None and r["rom_deg"] is not None for r in rows)
    for r in rows:  # every counted rep reached the counting threshold, and moved through a real range
        assert (
            (r["peak_deg"] >= r["target_deg"]) if r["from_deg"] < r["peak_deg"] else (r["peak_deg"] <= r["target_deg"])
        )
        assert r["rom_deg"] >= 15 and r["start_s"] < r["end_s"]
