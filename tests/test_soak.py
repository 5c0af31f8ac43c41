"""30 minutes of live frames through the webcam worker without memory growth (synthetic poses: no model, so it runs
in about two minutes on this 2-core machine). ``bench/soak.py --model lite`` runs the same with the real landmarker."""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from bench.soak import soak, synthetic_frames
from formcheck.app.live import LiveProcessor
from formcheck.landmarks import Pose
from tests.factory import MarchingEstimator, marching_pose

LOG = logging.getLogger(__name__)


class ReplayedMarch(MarchingEstimator):
    """``MarchingEstimator``'s poses, each phase of the march built once and replayed (a fresh copy with the frame's
    time): the soak measures the webcam worker, not the making of 18,000 synthetic poses."""

    def __init__(self) -> None:
        super().__init__()
        self._poses: dict[tuple[float, int, int], Pose] = {}

    def __call__(self, image: np.ndarray, t: float) -> Pose | None:
        self.calls += 1
        h, w = image.shape[:2]
        key = (round(t % self.period_s, 6), w, h)
        if key not in self._poses:
            self._poses[key] = marching_pose(t, self.period_s, (w, h))
        p = self._poses[key]
        return dataclasses.replace(
            p,
            xy=p.xy.copy(),
            z=p.z.copy(),
            visibility=p.visibility.copy(),
            world=None if p.world is None else p.world.copy(),
            timestamp_s=t,
        )


def test_replayed_march_is_the_marching_estimator():
    made, replayed = MarchingEstimator(), ReplayedMarch()
    img = np.zeros((120, 160, 3), np.uint8)
    for i in range(100):  # five periods of the march, at the soak's 10 fps and clock
        t = 1000.0 + i / 10
        a, b = made(img, t), replayed(img, t)
        assert a is not None and b is not None and b.timestamp_s == t
        np.testing.assert_allclose(b.xy, a.xy, atol=1e-9)
        np.testing.assert_array_equal(b.visibility, a.visibility)
    assert len(replayed._poses) == 20  # one pose per phase: 2 s at 10 fps


def test_thirty_minutes_of_frames_do_not_grow_memory(tmp_path):
    r = soak(
        lambda h: LiveProcessor("standing_march", history=h, estimator_factory=ReplayedMarch),
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
