"""Joint and segment angles from a Pose, defined as tables. Pure numpy.

Convention (all angles in degrees, computed on pixel coordinates so the image's aspect ratio is respected):

* **Joint angles** (``JOINT_ANGLES``): the unsigned angle at the vertex landmark B between rays B->A and B->C, in
  [0, 180]. 180 = a straight joint (e.g. a locked knee), 90 = a right angle, small = tightly folded. No wrap-around.
* **Segment angles vs vertical** (``SEGMENT_ANGLES``, ``*_vs_vertical``): the unsigned angle between a body segment and
  the image's vertical, in [0, 180] (the vertical of an upright camera: a rolled camera's turn is undone before
  measuring, see *The camera's roll* below). For the trunk the segment runs hip -> shoulder and 0 = upright; for
  limbs it runs proximal -> distal (hip -> knee, knee -> ankle) and 0 = hanging straight down. 90 = horizontal.
* **Segment elevation** (``*_elevation``): the signed angle of a segment above the horizontal, in [-90, 90];
  positive when its end is higher in the image than its start (e.g. ``left_leg_elevation`` is hip -> ankle, so a
  straight leg raised from the floor of a lying person goes from ~0 to ~90).
* **Sagittal signed angles** (``SAGITTAL_ANGLES``): need the person's anterior (front) direction, taken from
  ear -> nose; from the feet (heel -> toe, both feet agreeing) when the face is hidden or points along the angle's
  reference (a head lifted towards the knees in a knee hug looks along the trunk line). ``*_hip_flexion`` is the
  angle from the trunk line (shoulder -> hip, continued) to the thigh
  (hip -> knee): 0 = thigh in line with the trunk, +90 = thigh forward at a right angle, negative = hip extension
  (thigh behind the trunk). ``trunk_forward_lean`` is hip -> shoulder vs up, + = leaning forward.
  ``*_shin_forward`` is ankle -> knee vs up, + = knee ahead of the ankle. ``*_thigh_back`` is knee -> hip vs up,
  + = hip ahead of the knee (a kneeling person's hips pushed forward), 0 = hip straight above it: unlike hip flexion
  it needs no shoulder (see *Which reference* below). Range (-180, 180].

* **Line angles** (``LINE_ANGLES``, ``*_hip_sag``): how far a joint sits off the straight line through its
  neighbours, signed by gravity (the image's down, the camera's roll undone), not by the face: ``*_hip_sag`` is
  ``180 - shoulder-hip-knee``, positive when the hip is below the shoulder -> knee line (towards the floor: lying
  with the knees bent, ~55), 0 on it (a bridge's line), negative above it (hips pushed past the line). Unlike the
  sagittal hip flexion it needs no front direction, so it never flips sign when the face is hard to see, and it is
  continuous through the line (the sign only changes where the value is 0). Picture only (2-D).

Every angle is NaN when one of its landmarks has visibility below ``min_visibility`` (default 0.5) or when the
geometry is degenerate (zero-length segment). Left/right are the person's own sides, as BlazePose labels them.

**The camera's roll.** "Vertical", "horizontal" and "up" are the picture's when the camera stands upright. A phone
propped up crooked turns them; :mod:`formcheck.pose.level` reads that roll from the room's vertical lines (door
frames, wall corners, curtains) and :func:`formcheck.pose.measure.level_pose` turns the pose back (picture points
about the picture's centre, the model's world skeleton about its depth axis) before any angle here is measured. A
roll under 2 deg, or a room with too few vertical lines to tell, is left as it is (``FrameResult.roll_deg`` = 0); from
4 deg all of it is undone, linearly more in between (``level.MIN_ROLL_DEG``, ``level.FULL_ROLL_DEG``).
Three-point angles (joints, hip flexion, the hip's line) do not change with a roll; every angle against the vertical
or the horizontal does.

**Which reference.** A rule about where a body part is may be measured against the trunk or against the vertical;
the trunk needs the shoulder, the landmark MediaPipe misplaces most (a sleeve, a raised or turned arm). On the
hand-marked frames (``bench/segment_directions.py``, 2026-12-07) the trunk's direction is off the markers by a median
2.8 deg but 20 deg at the 90th percentile, the thigh's 4.6 and 8.4, the shin's 1.8 and 4.2. So where the prescription
speaks of the hips over the knee (the kneeling stretch, the low lunge), the rule reads ``*_thigh_back``, not the hip's
flexion; where it speaks of the pelvis against the trunk (the standing pelvic tilt) it keeps the flexion.

**Three ways to measure the same table** (same names, same convention, so the exercises' thresholds keep their
meaning):

* ``image_angles``: on the picture (pixels), as above. Exact for the body when the limbs move in the image plane
  (a true side view); a projection otherwise, which bends angles as the body turns (a thigh pointing at the camera
  has no length at all).
* ``world_angles(points="lifted")`` (the default 3-D): on ``lifted_points`` = the picture's x, y scaled to metres plus
  MediaPipe's world depth z. In 3-D, "vertical" is the world's -y (the image's up once the camera's roll is undone;
  a camera pitched down at a mat still tilts it); elevations are against the horizontal plane; sagittal
  angles are measured in the body's sagittal plane (the plane of the reference and the front direction; a lateral
  component, e.g. an abducted leg, does not count), with the front perpendicular to the pelvis (left -> right hip)
  and the trunk, its sign from the face (ear -> nose; feet heel -> toe if the face is hidden), so a left/right label
  swap does not flip a hip flexion.
* ``world_angles(points="model")``: on MediaPipe's own world landmarks (``Pose.world``).

**The choice** (``compute_angles``, what ``FrameResult.angles`` and every checker use): per angle, by the body's yaw
against the camera (``view.body_yaw``: the angle of the hips' and shoulders' left-right axis to the picture's plane, its
picture length against the model's depth, smoothed with the landmarks; 90 = side-on; a camera pitched down or a trunk
rolled on the mat lowers it as a turn does; the angles against the vertical, ``AGAINST_VERTICAL``, use
``view.body_turn`` instead, the turn about the camera's vertical alone, since a pitch tilts their 3-D vertical as
much as their picture), the picture's angle at or above the first yaw of its ``DEPTH_RAMPS`` row,
the lifted 3-D angle at or below the second, linear in between: hip, knee and hip flexion 60 / 40 (``SIDE_RAMP``), trunk
50 / 40, leg elevation 50 / 35, thigh elevation and thigh vs vertical 75 / 65, ankle 70 / 60, shoulder 85 / 55, elbow 90
/ 45; shin vs vertical, shin forward and trunk lean always the picture's. Each row is where that angle's picture drifts
4 deg and 8 deg off its 3-D value in the yaw sweep below, rounded to 5 deg; hip, knee and hip flexion (crossings 61-68 /
41-49) share 60 / 40. Measured 2026-12-01 (``bench/angle_views.py``; tables in README, "Angles"):

* semi-synthetic yaw sweep (world landmarks of every frame of the five tune side-view videos, turned about the
  vertical from side-on and projected; 2-D angle of the projection against the 3-D angle, which a turn keeps): the
  median 2-D error of hip, knee and hip flexion reaches 4 deg at 22-29 deg off side-on (yaw 61-68) and 8 deg at
  41-49 deg off (yaw 41-49); trunk 39 / 51 deg off, leg elevation 42 / 55, thigh elevation 13 / 25. Front-on
  (yaw 0) the 2-D median errors are 13-38 deg.
* in side views the lifted 3-D angle differs from the picture's by a median 0.2-1.8 deg (hip, knee, hip flexion,
  elevations, trunk; 3.3 ankle), the model's own world landmarks by 0.9-7.9 (knee 5.4, hip flexion 7.9): the model's
  world skeleton is the less precise, so the lifted points are the 3-D source.
* hand-marked frames (tune + negative clips; view = formcheck's view on the frame), median error against the body's
  angle judged from the frames (``deg`` marks, 20): picture 6.9, lifted 5.5, model 10.3, chosen 5.6; on oblique
  frames (12) 9.9 / 5.4 / 9.1 / 4.7; against the picture's angle in side views (30 ``points`` marks) the picture
  6.3, lifted 7.7, model 10.6: the picture's angle is the more precise where it does not lie.
* a wider 3-D share for hip, knee and hip flexion (picture only above yaw 65 instead of 60) costs the kneeling
  stretch's hold 2 s (it is filmed at yaw 52-61 and its hip-extension criterion sits at its limit): the shared ramp
  sits at the low end of their crossings. With these ramps every count of the 24 clips is unchanged and every hold
  within 0.1 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.landmarks import Landmark as L
from formcheck.pose.view import body_turn, body_yaw, metres_per_pixel

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
                f"{side}_thigh_back",
                (),
                (),
                (s["KNEE"],),
                (s["HIP"],),
                "0 = hip straight above the knee, + = hip ahead of the knee (thigh sloping back), - = behind it",
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
# angles against the vertical (not between two body segments): they choose picture or 3-D by ``view.body_turn``
AGAINST_VERTICAL = frozenset([g.name for g in SEGMENT_ANGLES] + [s.name for s in SAGITTAL_ANGLES if not s.ref_start])
# line angles: (name, the joint angle they come from, its meaning); see the module docstring
LINE_ANGLES: tuple[tuple[str, JointAngle, str], ...] = tuple(
    (
        f"{side}_hip_sag",
        next(a for a in JOINT_ANGLES if a.name == f"{side}_hip"),
        "deg the hip sits below the shoulder-knee line; 0 = in line, negative = above it",
    )
    for side in SIDES
)
ANGLE_NAMES: tuple[str, ...] = (
    *(a.name for a in JOINT_ANGLES),
    *(a.name for a in SEGMENT_ANGLES),
    *(a.name for a in SAGITTAL_ANGLES),
    *(name for name, _, _ in LINE_ANGLES),
)


def angle_range(name: str) -> tuple[float, float]:
    """(low, high) degrees an angle of this name can take, by the convention above; ValueError for an unknown name."""
    if any(j.name == name for j in JOINT_ANGLES):
        return (0.0, 180.0)
    for g in SEGMENT_ANGLES:
        if g.name == name:
            return (-90.0, 90.0) if g.kind == "elevation" else (0.0, 180.0)
    if any(a.name == name for a in SAGITTAL_ANGLES):
        return (-180.0, 180.0)
    raise ValueError(f"unknown angle {name!r}")


_UP = np.array([0.0, -1.0])
_DOWN = np.array([0.0, 1.0])


def joint_angle(a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> float:
    """Unsigned angle at ``vertex`` between vertex->a and vertex->c, degrees in [0, 180]; NaN if degenerate."""
    return _between(a - vertex, c - vertex)


def _between(u: np.ndarray, v: np.ndarray) -> float:
    # plain floats, not numpy scalars: this runs about 15 times a frame, and numpy's per-call cost on 2-vectors is
    # ten times the arithmetic
    ux, uy, vx, vy = float(u[0]), float(u[1]), float(v[0]), float(v[1])
    nu, nv = math.hypot(ux, uy), math.hypot(vx, vy)
    if not (math.isfinite(nu) and math.isfinite(nv)) or nu < 1e-9 or nv < 1e-9:
        return float("nan")
    cos = (ux / nu) * (vx / nv) + (uy / nu) * (vy / nv)  # normalise first: no overflow for huge coordinates
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


def _signed(u: np.ndarray, v: np.ndarray) -> float:
    """Signed angle from u to v in image coordinates, degrees in (-180, 180]."""
    ux, uy, vx, vy = float(u[0]), float(u[1]), float(v[0]), float(v[1])
    nu, nv = math.hypot(ux, uy), math.hypot(vx, vy)
    if not (math.isfinite(nu) and math.isfinite(nv)) or nu < 1e-9 or nv < 1e-9:
        return float("nan")
    ux, uy, vx, vy = ux / nu, uy / nu, vx / nv, vy / nv
    return math.degrees(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy))


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


FEET_AGREE = 0.5  # the two feet's heel -> toe directions must average at least this long (within ~120 deg)


def anterior_cues(pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> tuple[np.ndarray, np.ndarray]:
    """(face, feet): two (2,) unit vectors that each say where the person's front faces in the picture, NaN where
    not seen. The face is ear -> nose. The feet are the mean of each visible foot's heel -> toe direction, NaN when
    the two disagree (a kneeling person's back foot points backwards: their mean is shorter than ``FEET_AGREE``)."""
    ears = [pose.point(e, min_visibility) for e in (L.LEFT_EAR, L.RIGHT_EAR)]
    ears = [e for e in ears if np.all(np.isfinite(e))]
    nose = pose.point(L.NOSE, min_visibility)
    face = _unit(nose - np.mean(ears, axis=0)) if ears and np.all(np.isfinite(nose)) else np.full(2, np.nan)
    feet = [
        _unit(pose.point(t, min_visibility) - pose.point(h, min_visibility))
        for h, t in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX))
    ]
    feet = [f for f in feet if np.all(np.isfinite(f))]
    mean = np.mean(feet, axis=0) if feet else np.full(2, np.nan)
    toes = _unit(mean) if float(np.hypot(*mean)) >= FEET_AGREE else np.full(2, np.nan)
    return face, toes


