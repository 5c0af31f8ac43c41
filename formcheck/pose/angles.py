"""Joint and segment angles from a Pose, defined as tables. Pure numpy.

Convention (all angles in degrees, computed on pixel coordinates so the image's aspect ratio is respected):

* **Joint angles** (``JOINT_ANGLES``): the unsigned angle at the vertex landmark B between rays B->A and B->C, in
  [0, 180]. 180 = a straight joint (e.g. a locked knee), 90 = a right angle, small = tightly folded. No wrap-around.
* **Segment angles vs vertical** (``SEGMENT_ANGLES``, ``*_vs_vertical``): the unsigned angle between a body segment and
  the image's vertical, in [0, 180]. For the trunk the segment runs hip -> shoulder and 0 = upright; for limbs it
  runs proximal -> distal (hip -> knee, knee -> ankle) and 0 = hanging straight down. 90 = horizontal.
* **Segment elevation** (``*_elevation``): the signed angle of a segment above the horizontal, in [-90, 90];
  positive when its end is higher in the image than its start (e.g. ``left_leg_elevation`` is hip -> ankle, so a
  straight leg raised from the floor of a lying person goes from ~0 to ~90).
* **Sagittal signed angles** (``SAGITTAL_ANGLES``): need the person's anterior (front) direction, taken from ear -> nose
  (fallback heel -> toe). ``*_hip_flexion`` is the angle from the trunk line (shoulder -> hip, continued) to the thigh
  (hip -> knee): 0 = thigh in line with the trunk, +90 = thigh forward at a right angle, negative = hip extension
  (thigh behind the trunk). ``trunk_forward_lean`` is hip -> shoulder vs up, + = leaning forward.
  ``*_shin_forward`` is ankle -> knee vs up, + = knee ahead of the ankle. Range (-180, 180].

Every angle is NaN when one of its landmarks has visibility below ``min_visibility`` (default 0.5) or when the
geometry is degenerate (zero-length segment). Left/right are the person's own sides, as BlazePose labels them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.landmarks import Landmark as L

Point = tuple[L, ...]  # one landmark, or several averaged (e.g. mid-hip)
SIDES: tuple[str, str] = ("left", "right")


@dataclass(frozen=True)
class JointAngle:
    name: str
    a: Point
    vertex: Point
    c: Point
    meaning: str


@dataclass(frozen=True)
class SegmentAngle:
    name: str
    start: Point
    end: Point
    kind: Literal["vs_vertical_up", "vs_vertical_down", "elevation"]
    meaning: str


@dataclass(frozen=True)
class SagittalAngle:
    name: str
    ref_start: Point  # reference direction: ref_start -> ref_end
    ref_end: Point
    start: Point  # measured segment: start -> end
    end: Point
    meaning: str


def _side(prefix: str) -> dict[str, L]:
    p = prefix.upper()
    return {k: L[f"{p}_{k}"] for k in ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")}


MID_SHOULDER: Point = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
MID_HIP: Point = (L.LEFT_HIP, L.RIGHT_HIP)


def _joint_table() -> tuple[JointAngle, ...]:
    rows = []
    for side in SIDES:
        s = _side(side)
        rows += [
            JointAngle(f"{side}_hip", (s["SHOULDER"],), (s["HIP"],), (s["KNEE"],), "shoulder-hip-knee; 180 = straight"),
            JointAngle(f"{side}_knee", (s["HIP"],), (s["KNEE"],), (s["ANKLE"],), "hip-knee-ankle; 180 = straight leg"),
            JointAngle(
                f"{side}_ankle", (s["KNEE"],), (s["ANKLE"],), (s["FOOT_INDEX"],), "knee-ankle-toe; ~90-110 standing"
            ),
            JointAngle(
                f"{side}_shoulder",
                (s["HIP"],),
                (s["SHOULDER"],),
                (s["ELBOW"],),
                "hip-shoulder-elbow; 180 = arm overhead",
            ),
            JointAngle(
                f"{side}_elbow",
                (s["SHOULDER"],),
                (s["ELBOW"],),
                (s["WRIST"],),
                "shoulder-elbow-wrist; 180 = straight arm",
            ),
        ]
    return tuple(rows)


def _segment_table() -> tuple[SegmentAngle, ...]:
    rows = [
        SegmentAngle("trunk_vs_vertical", MID_HIP, MID_SHOULDER, "vs_vertical_up", "0 = upright, 90 = lying"),
        SegmentAngle("trunk_elevation", MID_HIP, MID_SHOULDER, "elevation", "shoulders above hips: +; lying ~0"),
    ]
    for side in SIDES:
        s = _side(side)
        rows += [
            SegmentAngle(
                f"{side}_thigh_vs_vertical", (s["HIP"],), (s["KNEE"],), "vs_vertical_down", "0 = hanging down"
            ),
            SegmentAngle(
                f"{side}_shin_vs_vertical", (s["KNEE"],), (s["ANKLE"],), "vs_vertical_down", "0 = vertical shin"
            ),
            SegmentAngle(f"{side}_thigh_elevation", (s["HIP"],), (s["KNEE"],), "elevation", "knee above hip: +"),
            SegmentAngle(f"{side}_leg_elevation", (s["HIP"],), (s["ANKLE"],), "elevation", "ankle above hip: +"),
        ]
    return tuple(rows)


def _sagittal_table() -> tuple[SagittalAngle, ...]:
    rows = [SagittalAngle("trunk_forward_lean", (), (), MID_HIP, MID_SHOULDER, "+ = trunk leaning forward")]
    for side in SIDES:
        s = _side(side)
        rows += [
            SagittalAngle(
                f"{side}_hip_flexion",
                (s["SHOULDER"],),
                (s["HIP"],),
                (s["HIP"],),
                (s["KNEE"],),
                "0 = thigh in line with trunk, + = flexion (forward), - = extension (behind)",
            ),
            SagittalAngle(
                f"{side}_shin_forward",
                (),
                (),
                (s["ANKLE"],),
                (s["KNEE"],),
                "0 = knee over ankle, + = knee ahead of ankle",
            ),
        ]
    return tuple(rows)


JOINT_ANGLES = _joint_table()
SEGMENT_ANGLES = _segment_table()
SAGITTAL_ANGLES = _sagittal_table()  # an empty ref_start/ref_end means "up" (against the image's y axis)
ANGLE_NAMES: tuple[str, ...] = (
    *(a.name for a in JOINT_ANGLES),
    *(a.name for a in SEGMENT_ANGLES),
    *(a.name for a in SAGITTAL_ANGLES),
)
_UP = np.array([0.0, -1.0])
_DOWN = np.array([0.0, 1.0])


def joint_angle(a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> float:
    """Unsigned angle at ``vertex`` between vertex->a and vertex->c, degrees in [0, 180]; NaN if degenerate."""
    return _between(a - vertex, c - vertex)


def _between(u: np.ndarray, v: np.ndarray) -> float:
    nu, nv = float(np.hypot(*u)), float(np.hypot(*v))
    if not (np.isfinite(nu) and np.isfinite(nv)) or nu < 1e-9 or nv < 1e-9:
        return float("nan")
    cos = float(np.dot(u / nu, v / nv))  # normalise first: no overflow for huge coordinates
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _signed(u: np.ndarray, v: np.ndarray) -> float:
    """Signed angle from u to v in image coordinates, degrees in (-180, 180]."""
    nu, nv = float(np.hypot(*u)), float(np.hypot(*v))
    if not (np.isfinite(nu) and np.isfinite(nv)) or nu < 1e-9 or nv < 1e-9:
        return float("nan")
    u, v = u / nu, v / nv
    return float(np.degrees(np.arctan2(u[0] * v[1] - u[1] * v[0], float(np.dot(u, v)))))


def segment_angle(start: np.ndarray, end: np.ndarray, kind: str) -> float:
    d = end - start
    if kind == "vs_vertical_up":
        return _between(d, _UP)
    if kind == "vs_vertical_down":
        return _between(d, _DOWN)
    if kind == "elevation":
        if not np.all(np.isfinite(d)) or np.hypot(*d) < 1e-9:
            return float("nan")
        return float(np.degrees(np.arctan2(-d[1], abs(d[0]))))
    raise ValueError(f"kind must be vs_vertical_up, vs_vertical_down or elevation, got {kind!r}")


def anterior_direction(pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> np.ndarray:
    """(2,) unit vector pointing where the person's front faces in the image (ear -> nose, else heel -> toe); NaN if
    neither is visible."""
    ears = [pose.point(e, min_visibility) for e in (L.LEFT_EAR, L.RIGHT_EAR)]
    ears = [e for e in ears if np.all(np.isfinite(e))]
    nose = pose.point(L.NOSE, min_visibility)
    if ears and np.all(np.isfinite(nose)):
        d = nose - np.mean(ears, axis=0)
    else:
        feet = [
            pose.point(t, min_visibility) - pose.point(h, min_visibility)
            for h, t in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX))
        ]
        feet = [f for f in feet if np.all(np.isfinite(f))]
        if not feet:
            return np.full(2, np.nan)
        d = np.mean(feet, axis=0)
    n = float(np.hypot(*d))
    return d / n if np.isfinite(n) and n > 1e-9 else np.full(2, np.nan)


def sagittal_angle(ref: np.ndarray, seg: np.ndarray, anterior: np.ndarray) -> float:
    """Signed angle from ``ref`` to ``seg``, positive when turning towards ``anterior``; NaN if ambiguous."""
    theta = _signed(ref, seg)
    towards = _signed(ref, anterior)
    if not np.isfinite(theta) or not np.isfinite(towards) or abs(abs(towards) - 90.0) > 75.0:
        return float("nan")  # the front direction is (anti)parallel to the reference: no meaningful sign
    return theta if towards > 0 else (-theta if theta != -180.0 else 180.0)


def compute_angles(pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> dict[str, float]:
    """Every angle in the tables for one pose, by name (see the module docstring for the convention)."""
    if not 0.0 <= min_visibility <= 1.0:
        raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
    with np.errstate(all="ignore"):  # inf/NaN landmarks become NaN angles; no warnings on the way
        return _compute(pose, min_visibility)


def _compute(pose: Pose, min_visibility: float) -> dict[str, float]:
    # landmarks below the visibility threshold (or non-finite) become NaN once, then every table row indexes them
    ok = (pose.visibility >= min_visibility) & np.all(np.isfinite(pose.xy), axis=1)
    xy = np.where(ok[:, None], pose.xy.astype(float), np.nan)

    def at(p: Point) -> np.ndarray:
        return xy[p[0]] if len(p) == 1 else xy[list(p)].mean(axis=0)

    out: dict[str, float] = {}
    for j in JOINT_ANGLES:
        out[j.name] = joint_angle(at(j.a), at(j.vertex), at(j.c))
    for g in SEGMENT_ANGLES:
        out[g.name] = segment_angle(at(g.start), at(g.end), g.kind)
    anterior = anterior_direction(pose, min_visibility)
    for s in SAGITTAL_ANGLES:
        ref = _UP if not s.ref_start else at(s.ref_end) - at(s.ref_start)
        out[s.name] = sagittal_angle(ref, at(s.end) - at(s.start), anterior)
    return out
