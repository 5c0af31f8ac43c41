"""30 minutes of live frames through the webcam worker without memory growth (synthetic poses: no model, so it runs
in under a minute on this 2-core machine). ``bench/soak.py --model lite`` runs the same with the real landmarker."""

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


# tracemalloc triples the worker's cost (2 -> 6 ms a frame), so the test traces Python's allocations over the last
# 4 of the 30 minutes only and bounds the growth over the last 3 (the first traced minute fills the rolling buffers
# with traced frames): a leak per frame or per rep shows there as it would over the whole run. RSS is watched over all
# of it. The bound is 2 MiB per 30 min pro rata (0.2 MiB over the 3 minutes). Traced from the start, the heap grew
# 0.33 MiB in 29 min (~190 bytes per rep: the session report's rep records) under a bound of 1 MiB; over the last 3
# minutes it grows 0.11 MiB (~600 bytes per rep), as a container of rep records that grows its table there counts
# in full while the table it replaces, allocated before the tracing, is not taken off.
TRACED_MINUTES, HEAP_MIB_PER_30_MIN = 3, 2.0


def test_thirty_minutes_of_frames_do_not_grow_memory(tmp_path):
    frames = 30 * 60 * 10
    r = soak(
        lambda h: LiveProcessor("standing_march", history=h, estimator_factory=ReplayedMarch),
        synthetic_frames(minutes=30, fps=10),
        tmp_path / "h.sqlite",
        traced_from=frames - (TRACED_MINUTES + 1) * 60 * 10,
    )
    for line in r.lines():
        LOG.info("%s", line)
    assert r.frames == frames and r.minutes >= 29.9
    assert r.reps >= 0.95 * 30 * 60 / 2 * 2  # one rep per leg per 2 s: the stream really was worked on throughout
    assert r.history_events == r.reps  # every rep reached the history as it happened
    assert r.traced_end_mib - r.traced_start_mib < HEAP_MIB_PER_30_MIN * TRACED_MINUTES / 30, r.lines()
    assert r.rss_end_mib - r.rss_start_mib < 20.0, r.lines()


@dataclasses.dataclass
class Update:
    events: list[str]


class LeakyWorker:
    """A stand-in for the webcam worker that keeps ``leak`` bytes of every frame it is given."""

    def __init__(self, leak: int) -> None:
        self.leak, self.kept = leak, list[bytes]()
        self.update = Update([])

    def process(self, image: np.ndarray, t: float) -> Update:
        if self.leak:
            self.kept.append(bytes(self.leak))
        return self.update

    def close(self) -> None:
        pass


def test_the_traced_window_catches_a_leak_of_a_small_object_a_frame(tmp_path):
    """The soak's window is sensitive enough: 128 bytes kept per frame (14 MB an hour at 30 fps) over the
    traced 3 minutes break its bound, nothing kept does not."""
    bound = HEAP_MIB_PER_30_MIN * TRACED_MINUTES / 30
    growth = {}
    for leak in (0, 128):
        r = soak(
            lambda h, leak=leak: LeakyWorker(leak),
            synthetic_frames(minutes=TRACED_MINUTES + 1, fps=10),
            tmp_path / f"h{leak}.sqlite",
        )
        growth[leak] = r.traced_end_mib - r.traced_start_mib
    assert growth[0] < bound / 10, growth
    assert growth[128] > bound, growth