def _unit(d: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*d))
    return d / n if np.isfinite(n) and n > 1e-9 else np.full(2, np.nan)


def sagittal_angle(ref: np.ndarray, seg: np.ndarray, anterior: np.ndarray) -> float:
    """Signed angle from ``ref`` to ``seg``, positive when turning towards ``anterior``; NaN if ambiguous."""
    theta = _signed(ref, seg)
    towards = _signed(ref, anterior)
    if not np.isfinite(theta) or not np.isfinite(towards) or abs(abs(towards) - 90.0) > 75.0:
        return float("nan")  # the front direction is (anti)parallel to the reference: no meaningful sign
    return theta if towards > 0 else (-theta if theta != -180.0 else 180.0)


# ---- 3-D: the same table on MediaPipe's world landmarks -------------------------------------------------------------
_UP3 = np.array([0.0, -1.0, 0.0])  # world y points down like the image's, so "up" is -y (camera held upright)
_DOWN3 = -_UP3
_MIN_SAGITTAL_SPREAD = 0.259  # sin(15 deg): the front direction must be >= 15 deg off the reference (as in 2-D)
# The choice between the picture's angle and the 3-D one, per angle (without its side), by body yaw in degrees (90 =
# side-on, 0 = facing or back to the camera): the picture's angle at or above the first yaw, the 3-D angle at or below
# the second, a linear mix in between; None = always the picture's. Measured, not fitted: see the module docstring.
SIDE_RAMP = (60.0, 40.0)  # hip, knee, hip flexion: the exercises' key sagittal angles
DEPTH_RAMPS: dict[str, tuple[float, float] | None] = {
    "hip": SIDE_RAMP,
    "knee": SIDE_RAMP,
    "hip_flexion": SIDE_RAMP,
    "thigh_back": SIDE_RAMP,
    "ankle": (70.0, 60.0),
    "shoulder": (85.0, 55.0),
    "elbow": (90.0, 45.0),
    "leg_elevation": (50.0, 35.0),
    "thigh_elevation": (75.0, 65.0),
    "thigh_vs_vertical": (75.0, 65.0),
    "trunk_vs_vertical": (50.0, 40.0),
    "trunk_elevation": (50.0, 40.0),
    # 3-D not used: in side views it disagrees with the picture by a median 8 deg (shin vs vertical: the model's
    # shin depth) or flips sign (shin forward, trunk lean: front direction near the reference when lying)
    "shin_vs_vertical": None,
    "shin_forward": None,
    "trunk_forward_lean": None,
    "hip_sag": None,  # a line angle, signed by the picture's down: picture only (see the module docstring)
}


