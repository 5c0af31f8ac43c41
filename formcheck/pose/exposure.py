"""Exposure: brighten a picture whose person is badly under-exposed before the pose model sees it, as a camera's
auto-exposure would have done.

What is measured is the light *on the person*: the 95th percentile of the grey level (0-255) inside the box around
the person's landmarks in the previous frame, widened by ``BOX_MARGIN`` of its size on each side (the whole picture
before anybody has been seen). It is a highlight, not a mean, so dark clothes in a lit room do not read as a dark
room: on the lit recordings in ../shared/media that level is 95-255 (median 210; a far surveillance camera 95-122,
the squat filmed in a dark gym under a spotlight 140-151), while the same frames at 30 % of the light
(`bench/conditions.py`'s `dark`) measure 38-82. A person's mean grey level does not separate the two: dark leggings
in daylight read 26-40.

The gain takes that level to ``WELL_LIT_WHITE`` (the lit recordings' median) and is applied only when it is at least
``MIN_GAIN`` (the picture more than one photographic stop under-exposed), so a lit picture goes to the model as it
is; it is at most ``MAX_GAIN`` (two stops: past that it is mostly sensor noise that gets brighter). Brightening the
whole picture by its mean instead was tried and dropped: it washed out the spotlit squat (README, *Recording
conditions*, finding 7).
"""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.landmarks import Pose

WELL_LIT_WHITE = 210.0  # grey level of a well-lit person's highlights (see above)
MIN_GAIN = 2.0  # brighten only a picture more than one stop under-exposed
MAX_GAIN = 4.0  # two stops at most
BOX_MARGIN = 0.15  # of the person's box width / height, on each side
MIN_VISIBILITY = 0.3  # landmarks that make the box
SAMPLES = 10_000  # about this many pixels of the box are measured (an even grid; the cost stays ~0.3 ms a frame)
HIGHLIGHT_SHARE = 0.95  # the highlight level: the grey level at or under which this share of the pixels lies

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, x1 / y1 exclusive


def person_box(pose: Pose) -> Box | None:
    """The box around ``pose``'s landmarks with visibility >= MIN_VISIBILITY, widened by BOX_MARGIN and clipped to
    the picture; None if fewer than five landmarks are seen or the box is under 4 px wide or high."""
    w, h = pose.image_size
    seen = (pose.visibility >= MIN_VISIBILITY) & np.all(np.isfinite(pose.xy), axis=1)
    if int(seen.sum()) < 5:
        return None
    xs, ys = pose.xy[seen, 0], pose.xy[seen, 1]
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    mx, my = BOX_MARGIN * (x1 - x0), BOX_MARGIN * (y1 - y0)
    box = (max(0, int(x0 - mx)), max(0, int(y0 - my)), min(w, int(np.ceil(x1 + mx))), min(h, int(np.ceil(y1 + my))))
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return None
    return box


def highlight_level(frame_bgr: np.ndarray, box: Box | None) -> float:
    """The grey level at or under which HIGHLIGHT_SHARE of ``box``'s pixels lie, in a BGR uint8 frame (the whole
    frame for None, or for a box outside it); measured on an even grid of about SAMPLES pixels."""
    h, w = frame_bgr.shape[:2]
    x0, y0, x1, y1 = box if box is not None else (0, 0, w, h)
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        x0, y0, x1, y1 = 0, 0, w, h
    step = max(1, round(np.sqrt((x1 - x0) * (y1 - y0) / SAMPLES)))
    crop = np.ascontiguousarray(frame_bgr[y0:y1:step, x0:x1:step])
    counts = np.bincount(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).ravel(), minlength=256)
    return float(np.searchsorted(np.cumsum(counts), HIGHLIGHT_SHARE * counts.sum()))


def gain_for(level: float) -> float:
    """The brightness gain for a person whose highlight level is ``level`` (0-255): 1.0 unless the picture is more
    than MIN_GAIN under WELL_LIT_WHITE, then WELL_LIT_WHITE / level capped at MAX_GAIN."""
    if not np.isfinite(level) or level < 0:
        raise ValueError(f"level must be a grey level >= 0, got {level}")
    gain = WELL_LIT_WHITE / max(level, 1.0)
    return 1.0 if gain < MIN_GAIN else min(gain, MAX_GAIN)


def brighten(frame_bgr: np.ndarray, gain: float) -> np.ndarray:
    """``frame_bgr`` times ``gain`` (saturating at 255); the same array when the gain is 1."""
    if gain == 1.0:
        return frame_bgr
    if not 1.0 <= gain <= MAX_GAIN:
        raise ValueError(f"gain must be in [1, {MAX_GAIN}], got {gain}")
    return cv2.convertScaleAbs(frame_bgr, alpha=gain)
