"""Exercise checkers on real recordings, against tests/data/ground_truth.json (runs in CI with ../shared)."""

import json

import pytest

from formcheck.app.recording import apply_session
from formcheck.checking.suggest import suggest_exercise
from tests.conftest import ROOT, analysed, media

pytestmark = [pytest.mark.model, pytest.mark.media]
# the five phone clips of one presenter (the rest of the truth is scored by `formcheck evaluate`, test_evaluate.py)
FIVE = ("glute_bridge", "knee_to_chest_supine", "straight_leg_raise", "standing_knee_lift", "kneeling_hip_flexor")
TRUTH = [
    c
    for c in json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text())["clips"]
    if c["file"].startswith(FIVE)
]


_ANALYSED: dict[str, list] = {}


def _results(clip):
    """Each clip goes through the model once (the pose cache: once per run, shared with `formcheck evaluate`'s test);
    every test below re-checks those results (as the app does)."""
    if clip["file"] not in _ANALYSED:
        _ANALYSED[clip["file"]] = analysed(media(clip["file"]), "full")
    return _ANALYSED[clip["file"]]


def _run(clip):
    return apply_session(_results(clip), clip["exercise"]).report()


@pytest.mark.parametrize("clip", [c for c in TRUTH if "reps" in c], ids=lambda c: c["exercise"])
def test_rep_counts_within_one_per_side(clip):
    report = _run(clip)
    found = {k: report.reps.get(k, 0) + report.partial_reps.get(k, 0) for k in report.reps}
    for side, true in clip["reps"].items():
        assert abs(found.get(side, 0) - true) <= 1, (side, found, clip["reps"])
    assert abs(sum(found.values()) - sum(clip["reps"].values())) <= 1


@pytest.mark.parametrize("clip", [c for c in TRUTH if "rep_events" in c], ids=lambda c: c["exercise"])
def test_each_rep_is_found_where_it_was_marked(clip):
    """Every hand-marked rep has a detected rep of the same side whose top overlaps the marked top."""
    reps = _run(clip).rep_details
    for e in clip["rep_events"]:
        side = None if e["side"] == "both" else e["side"]
        assert any(r.side == side and r.top_start_s <= e["top_end"] and r.top_end_s >= e["top"] for r in reps), e


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
    for r in rows:  # a full rep reached the target, and every rep moved through a real range
        if r["full"]:
            assert (
                (r["peak_deg"] >= r["target_deg"])
                if r["from_deg"] < r["peak_deg"]
                else (r["peak_deg"] <= r["target_deg"])
            )
        assert r["rom_deg"] >= 15 and r["start_s"] < r["end_s"] and r["verdict"]
        assert r["angle"].split()[0] in ("left", "right") or r["angle"].startswith("trunk")