def _norm3(u: np.ndarray) -> float:
    """``np.linalg.norm`` of a 3-vector (the same arithmetic: the square root of its dot with itself), without the
    general function's checks, which cost more than the sum on every angle of every frame."""
    return math.sqrt(float(u.dot(u)))


def _between3(u: np.ndarray, v: np.ndarray) -> float:
    nu, nv = _norm3(u), _norm3(v)
    if not (np.isfinite(nu) and np.isfinite(nv)) or nu < 1e-9 or nv < 1e-9:
        return float("nan")
    cos = float(np.dot(u / nu, v / nv))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def segment_angle_3d(start: np.ndarray, end: np.ndarray, kind: str) -> float:
    """``segment_angle`` in 3-D world coordinates: against the vertical (world -y up), or the elevation above the
    horizontal plane (signed, [-90, 90])."""
    d = end - start
    if kind == "vs_vertical_up":
        return _between3(d, _UP3)
    if kind == "vs_vertical_down":
        return _between3(d, _DOWN3)
    if kind == "elevation":
        n = _norm3(d)
        if not np.isfinite(n) or n < 1e-9:
            return float("nan")
        return float(np.degrees(np.arctan2(float(np.dot(d, _UP3)), float(np.hypot(d[0], d[2])))))
    raise ValueError(f"kind must be vs_vertical_up, vs_vertical_down or elevation, got {kind!r}")


