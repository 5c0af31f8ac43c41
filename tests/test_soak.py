"""30 minutes of live frames through the webcam worker without memory growth (synthetic poses: no model, so it runs
in about a minute). ``bench/soak.py --model lite`` runs the same with the real landmarker."""

from __future__ import annotations

import logging

from bench.soak import soak, synthetic_frames
from formcheck.app.live import LiveProcessor
from tests.factory import MarchingEstimator

LOG = logging.getLogger(__name__)


def test_thirty_minutes_of_frames_do_not_grow_memory(tmp_path):
    r = soak(
        lambda h: LiveProcessor("standing_march", history=h, estimator_factory=MarchingEstimator),
        synthetic_frames(minutes=30, fps=10),
        tmp_path / "h.sqlite",
    )
    for line in r.lines():
        LOG.info("%s", line)
    assert r.frames == 18_000 and r.minutes >= 29.9
    assert r.reps >= 0.95 * 30 * 60 / 2 * 2  # one rep per leg per 2 s: the stream really was worked on throughout
    assert r.history_events == r.reps  # every rep reached the history as it happened
    assert r.traced_end_mib - r.traced_start_mib < 1.0, r.lines()
    assert r.rss_end_mib - r.rss_start_mib < 20.0, r.lines()
