"""The pose of one person in one frame, as numpy arrays with documented shapes.

Landmark indices follow BlazePose's 33-point topology. Pixel coordinates have their origin at the image's top-left
corner, x to the right and y downwards, so angles computed on them keep the true aspect ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

import numpy as np

N_LANDMARKS = 33
DEFAULT_MIN_VISIBILITY = 0.5
# Body diagonals (``Pose.body_size``) per second that a limb landmark reaches only in the fastest movements: real
# knees peak at ~2.5 (fast high knees; measured on the tune clips, see formcheck/checking/continuity.py), a foot in
# them at ~5. A landmark that moves faster between two frames, and not the way it was going (``too_fast``), was
# misread in one of them: the smoother does not blend across it and the continuity watch skips it.
MAX_LIMB_SPEED = 5.0
# Body diagonals per second squared. A landmark faster than MAX_LIMB_SPEED whose velocity changed by less than this
# since the step before kept going the way it was going: the foot in fast high knees (0.27 s up and down) changes its
# velocity at ~80; misreads in the labelled clips, 316 landmarks over the speed limit, at 117 or more (README).
MAX_LIMB_ACCELERATION = 100.0
# Body diagonals: how far the model's reading of a landmark at rest strays from a straight path between three frames
# (its second difference), 90th percentile over the labelled clips' limb landmarks that moved under 0.02 body
# diagonals in 0.2 s (median 0.005). A landmark is believed while it departs from where it was heading by no more than
# the fastest limb's acceleration explains plus this: at 60 frames/s the fast foot departs by only ~0.02 (80 x
# (1/60)^2), about the model's own jitter, and without it a foot read with 1 px of noise was taken as misread. The
# limit on a velocity's change then works out at 109 body diagonals a second squared at 25 frames/s and 114 at 30,
# still under the slowest misread's 117; of the 1,119 landmark steps the labelled clips' detections have over the
# speed limit, 2 more are believed (inside the bridge demo's wipe, and a toe), every evaluate figure the same.
LANDMARK_JITTER = 0.015


def too_fast(
    before: np.ndarray, after: np.ndarray, dt: float, size: float, velocity: np.ndarray | None = None
) -> np.ndarray:
    """(n,) bool: the points (``before``, ``after``: (n, 2) pixels, ``dt`` seconds apart) that moved faster than
    ``MAX_LIMB_SPEED`` body sizes (``size`` pixels) per second and not the way they were going. ``velocity`` ((n, 2)
    pixels per second over the step before; NaN where unknown or misread) lets a point faster than the limit be
    believed when its velocity changed by at most ``MAX_LIMB_ACCELERATION * dt + LANDMARK_JITTER / dt`` (it strayed
    from where it was heading by no more than a limb's acceleration and the model's jitter explain) and by less than
    ``MAX_LIMB_SPEED`` (so at a low frame rate a point that was at rest never jumps unseen). Without it, or where it
    is NaN, the speed alone decides. A point that is NaN in either pose is never too fast."""
    if dt <= 0 or size <= 0:
        return np.zeros(len(after), dtype=bool)
    step = (after - before) / dt
    with np.errstate(invalid="ignore"):
        fast = np.nan_to_num(np.linalg.norm(step, axis=1) / size, nan=0.0) > MAX_LIMB_SPEED
        if velocity is not None:
            change = np.nan_to_num(np.linalg.norm(step - velocity, axis=1) / size, nan=np.inf)
            allowed = MAX_LIMB_ACCELERATION * dt + LANDMARK_JITTER / dt
            fast &= ~((change <= allowed) & (change < MAX_LIMB_SPEED))
    return fast


def step_velocity(before: np.ndarray, after: np.ndarray, dt: float, misread: np.ndarray) -> np.ndarray:
    """(n, 2) pixels per second from ``before`` to ``after`` (n, 2); NaN where ``misread`` ((n,) bool), where a point is
    NaN, or for every point when ``dt`` <= 0 (a misread is no velocity to keep going with)."""
    if dt <= 0:
        return np.full(after.shape, np.nan)
    return np.where(misread[:, None], np.nan, (after - before) / dt)


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Skeleton edges for drawing (BlazePose connections without the face mesh detail).
CONNECTIONS: tuple[tuple[Landmark, Landmark], ...] = tuple(
    (Landmark[a], Landmark[b])
    for a, b in (
        ("LEFT_SHOULDER", "RIGHT_SHOULDER"),
        ("LEFT_HIP", "RIGHT_HIP"),
        ("LEFT_SHOULDER", "LEFT_HIP"),
        ("RIGHT_SHOULDER", "RIGHT_HIP"),
        ("LEFT_SHOULDER", "LEFT_ELBOW"),
        ("LEFT_ELBOW", "LEFT_WRIST"),
        ("RIGHT_SHOULDER", "RIGHT_ELBOW"),
        ("RIGHT_ELBOW", "RIGHT_WRIST"),
        ("LEFT_HIP", "LEFT_KNEE"),
        ("LEFT_KNEE", "LEFT_ANKLE"),
        ("LEFT_ANKLE", "LEFT_HEEL"),
        ("LEFT_HEEL", "LEFT_FOOT_INDEX"),
        ("LEFT_ANKLE", "LEFT_FOOT_INDEX"),
        ("RIGHT_HIP", "RIGHT_KNEE"),
        ("RIGHT_KNEE", "RIGHT_ANKLE"),
        ("RIGHT_ANKLE", "RIGHT_HEEL"),
        ("RIGHT_HEEL", "RIGHT_FOOT_INDEX"),
        ("RIGHT_ANKLE", "RIGHT_FOOT_INDEX"),
        ("NOSE", "LEFT_EAR"),
        ("NOSE", "RIGHT_EAR"),
    )
)


# The body's long segments, trunk, thigh and shin of each side, as (start, end) landmarks: the body's scale in the
# picture (``pose.view.metres_per_pixel``, ``checking.travel``) and its shape (``checking.continuity``) are read on
# them.
LIMB_SEGMENTS: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
)
# the same as two index arrays, (6,) starts and (6,) ends, to take all six from a (33, k) array at once
LIMB_STARTS = np.array([a for a, _ in LIMB_SEGMENTS])
LIMB_ENDS = np.array([b for _, b in LIMB_SEGMENTS])


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame.

    Attributes:
        xy: (33, 2) float, pixel coordinates (x right, y down).
        z: (33,) float, relative depth in the same scale as x (smaller = closer to the camera), as BlazePose gives it.
        visibility: (33,) float in [0, 1], the model's confidence that the landmark is visible.
        world: (33, 3) float or None: MediaPipe's 3-D "world" landmarks in metres, origin at the centre of the hips,
            axes turned like the camera's (x to the image's right, y down the image, z away from the camera, so
            smaller z = nearer), scale from the model's notion of a human body, not from the picture. With the
            camera held upright, "up" is -y. ``None`` where the model gave none (a synthetic pose, an old recording).
        image_size: (width, height) of the frame in pixels.
        timestamp_s: frame time in seconds from the start of the stream (from frame timestamps, never the clock).
        n_people: how many people the detector saw in this frame (this pose is the largest one).
        held: True when this pose is a copy of an earlier one bridging a short dropout.
    """

    xy: np.ndarray
    z: np.ndarray
    visibility: np.ndarray
    world: np.ndarray | None
    image_size: tuple[int, int]
    timestamp_s: float
    n_people: int = 1
    held: bool = field(default=False)

    def __post_init__(self) -> None:
        _check_shape("xy", self.xy, (N_LANDMARKS, 2))
        _check_shape("z", self.z, (N_LANDMARKS,))
        _check_shape("visibility", self.visibility, (N_LANDMARKS,))
        if self.world is not None:
            _check_shape("world", self.world, (N_LANDMARKS, 3))
        w, h = self.image_size
        if w <= 0 or h <= 0:
            raise ValueError(f"image_size must be positive (width, height), got {self.image_size}")

    def point(self, lm: Landmark | int, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> np.ndarray:
        """(2,) pixel position of a landmark, or NaNs if its visibility is below ``min_visibility``."""
        if self.visibility[lm] < min_visibility or not np.all(np.isfinite(self.xy[lm])):
            return np.full(2, np.nan)
        return self.xy[lm].astype(float)

    def visible(self, landmarks: Sequence[Landmark | int], min_visibility: float = DEFAULT_MIN_VISIBILITY) -> bool:
        idx = np.asarray(landmarks, dtype=int)
        return bool(np.all(self.visibility[idx] >= min_visibility) and np.all(np.isfinite(self.xy[idx])))

    def fraction_in_frame(self, landmarks: Sequence[Landmark | int], margin: float = 0.0) -> float:
        """Share of the given landmarks whose pixel position lies inside the image (with a margin in pixels)."""
        w, h = self.image_size
        pts = self.xy[np.asarray(landmarks, dtype=int)]
        inside = (pts[:, 0] >= -margin) & (pts[:, 0] <= w + margin) & (pts[:, 1] >= -margin) & (pts[:, 1] <= h + margin)
        return float(np.mean(inside))

    def body_size(self) -> float:
        """The diagonal of the box holding the middle 90 % of the landmarks, pixels (robust to one stray landmark);
        NaN if a landmark is NaN. Called several times per frame, so it is ``np.percentile``'s linear rule on one sort
        rather than ``np.percentile`` itself (ten times slower on 33 points)."""
        ranked = np.sort(self.xy, axis=0)
        if np.isnan(ranked[-1]).any():  # np.sort puts NaNs last
            return float("nan")
        d = ranked_quantile(ranked, 0.95) - ranked_quantile(ranked, 0.05)
        return float(np.hypot(d[0], d[1]))

    def with_time(self, timestamp_s: float, held: bool) -> Pose:
        return replace(self, timestamp_s=timestamp_s, held=held)

    @classmethod
    def from_mediapipe(
        cls,
        landmarks: Sequence[Any],
        world_landmarks: Sequence[Any] | None,
        image_size: tuple[int, int],
        timestamp_s: float,
        n_people: int = 1,
    ) -> Pose:
        """Adapter from MediaPipe Tasks' NormalizedLandmark list (image) and Landmark list (world, metres), duck-typed
        (x, y, z, visibility). ``world_landmarks`` None or empty -> ``world=None``."""
        w, h = image_size
        norm = np.array([[p.x, p.y, p.z, _vis(p)] for p in landmarks], dtype=float)
        world = np.array([[p.x, p.y, p.z] for p in world_landmarks], dtype=float) if world_landmarks else None
        return cls(
            xy=norm[:, :2] * np.array([w, h], dtype=float),
            z=norm[:, 2] * w,
            visibility=norm[:, 3],
            world=world,
            image_size=(int(w), int(h)),
            timestamp_s=float(timestamp_s),
            n_people=n_people,
        )


def ranked_quantile(ranked: Any, q: float) -> Any:
    """The ``q`` quantile (0-1) of ``ranked`` (non-empty, sorted along its first axis: a list of floats or an array
    of columns), interpolated linearly between the two nearest ranks as ``np.percentile``'s default does. For the
    per-frame paths, where ``np.percentile``'s own cost is ten times the arithmetic."""
    pos = q * (len(ranked) - 1)
    k = int(pos)
    upper = ranked[min(k + 1, len(ranked) - 1)]
    return ranked[k] + (upper - ranked[k]) * (pos - k)


def _vis(p: Any) -> float:
    v = getattr(p, "visibility", None)
    return float(v) if v is not None else 0.0


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int, ...]) -> None:
    if not isinstance(arr, np.ndarray) or arr.shape != shape:
        got = getattr(arr, "shape", type(arr).__name__)
        raise ValueError(f"{name} must be a numpy array of shape {shape}, got {got}")