def sagittal_angle_3d(ref: np.ndarray, seg: np.ndarray, anterior: np.ndarray) -> float:
    """Signed angle from ``ref`` to ``seg`` in the plane spanned by ``ref`` and ``anterior`` (the body's sagittal
    plane): ``seg`` is projected onto it, so a sideways (lateral) component does not count. Positive towards
    ``anterior``; NaN when ``anterior`` is within 15 deg of ``ref`` or a vector is degenerate."""
    nr = _norm3(ref)
    if not np.isfinite(nr) or nr < 1e-9 or not np.all(np.isfinite(seg)) or not np.all(np.isfinite(anterior)):
        return float("nan")
    r = ref / nr
    a = anterior - float(np.dot(anterior, r)) * r
    na, nseg = _norm3(a), _norm3(seg)
    if na < _MIN_SAGITTAL_SPREAD * _norm3(anterior) or nseg < 1e-9:
        return float("nan")
    x, y = float(np.dot(seg, r)), float(np.dot(seg, a / na))
    if abs(x) < 1e-12 * nseg and abs(y) < 1e-12 * nseg:
        return float("nan")  # the segment is perpendicular to the sagittal plane: no angle in it
    return float(np.degrees(np.arctan2(y, x)))


def anterior_direction_3d(world: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """(3,) unit vector, the person's front in world coordinates: perpendicular to the pelvis (left -> right hip;
    shoulders if the hips are missing) and to the trunk, on the side the face (ear -> nose) points to, or the feet
    (heel -> toe) if the face is hidden. The pelvis axis comes from the model's 3-D estimate whatever the far hip's
    visibility (it is always given); the face and feet only pick the sign, so a left/right label swap cannot flip
    it. NaN when nothing gives a front."""
    sign_from = _face_or_feet_3d(world, ok)
    lateral = world[L.LEFT_HIP] - world[L.RIGHT_HIP]
    if not np.all(np.isfinite(lateral)) or _norm3(lateral) < 1e-6:
        lateral = world[L.LEFT_SHOULDER] - world[L.RIGHT_SHOULDER]
    trunk = world[list(MID_SHOULDER)].mean(axis=0) - world[list(MID_HIP)].mean(axis=0)
    front = np.cross(lateral, trunk)
    n = _norm3(front)
    if not np.isfinite(n) or n < 1e-9:
        return sign_from  # no pelvis axis: the face (or feet) direction itself
    front = front / n
    if not np.all(np.isfinite(sign_from)):
        return np.full(3, np.nan)
    return front if float(np.dot(front, sign_from)) >= 0 else -front


def _face_or_feet_3d(world: np.ndarray, ok: np.ndarray) -> np.ndarray:
    ears = [world[e] for e in (L.LEFT_EAR, L.RIGHT_EAR) if ok[e]]
    if ears and ok[L.NOSE]:
        d = world[L.NOSE] - np.mean(ears, axis=0)
    else:
        feet = [world[t] - world[h] for h, t in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX))]
        feet = [f for f, h in zip(feet, (L.LEFT_HEEL, L.RIGHT_HEEL), strict=True) if ok[h] and ok[h + 2]]
        if not feet:
            return np.full(3, np.nan)
        d = np.mean(feet, axis=0)
    n = _norm3(d)
    return d / n if np.isfinite(n) and n > 1e-9 else np.full(3, np.nan)


