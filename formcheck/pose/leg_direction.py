"""Where each leg points in the person's own frame, in 3-D (numbers only): what a leg circle draws.

A leg circle is drawn by the whole raised leg, its foot going round in a plane across the leg. Seen exactly side-on,
half of that circle (the foot crossing over the body and opening out to the side) runs along the camera's line of
sight and the picture shows the foot going back and forth on a line; from the feet's end it is the other half. So the
leg is followed in the body's own frame, on ``formcheck.pose.angles.lifted_points`` (the picture's positions, with the
model's depth), whatever the camera:

| name | meaning (degrees, hip -> ankle) |
|---|---|
| ``{side}_leg_out`` | towards that side's outside: + = the foot out to the side, - = across the body's midline |
| ``{side}_leg_headward`` | towards the head: + = the foot towards the head, - = towards the feet |

Each is the angle between the leg and the body plane through the hips across which it is measured
(``asin`` of the leg's unit vector along the axis): 0 = the leg in that plane, e.g. both 0 for a leg pointing
straight at the ceiling from a person lying on their back. The axes: *out* along the pelvis (right hip -> left hip for
the left leg, the other way for the right one), *headward* along the trunk (hips' centre -> shoulders' centre) made
square to the pelvis. A foot going round *inwards* (over the body's midline, down towards the feet, out to the side,
up towards the head) turns (out, headward) anticlockwise: the angle ``atan2(headward, out)`` increases. That holds
for either leg and any camera, a mirror included (the model labels the person's own sides). NaN without world
landmarks, or when the hips or the trunk have no length.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose
from formcheck.pose.angles import MID_HIP, MID_SHOULDER, SIDES, lifted_points

LEG_DIRECTION_NAMES: tuple[str, ...] = tuple(f"{side}_{axis}" for side in SIDES for axis in ("leg_out", "leg_headward"))
MIN_LENGTH_M = 0.05  # hips (or a trunk, or a leg) shorter than 5 cm: degenerate


def compute_leg_directions(pose: Pose) -> dict[str, float]:
    """``{side}_leg_out`` and ``{side}_leg_headward`` for both legs (see the module docstring)."""
    points = lifted_points(pose)
    frame = None if points is None else _body_axes(points)
    if points is None or frame is None:
        return dict.fromkeys(LEG_DIRECTION_NAMES, math.nan)
    left, head = frame
    out: dict[str, float] = {}
    for side, outwards in (("left", left), ("right", -left)):
        leg = points[L[f"{side.upper()}_ANKLE"]] - points[L[f"{side.upper()}_HIP"]]
        n = float(np.linalg.norm(leg))
        ok = math.isfinite(n) and n >= MIN_LENGTH_M
        out[f"{side}_leg_out"] = _asin_deg(float(np.dot(leg, outwards)) / n) if ok else math.nan
        out[f"{side}_leg_headward"] = _asin_deg(float(np.dot(leg, head)) / n) if ok else math.nan
    return out


def _body_axes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(left, head): unit vectors along the pelvis (right hip -> left hip) and along the trunk made square to it."""
    pelvis = points[L.LEFT_HIP] - points[L.RIGHT_HIP]
    hips = float(np.linalg.norm(pelvis))
    if not math.isfinite(hips) or hips < MIN_LENGTH_M:
        return None
    left = pelvis / hips
    trunk = points[list(MID_SHOULDER)].mean(axis=0) - points[list(MID_HIP)].mean(axis=0)
    head = trunk - float(np.dot(trunk, left)) * left
    n = float(np.linalg.norm(head))
    if not math.isfinite(n) or n < MIN_LENGTH_M:
        return None
    return left, head / n


def _asin_deg(x: float) -> float:
    return math.degrees(math.asin(min(1.0, max(-1.0, x))))
