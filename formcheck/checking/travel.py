"""Walking across the floor, told from exercising on the spot.

A person recording themselves at home walks from the camera to the mat, and back at the end. A walking step lifts the
thigh 25-35 deg, as much as a small knee lift, so without this a standing march counted each step as a partial rep (2-5
a leg for a walk in and a walk off, ``tests/test_variants.py``, every view; 8 on the real pedestrians clip) and the
standing pelvic tilt judged the gait (12 faults there: bouncing, tilt, knees).

What walking does and marching on the spot does not: the body goes somewhere. The watch follows the hips' centre in
metres, across the picture (pixels over the body's own scale: the picture length of its trunk, thighs and shins against
their 3-D length from the model's world landmarks) and towards or away from the camera (the distance that scale puts the
person at, for a camera whose focal length is ``FOCAL_SHARE`` of the picture's longer side). The person is **walking**
while the hips have moved ``TRAVEL_M`` or more over the last ``TRAVEL_WINDOW_S`` and are still moving, ``MOVING_M`` or
more over the last ``MOVING_S``. The walk began when the hips last stood within ``LEFT_M`` of where the window starts:
the session takes back any partial rep that ended after that (the first steps come before the walk can be told), unless
the reps since then are mostly full (knee lifts done travelling are the exercise, not a walk). While the hips are
``travelling`` (the second half of that test alone, met well before a walk can be told), the session holds back a
partial rep that ends, and tells it once they stop: a walk's steps are never shown and then taken back.

Why these numbers: slow walking is ~0.6 m/s and a comfortable pace ~1.2 (gait literature), so 3 s of the slowest walk
covers 1.8 m and 1 s of it 0.6 m. In the labelled clips nobody walks, and the hips' centre moves at most 0.46 m in any 3
s on the standing march (0.65 on any standing clip: squats, lunges with a step back, warrior I; the model's jitter
included). ``TRAVEL_M`` = 0.8 m lies between: 1.7x the most the march moved, 1.2x the most any standing clip moved, and
the slowest walk goes that far in 1.3 s (a slow walker 3 m from the camera, coming at it, is told before leaving its
picture; with 1.0 m the walk off in ``tests/test_variants.py`` kept a partial rep a leg). ``MOVING_M`` = 0.3 m is half
the slowest walk's second, and ``LEFT_M`` = 0.15 m a quarter of a slow step (0.6 m). The focal length is a phone's main
camera (~65 deg across the longer side: 0.8 of it in pixels; a laptop webcam is similar); 25 % off only scales the part
towards the camera by as much. At a camera cut or a gap (no pose for ``MAX_GAP_S``, as the continuity watch's) the watch
starts afresh.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from formcheck.checking.continuity import MAX_GAP_S
from formcheck.landmarks import LIMB_ENDS, LIMB_STARTS, Pose
from formcheck.landmarks import Landmark as L

TRAVEL_WINDOW_S = 3.0
TRAVEL_M = 0.8
MOVING_S = 1.0
MOVING_M = 0.3
LEFT_M = 0.15
FOCAL_SHARE = 0.8
END_S = 0.3  # each end of the window is the median over this long (one frame's jitter never makes a walk)
MAX_STEP_M_S = 3.0  # the hips crossing the picture faster than this between two frames: a cut or the person re-found
MAX_SCALE_CHANGE = 1 / 3  # the body's scale changing by more than this between two frames: a cut (a zoom, a close-up)


def scale_px_per_m(pose: Pose) -> float:
    """The pose's scale, picture pixels per metre: the largest ratio over the trunks, thighs and shins of their picture
    length to their 3-D length (a segment turned towards the camera only looks shorter, so the largest is the least
    foreshortened). NaN without world landmarks. Not ``formcheck.pose.view.metres_per_pixel`` (the median over the
    same segments of their world length in the picture's plane against their picture length), which is steadier for
    the view but noisier frame to frame: with it the labelled march's hips "moved" up to 0.57 m in 3 s and a lunge
    clip's 0.75 (0.46 and 0.65 with this), too near ``TRAVEL_M``."""
    if pose.world is None:
        return math.nan
    picture = np.linalg.norm(pose.xy[LIMB_STARTS] - pose.xy[LIMB_ENDS], axis=1)
    real = np.linalg.norm(pose.world[LIMB_STARTS] - pose.world[LIMB_ENDS], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(real > 0.05, picture / real, np.nan)
    return float(np.nanmax(ratio)) if np.isfinite(ratio).any() else math.nan


class TravelWatch:
    """``update(pose, t)`` each frame with a person: the stretch of frame time ``(start, now)`` of the walk the person
    is on, or None while they stay on the spot."""

    def __init__(self) -> None:
        self._track: deque[tuple[float, float, float, float, float]] = deque()  # t, hips x, y px, scale, distance m

    def update(self, pose: Pose, t: float) -> tuple[float, float] | None:
        """The walk under way at this frame, or None. A pose without world landmarks is never walking."""
        scale = scale_px_per_m(pose)
        hips = (pose.xy[L.LEFT_HIP] + pose.xy[L.RIGHT_HIP]) / 2
        if not (math.isfinite(scale) and scale > 0 and np.isfinite(hips).all()):
            return None
        if self._track:
            t0, x0, y0, scale0, _ = self._track[-1]
            dt = t - t0
            if dt <= 0:
                return None
            crossed, rescaled = math.hypot(hips[0] - x0, hips[1] - y0) / scale / dt, abs(scale / scale0 - 1)
            if dt > MAX_GAP_S or crossed > MAX_STEP_M_S or rescaled > MAX_SCALE_CHANGE:
                self._track.clear()
        self._track.append((t, float(hips[0]), float(hips[1]), scale, FOCAL_SHARE * max(pose.image_size) / scale))
        while t - self._track[0][0] > TRAVEL_WINDOW_S:
            self._track.popleft()
        if t - self._track[0][0] < TRAVEL_WINDOW_S / 2:
            return None
        times, where = self._positions()
        if _moved(times, where) >= TRAVEL_M and _still_moving(times, where):
            return _left_at(times, where), t
        return None

    def travelling(self) -> bool:
        """Whether the hips are going somewhere now: ``MOVING_M`` or more over the last ``MOVING_S`` (of a track at
        least ``2 * END_S`` long), the second half of a walk's test, which a walk meets within ~0.8 s of its start
        and a march on the spot does not. Read from the last pose seen."""
        if not self._track or self._track[-1][0] - self._track[0][0] < 2 * END_S:
            return False
        return _still_moving(*self._positions())

    def moved(self) -> float:
        """Metres the hips moved over the window (0 while it is empty)."""
        return _moved(*self._positions()) if self._track else 0.0

    def _positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(n,) times and (n, 3) positions of the hips in metres: across the picture at the window's median scale,
        and the distance from the camera."""
        track = np.array(self._track)
        scale = float(np.median(track[:, 3]))
        return track[:, 0], np.column_stack([track[:, 1] / scale, track[:, 2] / scale, track[:, 4]])


def _end_medians(times: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The median position over the first and over the last ``END_S`` of a stretch."""
    return np.median(where[times <= times[0] + END_S], axis=0), np.median(where[times >= times[-1] - END_S], axis=0)


def _moved(times: np.ndarray, where: np.ndarray) -> float:
    """Metres between a stretch's first and last ``END_S`` (medians: one frame's jitter never makes a walk)."""
    first, last = _end_medians(times, where)
    return float(np.linalg.norm(last - first))


def _still_moving(times: np.ndarray, where: np.ndarray) -> bool:
    """The hips moved ``MOVING_M`` or more over the stretch's last ``MOVING_S``."""
    recent = times >= times[-1] - MOVING_S
    return _moved(times[recent], where[recent]) >= MOVING_M


def _left_at(times: np.ndarray, where: np.ndarray) -> float:
    """The last time the hips (a median over ``END_S`` around each frame) stood within ``LEFT_M`` of the stretch's
    start. All frames at once (a walk's window has up to ~200): row i of an (n, n, 3) array holds frame i's
    neighbours, sorted, NaN elsewhere (sorted last), and each row's median is taken as ``np.median`` takes it."""
    start, _ = _end_medians(times, where)
    near = np.abs(times[:, None] - times[None, :]) <= END_S / 2
    rows = np.sort(np.where(near[:, :, None], where[None, :, :], np.nan), axis=1)
    count = near.sum(axis=1)
    i = np.arange(len(times))
    medians = (rows[i, (count - 1) // 2] + rows[i, count // 2]) / 2
    medians = np.where((count % 2 == 1)[:, None], rows[i, count // 2], medians)
    stood = np.flatnonzero(np.linalg.norm(medians - start, axis=1) <= LEFT_M)
    return float(times[stood[-1]]) if stood.size else float(times[0])
