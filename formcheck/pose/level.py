"""Camera roll: how far a phone propped up crooked turns the picture, read from the room's vertical lines.

Every rule measured against the vertical (trunk upright, shin vertical, a lying body's elevation) assumes an upright
camera. Rolled 8 deg (``bench/conditions.py``'s ``tilt``), the kneeling stretch's trunk reads ~8-11 deg further from
the vertical and its hold is lost. The pose model cannot tell: its own 3-D skeleton turns with the camera. The room
can: door frames, wall corners, curtain folds and furniture edges are vertical, and a rolled camera leans them all by
the roll.

One reading (:func:`read_roll`), on a grey copy ``WORK_SIDE`` px on its long side (~8-9 ms):

* line segments (OpenCV's line segment detector) at least ``MIN_SEGMENT`` of the picture's short side long and
  within ``MAX_LEAN_DEG`` of the picture's vertical;
* not on the person (their landmarks' box, :func:`formcheck.pose.exposure.person_box`), not below their lowest
  landmark (the floor in front of them: floorboards and rug patterns that run away from the camera look nearly
  vertical), and not the edge of padding (flat colour from the line out to the picture's edge: a letterbox or
  pillarbox of any colour, the black corners of a turned picture);
* a camera pitched down makes verticals converge downwards, leaning each line by an amount that grows with its
  distance from the picture's centre column, so the lean is fitted as ``roll + k * x`` (x the line's offset from
  the centre, in picture heights), by least squares weighted by length, keeping lines within ``INLIER_DEG`` of the
  fit (five rounds from the median);
* a reading needs ``MIN_SEGMENTS`` such lines adding up to ``MIN_LINE_HEIGHTS`` picture heights, and a plausible
  convergence (``|k| <= MAX_CONVERGENCE``). Offsets are in picture heights, not widths, so a portrait recording
  shown in a landscape frame (its sides padded) converges as it did: a lean of ``atan(x / f * tan(pitch))`` with the
  focal length f ~0.8 of the picture's long side, so 45 deg per height is a camera pitched ~32 deg (portrait) to
  ~48 deg (landscape). Measured: per-clip medians -16 to 1 on the recordings, -20 on the kneeling clip rolled 8 deg
  in a padded 640x480 webcam frame.

:class:`CameraLevel` takes a reading every ``SAMPLE_EVERY_S`` of frame time and answers the roll to undo: the
length-weighted median of the readings of the last ``WINDOW_S``, when they agree (the middle half of them within
``MAX_SPREAD_DEG``). Rolls under ``MIN_ROLL_DEG`` are left alone: they sit within the estimate's own error and the
rules' margins, and formcheck's thresholds were set on pictures as they came. From there the share undone rises
linearly to all of it at ``FULL_ROLL_DEG``, so a reading that wavers about the threshold never makes the angles jump
(a front-view clinic recording, not a labelled clip, reads 1.8-3.6 deg, from a drape's folds and a door frame,
measured without the person's box: 0.35 deg undone on half its frames, never over 2).

Measured on the recordings in ../shared/media (1 reading a second, 2026-12-07): the upright videos' readings have
per-clip medians of -1.0 to 1.8 deg (the five skatefit rooms, curtains and a phone pitched down: 0.5-1.7, a clip's
readings within 0.6 deg of each other) and nothing is undone on any; their ``tilt`` copies (rolled 8 deg) settle at
6.3-10.6 deg, within 0.9 deg of the original's reading + 8, on 13 of the 19 videos. The bridge demo, the roll-up, the
dead bug (plain walls, a studio) and three more give no reading, so nothing is corrected there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.pose.exposure import person_box

WORK_SIDE = 320  # px, long side of the grey copy the lines are found on
MIN_SEGMENT = 0.06  # of the picture's short side
MAX_LEAN_DEG = 20.0  # a line leaning further from the picture's vertical is not taken for a vertical
INLIER_DEG = 3.0  # a line this far from the fit is not a vertical of the room
MIN_SEGMENTS = 8
MIN_LINE_HEIGHTS = 2.0  # the kept lines' total length, in picture heights
MAX_CONVERGENCE = 45.0  # |k|, degrees of lean per picture height: a camera pitched ~32-48 deg (module docstring)
PADDING_FLAT = 3.0  # grey levels (standard deviation): a strip this even is padding, not a room
PADDING_OFFSET = 2.0  # px in the grey copy: how far off the line its sides are looked at

SAMPLE_EVERY_S = 1.0
WINDOW_S = 15.0
MIN_ROLL_DEG = 2.0  # less is left alone
FULL_ROLL_DEG = 4.0  # from here all of it is undone (linear in between)
MAX_SPREAD_DEG = 2.0


@dataclass(frozen=True)
class RollReading:
    """One picture's verticals: ``roll_deg`` (counterclockwise as seen, as ``cv2.getRotationMatrix2D``'s angle)
    and ``weight`` (the kept lines' total length, in picture heights)."""

    timestamp_s: float
    roll_deg: float
    weight: float


def _grey(image: np.ndarray) -> tuple[np.ndarray, float]:
    h, w = image.shape[:2]
    scale = WORK_SIDE / max(h, w)
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return (cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small), scale


def _padding_edges(grey: np.ndarray, bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
    """(n,) bool: each near-vertical segment bottom -> top ((n, 2) grey-copy pixels) is the edge of padding: on one
    side the picture is one flat colour from the line out to the picture's edge, all along it (a letterbox or
    pillarbox of any colour, the black corners of a turned picture). A wall that happens to be plain out to the
    picture's edge loses its line too, which costs a reading nothing but a line. Rows' running sums give each strip's
    spread at once."""
    h, w = grey.shape
    g = grey.astype(np.float64)
    zero = np.zeros((h, 1))
    total, squares = np.hstack([zero, np.cumsum(g, axis=1)]), np.hstack([zero, np.cumsum(g * g, axis=1)])
    share = np.linspace(0.1, 0.9, 9)[None, :]
    rows = np.clip((bottom[:, 1:2] + share * (top[:, 1:2] - bottom[:, 1:2])).astype(int), 0, h - 1)
    cols = bottom[:, 0:1] + share * (top[:, 0:1] - bottom[:, 0:1])
    edge = np.zeros(len(bottom), bool)
    for a, b in (
        (np.zeros_like(rows), np.clip((cols - PADDING_OFFSET).astype(int), 0, w)),  # left of the line
        (np.clip((cols + PADDING_OFFSET).astype(int) + 1, 0, w), np.full_like(rows, w)),  # right of it
    ):
        n = np.maximum(b - a, 1)
        mean = (total[rows, b] - total[rows, a]) / n
        spread = np.sqrt(np.maximum((squares[rows, b] - squares[rows, a]) / n - mean * mean, 0.0))
        flat = (b - a >= 2) & (spread <= PADDING_FLAT)
        edge |= flat.sum(axis=1) >= 7  # all along, a text overlay or a stray pixel aside
    return edge


def vertical_lines(image: np.ndarray, pose: Pose | None, detector: cv2.LineSegmentDetector | None = None) -> np.ndarray:
    """(n, 3) float: lean in degrees (counterclockwise as seen), length and offset of the midpoint from the centre
    column in picture heights, of the picture's near-vertical lines off the person. ``detector``: OpenCV's line
    segment detector to use (one per stream: it keeps buffers, so live sessions in threads never share one)."""
    h, w = image.shape[:2]
    grey, scale = _grey(image)
    found = (detector or cv2.createLineSegmentDetector()).detect(grey)[0]
    if found is None:
        return np.zeros((0, 3))
    ends = found.reshape(-1, 2, 2).astype(float)  # grey-copy pixels
    lower = ends[:, 0, 1] >= ends[:, 1, 1]
    bottom = np.where(lower[:, None], ends[:, 0], ends[:, 1])
    top = np.where(lower[:, None], ends[:, 1], ends[:, 0])
    d = (top - bottom) / scale
    length = np.hypot(d[:, 0], d[:, 1])
    lean = np.degrees(np.arctan2(-d[:, 0], -d[:, 1]))
    mid = (bottom + top) / (2 * scale)
    keep = (length >= MIN_SEGMENT * min(h, w)) & (np.abs(lean) <= MAX_LEAN_DEG)
    box = person_box(pose) if pose is not None else None
    if box is not None:
        keep &= ~((mid[:, 0] >= box[0]) & (mid[:, 0] <= box[2]) & (mid[:, 1] >= box[1]) & (mid[:, 1] <= box[3]))
    floor = _lowest_point(pose)
    if floor is not None:
        keep &= bottom[:, 1] / scale <= floor
    if keep.any():
        keep[keep] = ~_padding_edges(grey, bottom[keep], top[keep])
    return np.column_stack([lean[keep], length[keep] / h, (mid[keep, 0] - w / 2) / h])


def _lowest_point(pose: Pose | None) -> float | None:
    if pose is None:
        return None
    seen = (pose.visibility >= DEFAULT_MIN_VISIBILITY) & np.all(np.isfinite(pose.xy), axis=1)
    return float(pose.xy[seen, 1].max()) if seen.any() else None


def fit_roll(lines: np.ndarray) -> tuple[float, float, float, int] | None:
    """(roll, k, kept length in picture heights, kept lines) of ``lean = roll + k * offset`` fitted to
    :func:`vertical_lines`' rows, or None when too few lines agree."""
    if len(lines) < MIN_SEGMENTS:
        return None
    lean, length, offset = lines[:, 0], lines[:, 1], lines[:, 2]
    roll, k = float(np.median(lean)), 0.0
    design = np.stack([np.ones_like(offset), offset], axis=1)
    for _ in range(5):
        kept = np.abs(lean - roll - k * offset) <= INLIER_DEG
        if kept.sum() < MIN_SEGMENTS:
            return None
        root = np.sqrt(length * kept)
        (roll, k), *_ = np.linalg.lstsq(design * root[:, None], lean * root, rcond=None)
    kept = np.abs(lean - roll - k * offset) <= INLIER_DEG
    weight = float(length[kept].sum())
    if kept.sum() < MIN_SEGMENTS or weight < MIN_LINE_HEIGHTS or abs(k) > MAX_CONVERGENCE:
        return None
    return float(roll), float(k), weight, int(kept.sum())


def read_roll(
    image: np.ndarray, pose: Pose | None, timestamp_s: float, detector: cv2.LineSegmentDetector | None = None
) -> RollReading | None:
    """The camera's roll as this picture's verticals show it, or None when they do not show it."""
    fit = fit_roll(vertical_lines(image, pose, detector))
    return None if fit is None else RollReading(timestamp_s, fit[0], fit[2])


class CameraLevel:
    """The roll to undo in a stream's pictures (module docstring): ``update(image, pose, t)`` every frame."""

    def __init__(self) -> None:
        self._readings: list[RollReading] = []
        self._next_s = -math.inf
        self._detector = cv2.createLineSegmentDetector()
        self.roll_deg = 0.0

    def update(self, image: np.ndarray, pose: Pose | None, timestamp_s: float) -> float:
        if timestamp_s < self._next_s - SAMPLE_EVERY_S:  # time went back: a new stream
            self._readings, self._next_s, self.roll_deg = [], -math.inf, 0.0
        if timestamp_s >= self._next_s:
            self._next_s = timestamp_s + SAMPLE_EVERY_S
            reading = read_roll(image, pose, timestamp_s, self._detector)
            if reading is not None:
                self._readings.append(reading)
            self._readings = [r for r in self._readings if r.timestamp_s > timestamp_s - WINDOW_S]
            self.roll_deg = settled_roll(self._readings)
        return self.roll_deg


def settled_roll(readings: list[RollReading]) -> float:
    """The roll to undo from a window of readings: their length-weighted median when the middle half of them lies
    within MAX_SPREAD_DEG (0 otherwise), none of it under MIN_ROLL_DEG, all of it from FULL_ROLL_DEG, linear in
    between."""
    if not readings:
        return 0.0
    rolls = np.array([r.roll_deg for r in readings])
    weights = np.array([r.weight for r in readings])
    order = np.argsort(rolls)
    ranked, cumulative = rolls[order], np.cumsum(weights[order]) / weights.sum()
    q1, median, q3 = (float(ranked[np.searchsorted(cumulative, q)]) for q in (0.25, 0.5, 0.75))
    if q3 - q1 > MAX_SPREAD_DEG:
        return 0.0
    share = min(1.0, max(0.0, (abs(median) - MIN_ROLL_DEG) / (FULL_ROLL_DEG - MIN_ROLL_DEG)))
    return median * share