def lifted_points(pose: Pose) -> np.ndarray | None:
    """(33, 3) metres: the picture's landmarks lifted into 3-D. x and y are the pixel positions (relative to the hips'
    centre) scaled to metres by the median ratio of world to pixel length over the trunk and leg segments; z is the
    model's world depth. So the precise in-picture positions are kept and only the depth comes from the model's 3-D
    estimate. None without world landmarks or without a usable scale."""
    scale = metres_per_pixel(pose)
    if pose.world is None or not math.isfinite(scale):
        return None
    with np.errstate(all="ignore"):
        xy = (pose.xy - pose.xy[list(MID_HIP)].mean(axis=0)) * scale
        z = pose.world[:, 2] - pose.world[list(MID_HIP), 2].mean()
    return np.column_stack([xy, z])


def world_angles(
    pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY, points: Literal["lifted", "model"] = "lifted"
) -> dict[str, float]:
    """Every angle in the tables measured in 3-D (same names, same convention): on ``lifted_points`` (default), or on
    the model's own world landmarks (``points="model"``). All NaN when the pose has no world landmarks."""
    if not 0.0 <= min_visibility <= 1.0:
        raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
    if points not in ("lifted", "model"):
        raise ValueError(f"points must be 'lifted' or 'model', got {points!r}")
    world = lifted_points(pose) if points == "lifted" else pose.world
    if world is None:
        return dict.fromkeys(ANGLE_NAMES, float("nan"))
    with np.errstate(all="ignore"):
        return _compute_world(world.astype(float), pose.visibility, min_visibility)


