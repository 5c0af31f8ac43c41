"""Exercise checkers on real recordings, against tests/data/ground_truth.json (runs in CI with ../shared)."""
import json

import pytest

from formcheck.analysis import analyse_recording
from formcheck.exercises import get
from formcheck.session import ExerciseSession
from tests.conftest import ROOT, media

pytestmark = [pytest.mark.model, pytest.mark.media]
TRUTH = json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text())["clips"]


def _run(clip):
    session = ExerciseSession(get(clip["exercise"]))
    analyse_recording(media(clip["file"]), "full", session=session)
    return session.report()


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
        lo, hi = clip["hold_window_s"]
        best = max((h for h in report.holds if h.side == side), key=lambda h: h.duration_s)
        assert lo - 2.0 <= best.start_s <= lo + 2.0
