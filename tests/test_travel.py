"""The walking watch frame by frame: a body going somewhere is walking; one on the spot, however it moves, is not."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck.checking.travel import (
    END_S,
    LEFT_M,
    MOVING_S,
    TRAVEL_M,
    TRAVEL_WINDOW_S,
    TravelWatch,
    _left_at,
    scale_px_per_m,
)
from tests.factory import body_world, pose_from_world, turned, walking_world

FPS = 30.0
PX_PER_M = 300.0  # at 3 m from the camera


def seen(world: np.ndarray, t: float, across_m: float = 0.0, away_m: float = 0.0, yaw: float = 90.0):
    """``world`` seen from ``yaw``, ``across_m`` to the right in the picture and ``away_m`` further from the camera."""
    scale = PX_PER_M * 3.0 / (3.0 + away_m)
    pose = pose_from_world(turned(world, yaw) + [across_m, 0.0, 0.0], image_size=(1280, 720), px_per_m=scale, t=t)
    return replace(pose, world=turned(world, yaw))


def watch(frames) -> list[tuple[float, tuple[float, float] | None]]:
    w = TravelWatch()
    return [(t, w.update(pose, t)) for t, pose in frames]


def test_scale_is_the_least_foreshortened_segment_in_pixels_per_metre():
    assert scale_px_per_m(seen(body_world(), 0.0)) == pytest.approx(PX_PER_M)
    assert scale_px_per_m(seen(body_world(), 0.0, away_m=3.0)) == pytest.approx(PX_PER_M / 2)
    assert scale_px_per_m(seen(body_world(90.0, 90.0), 0.0, yaw=0.0)) == pytest.approx(PX_PER_M)  # thigh at the camera
    assert math.isnan(scale_px_per_m(replace(seen(body_world(), 0.0), world=None)))


@pytest.mark.parametrize("yaw", [90.0, 45.0])
def test_a_slow_walk_across_the_picture_is_walking_from_its_first_step(yaw):
    """0.6 m/s (a slow walk) starting at 2 s: told once it has gone ``TRAVEL_M``, and dated back to where it began."""
    times = [k / FPS for k in range(180)]
    frames = [(t, seen(walking_world(t), t, 0.6 * max(0.0, t - 2.0), yaw=yaw)) for t in times]
    states = watch(frames)
    first = next(t for t, s in states if s is not None)
    assert 2.0 + TRAVEL_M / 0.6 - 0.5 < first < 2.0 + TRAVEL_M / 0.6 + 0.5
    start, now = next(s for _, s in states if s is not None)
    assert 1.8 <= start <= 2.4 and now == first
    assert all(s is not None for t, s in states if t > first)  # and it goes on while the person walks


def test_travelling_is_the_hips_going_somewhere_now_and_is_told_before_the_walk():
    """A slow walk (0.6 m/s) from 2 s to 5 s, standing before and after: ``travelling`` within a second of the first
    step and well before the walk is told (the session holds back a partial rep meanwhile), over by a second after
    the last; never while standing or marching on the spot."""
    w = TravelWatch()
    states = []
    for k in range(int(8 * FPS)):
        t = k / FPS
        walking = 2.0 <= t < 5.0
        world = walking_world(t) if walking else body_world()
        walked = w.update(seen(world, t, 0.6 * (min(max(t, 2.0), 5.0) - 2.0)), t)
        states.append((t, w.travelling(), walked))
    on = [t for t, moving, _ in states if moving]
    told = next(t for t, _, walked in states if walked is not None)
    assert 2.0 < on[0] < 3.0 and on[0] < told - 0.3 and on[-1] < 6.0
    assert on == [t for t, _, _ in states if on[0] <= t <= on[-1]]  # one stretch
    w = TravelWatch()
    for k in range(int(4 * FPS)):  # marching on the spot
        t = k / FPS
        w.update(seen(body_world(90.0 * max(0.0, math.sin(math.pi * t / 1.1)), 95.0), t), t)
        assert not w.travelling()


def test_walking_towards_the_camera_is_walking():
    """Nothing crosses the picture; the body grows as it comes from 5 m to 3 m."""
    frames = [(k / FPS, seen(walking_world(k / FPS), k / FPS, away_m=2.0 - 0.8 * k / FPS, yaw=0.0)) for k in range(75)]
    assert any(s is not None for _, s in watch(frames))


def test_marching_on_the_spot_with_the_models_jitter_is_never_walking():
    rng = np.random.default_rng(0)
    frames = []
    for k in range(int(20 * FPS)):
        t = k / FPS
        lift = max(0.0, math.sin(math.pi * t / 0.85))
        pose = seen(body_world(90.0 * lift, 95.0 + 85.0 * (1 - lift), leg="left" if int(t / 0.85) % 2 else "right"), t)
        frames.append((t, replace(pose, xy=pose.xy + rng.normal(0.0, 2.0, pose.xy.shape))))
    assert all(s is None for _, s in watch(frames))


def test_a_walk_ends_when_the_person_stops():
    """1.2 m/s for 3 s, then standing: the walk is over within ``MOVING_S`` (its last second moved under
    ``MOVING_M``), while the 3 s window still holds most of the walk."""
    frames = [
        (t, seen(walking_world(t) if t < 3.0 else body_world(), t, 1.2 * min(t, 3.0)))
        for t in (k / FPS for k in range(int(6 * FPS)))
    ]
    states = dict(watch(frames))
    assert states[round(2.9 * FPS) / FPS] is not None
    stopped = [t for t, s in states.items() if t > 3.0 and s is None]
    assert stopped and stopped[0] <= 3.0 + MOVING_S
    assert all(s is None for t, s in states.items() if t >= stopped[0])


def test_a_camera_cut_starts_afresh():
    """A cut that moves the person 1.5 m across the picture (a new angle) is no walk; nor is a gap."""
    frames = [(k / FPS, seen(body_world(), k / FPS, 1.5 if k >= 45 else 0.0)) for k in range(120)]
    assert all(s is None for _, s in watch(frames))
    w = TravelWatch()
    w.update(seen(body_world(), 0.0), 0.0)
    w.update(seen(body_world(), 1.5, 1.5), 1.5)  # 1.5 s later, elsewhere: a gap, not 1 m/s
    assert w.moved() == 0.0 and w.update(seen(body_world(), 1.6, 1.5), 1.6) is None


def test_a_pose_without_world_landmarks_is_never_walking():
    w = TravelWatch()
    for k in range(int(TRAVEL_WINDOW_S * FPS) + 1):
        pose = replace(seen(walking_world(k / FPS), k / FPS, 1.5 * k / FPS), world=None)
        assert w.update(pose, k / FPS) is None


def _left_at_frame_by_frame(times: np.ndarray, where: np.ndarray) -> float:
    """The definition of the walk's start, written plainly: one median per frame (what ``_left_at`` computes for all
    frames at once)."""
    start = np.median(where[times <= times[0] + END_S], axis=0)
    left = times[0]
    for t in times:
        if np.linalg.norm(np.median(where[np.abs(times - t) <= END_S / 2], axis=0) - start) <= LEFT_M:
            left = t
    return float(left)


@pytest.mark.parametrize("fps", [15.0, 25.0, 30.0, 60.0])
def test_the_walks_start_for_all_frames_at_once_is_the_frame_by_frame_definition(fps):
    """Random tracks (still, walking, walking back, with jitter and uneven frame times): the vectorised start is the
    plain definition's, exactly; frames exactly ``END_S / 2`` apart (60 fps) included."""
    rng = np.random.default_rng(int(fps))
    for k in range(150):
        n = int(rng.integers(3, int(TRAVEL_WINDOW_S * fps) + 1))
        times = 1000.0 + np.arange(n) / fps + (rng.normal(0.0, 0.003, n) if k % 3 == 1 else 0.0)
        times = np.sort(times)
        speed = rng.choice([0.0, 0.6, 1.4]) * (1 if k % 4 else -1)
        path = speed * (times - times[0]) * (1.0 if k % 5 else -np.sign(times - times[n // 2]))
        where = np.column_stack([path * math.cos(k), path * math.sin(k), np.zeros(n)]) + rng.normal(0, 0.04, (n, 3))
        assert _left_at(times, where) == _left_at_frame_by_frame(times, where), (fps, k)