def _compute_world(world: np.ndarray, visibility: np.ndarray, min_visibility: float) -> dict[str, float]:
    ok = (visibility >= min_visibility) & np.all(np.isfinite(world), axis=1)
    w = np.where(ok[:, None], world, np.nan)
    midpoints: dict[Point, np.ndarray] = {}  # as in ``_compute``: the same midpoints come up many times

    def at(p: Point) -> np.ndarray:
        if len(p) == 1:
            return w[p[0]]
        if p not in midpoints:
            midpoints[p] = w[list(p)].mean(axis=0)
        return midpoints[p]

    out: dict[str, float] = {}
    for j in JOINT_ANGLES:
        out[j.name] = _between3(at(j.a) - at(j.vertex), at(j.c) - at(j.vertex))
    for g in SEGMENT_ANGLES:
        out[g.name] = segment_angle_3d(at(g.start), at(g.end), g.kind)
    anterior = anterior_direction_3d(world, ok)
    for s in SAGITTAL_ANGLES:
        ref = _UP3 if not s.ref_start else at(s.ref_end) - at(s.ref_start)
        out[s.name] = sagittal_angle_3d(ref, at(s.end) - at(s.start), anterior)
    return out


def image_angles(pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> dict[str, float]:
    """Every angle in the tables measured on the picture (pixel coordinates): the 2-D angle a person marking the
    frame would draw."""
    if not 0.0 <= min_visibility <= 1.0:
        raise ValueError(f"min_visibility must be in [0, 1], got {min_visibility}")
    with np.errstate(all="ignore"):  # inf/NaN landmarks become NaN angles; no warnings on the way
        return _compute(pose, min_visibility)


def compute_angles(
    pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY, yaw: float | None = None
) -> dict[str, float]:
    """The angles formcheck judges with, by name: per angle, the picture's angle where the camera sees the body from
    the side, the 3-D angle (``world_angles`` on lifted points) where it does not, and a linear mix in between
    (``depth_weight``; the module docstring gives the measured reasons). Same names, same convention either way.
    ``yaw`` is the pose's ``view.body_yaw`` when the caller already has it (measured here otherwise)."""
    flat = image_angles(pose, min_visibility)
    yaw, turn = body_yaw(pose) if yaw is None else yaw, body_turn(pose)
    weights = {name: depth_weight(name, turn if name in AGAINST_VERTICAL else yaw) for name in flat}
    if not any(w > 0.0 for w in weights.values()):
        return flat
    deep = world_angles(pose, min_visibility)
    return {name: _mix(flat[name], deep.get(name, math.nan), weights[name]) for name in flat}  # line angles: 2-D


def _mix(flat: float, deep: float, w: float) -> float:
    """(1 - w) * flat + w * deep; where one is NaN the other (a hidden landmark is NaN in both)."""
    if w <= 0.0 or not math.isfinite(deep):
        return flat
    if w >= 1.0 or not math.isfinite(flat):
        return deep
    return (1.0 - w) * flat + w * deep


def depth_weight(name: str, yaw: float) -> float:
    """How much of the 3-D angle ``name`` takes at body yaw ``yaw`` (degrees, ``view.body_yaw``), in [0, 1]: 0 at or
    above the first yaw of its ``DEPTH_RAMPS`` row, 1 at or below the second, linear in between; 0 for a NaN yaw (no
    world landmarks) and for angles that always use the picture."""
    ramp = DEPTH_RAMPS.get(_base(name))
    if ramp is None or not math.isfinite(yaw):
        return 0.0
    image_from, depth_from = ramp
    return min(1.0, max(0.0, (image_from - yaw) / (image_from - depth_from)))


def _base(name: str) -> str:
    for side in SIDES:
        if name.startswith(side + "_"):
            return name[len(side) + 1 :]
    return name


def _compute(pose: Pose, min_visibility: float) -> dict[str, float]:
    # landmarks below the visibility threshold (or non-finite) become NaN once, then every table row indexes them
    ok = (pose.visibility >= min_visibility) & np.all(np.isfinite(pose.xy), axis=1)
    xy = np.where(ok[:, None], pose.xy.astype(float), np.nan)

    midpoints: dict[Point, np.ndarray] = {}  # the table names the same hip or shoulder midpoint many times

    def at(p: Point) -> np.ndarray:
        if len(p) == 1:
            return xy[p[0]]
        if p not in midpoints:
            midpoints[p] = xy[list(p)].mean(axis=0)
        return midpoints[p]

    out: dict[str, float] = {}
    for j in JOINT_ANGLES:
        out[j.name] = joint_angle(at(j.a), at(j.vertex), at(j.c))
    for g in SEGMENT_ANGLES:
        out[g.name] = segment_angle(at(g.start), at(g.end), g.kind)
    cues = anterior_cues(pose, min_visibility)
    for s in SAGITTAL_ANGLES:
        ref = _UP if not s.ref_start else at(s.ref_end) - at(s.ref_start)
        seg = at(s.end) - at(s.start)
        # the face's sign, else the feet's where the face lies along the reference (a head lifted in a knee hug)
        out[s.name] = next((a for c in cues if math.isfinite(a := sagittal_angle(ref, seg, c))), math.nan)
    for name, j, _ in LINE_ANGLES:
        out[name] = line_angle(out[j.name], at(j.a), at(j.vertex), at(j.c))
    return out


def line_angle(joint_deg: float, a: np.ndarray, vertex: np.ndarray, c: np.ndarray) -> float:
    """``180 - joint_deg``, positive when ``vertex`` lies below the line a -> c in the picture (image y grows down),
    negative above it; NaN if any point is missing or the line is vertical (no "below" to speak of)."""
    if not math.isfinite(joint_deg) or not (np.all(np.isfinite(a)) and np.all(np.isfinite(c))):
        return math.nan
    dx = c[0] - a[0]
    if abs(dx) < 1e-9:
        return math.nan
    line_y = a[1] + (vertex[0] - a[0]) * (c[1] - a[1]) / dx  # the line's height at the vertex
    return (180.0 - joint_deg) * (1.0 if vertex[1] >= line_y else -1.0)
