"""A small factory of synthetic poses for unit tests: place the landmarks you care about, the rest sit nearby."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import N_LANDMARKS, Pose
from formcheck.landmarks import Landmark as L

Point = tuple[float, float]


def make_pose(
    points: Mapping[L, Point],
    image_size: tuple[int, int] = (1000, 1000),
    t: float = 0.0,
    visibility: Mapping[L, float] | None = None,
    z: Mapping[L, float] | None = None,
    world: np.ndarray | None = None,
    default_visibility: float = 1.0,
) -> Pose:
    """Pose with the given pixel positions; unplaced landmarks sit at the image centre with the default visibility.
    ``world``: (33, 3) world landmarks in metres, or None (the default: a pose without 3-D)."""
    w, h = image_size
    xy = np.tile([w / 2, h / 2], (N_LANDMARKS, 1)).astype(float)
    vis = np.full(N_LANDMARKS, default_visibility)
    zz = np.zeros(N_LANDMARKS)
    for lm, p in points.items():
        xy[lm] = p
    for lm, v in (visibility or {}).items():
        vis[lm] = v
    for lm, v in (z or {}).items():
        zz[lm] = v
    return Pose(
        xy=xy,
        z=zz,
        visibility=vis,
        world=world,
        image_size=image_size,
        timestamp_s=t,
    )


def side_pose(
    facing: str = "right",
    knee_deg: float = 180.0,
    hip_flexion_deg: float = 0.0,
    seg: float = 100.0,
    image_size: tuple[int, int] = (1000, 1000),
    t: float = 0.0,
) -> Pose:
    """A person seen from the side, standing, facing image right or left, with the given knee angle and hip
    flexion on both legs. Hip at the image centre; trunk vertical."""
    f = 1.0 if facing == "right" else -1.0
    hip = np.array([500.0, 500.0])
    shoulder = hip + [0, -2 * seg]
    th = np.radians(hip_flexion_deg)
    knee = hip + seg * np.array([f * np.sin(th), np.cos(th)])
    # shin direction: rotate the thigh direction backwards by (180 - knee) degrees
    bend = np.radians(180.0 - knee_deg)
    shin_angle = th - bend
    ankle = knee + seg * np.array([f * np.sin(shin_angle), np.cos(shin_angle)])
    ear = shoulder + [0, -0.5 * seg]
    nose = ear + [f * 0.3 * seg, 0.05 * seg]
    pts: dict[L, Point] = {L.NOSE: tuple(nose), L.LEFT_EAR: tuple(ear), L.RIGHT_EAR: tuple(ear)}
    for side in ("LEFT", "RIGHT"):
        pts[L[f"{side}_SHOULDER"]] = tuple(shoulder)
        pts[L[f"{side}_HIP"]] = tuple(hip)
        pts[L[f"{side}_KNEE"]] = tuple(knee)
        pts[L[f"{side}_ANKLE"]] = tuple(ankle)
        pts[L[f"{side}_HEEL"]] = tuple(ankle + [-f * 0.1 * seg, 0.1 * seg])
        pts[L[f"{side}_FOOT_INDEX"]] = tuple(ankle + [f * 0.25 * seg, 0.1 * seg])
        pts[L[f"{side}_ELBOW"]] = tuple(shoulder + [0, seg])
        pts[L[f"{side}_WRIST"]] = tuple(shoulder + [0, 2 * seg])
    return make_pose(pts, image_size=image_size, t=t)


def marching_pose(t: float, period_s: float = 2.0, image_size: tuple[int, int] = (1000, 1000)) -> Pose:
    """A person marching on the spot, seen from the side: the left hip flexes to 90 degrees and back in the first
    half of each period, the right in the second half (smoothly, under any jerk limit). One rep per leg per period."""
    phase = np.sin(2 * np.pi * t / period_s)
    lift_left, lift_right = max(0.0, phase), max(0.0, -phase)  # the lifted knee bends, the standing leg stays long
    left = side_pose(hip_flexion_deg=90.0 * lift_left, knee_deg=180.0 - 80.0 * lift_left, t=t)
    right = side_pose(hip_flexion_deg=90.0 * lift_right, knee_deg=180.0 - 80.0 * lift_right, t=t)
    xy = left.xy.copy()
    for lm in L:
        if lm.name.startswith("RIGHT_"):
            xy[lm] = right.xy[lm]
    w, h = image_size
    scale = min(w, h) / 1000  # side_pose draws on a 1000 x 1000 canvas: shrink evenly, keep it centred
    xy = (xy - 500.0) * scale + [w / 2, h / 2]
    return make_pose({lm: tuple(xy[lm]) for lm in L}, image_size=image_size, t=t)


def kneeling_pose(
    thigh_back_deg: float = 20.0,
    shoulder_drift_deg: float = 0.0,
    seg: float = 100.0,
    t: float = 0.0,
) -> Pose:
    """Half-kneeling, seen from the side, facing image right: the right (front) thigh 80 deg forward with its shin
    upright, the left (back) knee down with its thigh ``thigh_back_deg`` behind the vertical (+ = the hips pushed
    forward of the back knee) and its shin flat behind. The trunk is upright; the shoulder landmarks are placed
    ``shoulder_drift_deg`` forward of it (MediaPipe's error on a real kneeling clip)."""
    hip = np.array([500.0, 500.0])

    def ray(deg: float, length: float, down: bool) -> np.ndarray:  # + deg = towards the front (image right)
        r = np.radians(deg)
        return length * np.array([np.sin(r), np.cos(r) if down else -np.cos(r)])

    shoulder = hip + ray(shoulder_drift_deg, 2 * seg, down=False)
    ear = hip + ray(0.0, 2.5 * seg, down=False)
    front_knee = hip + ray(80.0, seg, down=True)
    back_knee = hip + ray(-thigh_back_deg, seg, down=True)
    pts: dict[L, Point] = {
        L.NOSE: tuple(ear + [0.3 * seg, 0.05 * seg]),
        L.LEFT_EAR: tuple(ear),
        L.RIGHT_EAR: tuple(ear),
    }
    legs = {"RIGHT": (front_knee, front_knee + [0, seg]), "LEFT": (back_knee, back_knee + [-seg, 0])}
    for side, (knee, ankle) in legs.items():
        pts[L[f"{side}_SHOULDER"]] = tuple(shoulder)
        pts[L[f"{side}_HIP"]] = tuple(hip)
        pts[L[f"{side}_KNEE"]] = tuple(knee)
        pts[L[f"{side}_ANKLE"]] = tuple(ankle)
        pts[L[f"{side}_HEEL"]] = tuple(ankle + [-0.1 * seg, 0.05 * seg])
        pts[L[f"{side}_FOOT_INDEX"]] = tuple(ankle + [0.25 * seg, 0.05 * seg])
        pts[L[f"{side}_ELBOW"]] = tuple(shoulder + [0, seg])
        pts[L[f"{side}_WRIST"]] = tuple(shoulder + [0.3 * seg, 1.5 * seg])
    return make_pose(pts, t=t)


def legs_exchanged(pose: Pose) -> Pose:
    """The model's misreading of ``pose``: the left leg's landmarks (knee down) called the right leg's and the other
    way round."""
    xy, t = pose.xy.copy(), pose.timestamp_s
    for lm in (L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX):
        other = L[lm.name.replace("LEFT_", "RIGHT_")]
        xy[[lm, other]] = xy[[other, lm]]
    return Pose(xy=xy, z=pose.z, visibility=pose.visibility, world=None, image_size=pose.image_size, timestamp_s=t)


class MarchingEstimator:
    """Stands in for the pose model: ``(image, t) -> Pose`` of ``marching_pose``; nobody in ``absent`` windows."""

    def __init__(self, period_s: float = 2.0, absent: tuple[tuple[float, float], ...] = ()) -> None:
        self.period_s, self.absent = period_s, absent
        self.calls = 0

    def __call__(self, image: np.ndarray, t: float) -> Pose | None:
        self.calls += 1
        if any(a <= t < b for a, b in self.absent):
            return None
        h, w = image.shape[:2]
        return marching_pose(t, self.period_s, (w, h))


# ---- 3-D: world landmarks (metres) and views of them from any yaw ------------------------------------------------
def body_world(
    hip_flexion_deg: float = 0.0, knee_deg: float = 180.0, leg: str = "left", thigh_m: float = 0.45
) -> np.ndarray:
    """(33, 3) world landmarks in metres (MediaPipe's axes: x right, y down, z away from the camera; hips' centre at
    the origin) of a person standing upright seen exactly side-on, facing image right (+x): the right side is
    towards the camera, the left hip 0.1 m further away (+z). ``leg`` is lifted forward in the sagittal plane with
    ``hip_flexion_deg`` and its knee bent to ``knee_deg``; the other leg stands straight."""
    w = np.zeros((N_LANDMARKS, 3))
    up, fwd = np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])
    for side, dz in (("LEFT", 0.1), ("RIGHT", -0.1)):
        hip = np.array([0.0, 0.0, dz])
        lifted = side == leg.upper()
        th = np.radians(hip_flexion_deg if lifted else 0.0)
        thigh = np.cos(th) * -up + np.sin(th) * fwd
        shin_angle = th - np.radians(180.0 - (knee_deg if lifted else 180.0))
        shin = np.cos(shin_angle) * -up + np.sin(shin_angle) * fwd
        knee = hip + thigh_m * thigh
        ankle = knee + thigh_m * shin
        shoulder = hip + 0.5 * up
        w[L[f"{side}_HIP"]], w[L[f"{side}_KNEE"]], w[L[f"{side}_ANKLE"]] = hip, knee, ankle
        w[L[f"{side}_HEEL"]], w[L[f"{side}_FOOT_INDEX"]] = ankle - 0.05 * fwd + 0.05 * -up, ankle + 0.15 * fwd
        w[L[f"{side}_SHOULDER"]] = shoulder
        w[L[f"{side}_ELBOW"]], w[L[f"{side}_WRIST"]] = shoulder + 0.3 * -up, shoulder + 0.55 * -up
        w[L[f"{side}_EAR"]] = np.array([0.0, -0.65, dz * 0.5])
    w[L.NOSE] = np.array([0.1, -0.62, 0.0])
    return with_face_and_hands(w)


def walking_world(t: float, stride_s: float = 1.1, peak_flexion_deg: float = 30.0) -> np.ndarray:
    """(33, 3) world landmarks (as ``body_world``: hips' centre at the origin, facing +x) of a person walking, ``t``
    seconds into the gait: each hip swings between ``peak_flexion_deg`` forward (at the heel strike) and 10 deg back
    (at the push-off, half a stride later), the knee bends to ~120 deg in the swing (normal gait). The legs alternate
    half a ``stride_s`` apart. Where the body goes is the caller's (the world stays centred on the hips, as
    MediaPipe's does)."""
    w = body_world()
    up, fwd = np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])
    for side, phase in (("LEFT", (t / stride_s) % 1.0), ("RIGHT", (t / stride_s + 0.5) % 1.0)):
        swing = (peak_flexion_deg + 10.0) / 2
        flexion = np.radians(peak_flexion_deg - swing + swing * np.cos(2 * np.pi * phase))
        swing_bend = 55 * np.exp(-(((phase - 0.73) / 0.09) ** 2))  # the swing, and a little at the heel strike
        bend = np.radians(5 + swing_bend + 12 * np.exp(-(((phase - 0.15) / 0.07) ** 2)))
        thigh = np.cos(flexion) * -up + np.sin(flexion) * fwd
        shin = np.cos(flexion - bend) * -up + np.sin(flexion - bend) * fwd
        knee = w[L[f"{side}_HIP"]] + 0.45 * thigh
        ankle = knee + 0.45 * shin
        w[L[f"{side}_KNEE"]], w[L[f"{side}_ANKLE"]] = knee, ankle
        w[L[f"{side}_HEEL"]], w[L[f"{side}_FOOT_INDEX"]] = ankle - 0.05 * fwd + 0.05 * -up, ankle + 0.15 * fwd
    return with_face_and_hands(w)


def with_face_and_hands(w: np.ndarray) -> np.ndarray:
    """``w`` with the eyes and mouth placed between the nose and the ears and the fingers at the wrists (the model
    always places every landmark; left at the hips, they would move the body's median with the legs)."""
    w = w.copy()
    for side in ("LEFT", "RIGHT"):
        ear, nose = w[L[f"{side}_EAR"]], w[L.NOSE]
        for i, name in enumerate(("EYE_INNER", "EYE", "EYE_OUTER")):
            w[L[f"{side}_{name}"]] = nose + (0.3 + 0.2 * i) * (ear - nose) + np.array([0.0, -0.02, 0.0])
        w[L[f"MOUTH_{side}"]] = nose + 0.25 * (ear - nose) + np.array([0.0, 0.04, 0.0])
        for finger in ("PINKY", "INDEX", "THUMB"):
            w[L[f"{side}_{finger}"]] = w[L[f"{side}_WRIST"]]
    return w


def turned(world: np.ndarray, yaw_deg: float, pitch_deg: float = 0.0) -> np.ndarray:
    """``world`` turned about the vertical so that a side-on body (``body_world``) has body yaw ``yaw_deg`` (90 =
    side-on, 0 = facing the camera, as ``formcheck.pose.view.body_yaw`` measures it), then seen by a camera pitched
    ``pitch_deg`` downwards (MediaPipe's world axes turn with the camera; ``body_yaw`` then reads the pitched view,
    90 - ``pitch_deg`` for a body side-on)."""
    a = np.radians(90.0 - yaw_deg)
    c, s = np.cos(a), np.sin(a)
    yaw = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])  # turns +z (the lateral axis) towards +x
    b = np.radians(pitch_deg)
    cb, sb = np.cos(b), np.sin(b)
    pitch = np.array([[1.0, 0.0, 0.0], [0.0, cb, -sb], [0.0, sb, cb]])  # what was towards the camera now points down
    return world @ (pitch @ yaw).T


def pose_from_world(
    world: np.ndarray, image_size: tuple[int, int] = (1000, 1000), px_per_m: float = 500.0, t: float = 0.0
) -> Pose:
    """A Pose whose picture is the orthographic projection of ``world`` (x, y scaled to pixels, centred), with those
    world landmarks attached and every landmark visible."""
    w, h = image_size
    xy = world[:, :2] * px_per_m + [w / 2, h / 2]
    return Pose(xy, world[:, 2] * px_per_m, np.ones(N_LANDMARKS), world.copy(), image_size, t)


# ---- lying on the back: bridges, leg raises, knee hugs, lying marches (3-D, then any camera) ---------------------
TRUNK_M, THIGH_M, SHIN_M = 0.5, 0.45, 0.45
JOINT_HEIGHT_M = 0.1  # shoulders, hips and planted ankles sit this far above the mat


@dataclass(frozen=True)
class Leg:
    """One leg of a person lying on their back. Planted (``foot_m`` set): the foot flat on the mat ``foot_m`` metres
    from the shoulders along it, the knee where thigh and shin meet, pointing up. Free (``foot_m=None``): the thigh
    ``hip_flexion_deg`` from the trunk line (0 = long on the mat, 90 = pointing at the ceiling when the hips are
    down), the knee at ``knee_deg`` (180 = straight), turned out to the side by ``abduction_deg`` (about the front
    axis: a leg on the mat opens along it), then tilted out to the side by ``tilt_out_deg`` (about the body's long
    axis: a raised leg leans out to its side; negative = over the body's midline, as in a leg circle).
    ``cross``: a figure-4: the ankle rests on the other knee, the thigh turned out (the other leg must be planted)."""

    foot_m: float | None = None
    hip_flexion_deg: float = 0.0
    knee_deg: float = 180.0
    abduction_deg: float = 0.0
    cross: bool = False
    tilt_out_deg: float = 0.0


def planted(foot_m: float = 1.05) -> Leg:
    """A foot on the mat ``foot_m`` from the shoulders: 1.05 bends the knee to ~75 deg at rest, 1.3 is a heel bridge."""
    return Leg(foot_m=foot_m)


def _rotate(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    """``v`` turned ``deg`` degrees about the unit ``axis`` (right-handed, Rodrigues)."""
    a = np.radians(deg)
    return v * np.cos(a) + np.cross(axis, v) * np.sin(a) + axis * np.dot(axis, v) * (1 - np.cos(a))


def supine_world(left: Leg = Leg(), right: Leg = Leg(), lift_deg: float = 0.0, roll_deg: float = 0.0) -> np.ndarray:
    """(33, 3) world landmarks in metres (MediaPipe's axes, hips' centre at the origin) of a person lying on their
    back along the image's x axis, head to the left, seen exactly side-on: the right side towards the camera (-z).
    ``lift_deg``: the trunk raised about the shoulders (a bridge: 0 = hips on the mat). ``roll_deg``: the whole body
    turned about its long axis, the belly away from the camera for positive values (a trunk turn in a knee hug)."""
    w = np.zeros((N_LANDMARKS, 3))
    x = np.array([1.0, 0.0, 0.0])
    up = np.array([0.0, -1.0, 0.0])
    phi = np.radians(lift_deg)
    along = np.array([np.cos(phi), -np.sin(phi), 0.0])  # shoulder -> hip
    front = np.array([-np.sin(phi), -np.cos(phi), 0.0])  # the belly's direction: up when the hips are down
    legs = {"LEFT": left, "RIGHT": right}
    lateral = {"LEFT": np.array([0.0, 0.0, 1.0]), "RIGHT": np.array([0.0, 0.0, -1.0])}  # outwards
    hips, knees = {}, {}
    for side in ("LEFT", "RIGHT"):
        shoulder = np.array([0.0, -JOINT_HEIGHT_M, 0.0]) + 0.17 * lateral[side]
        hip = np.array([0.0, -JOINT_HEIGHT_M, 0.0]) + TRUNK_M * along + 0.1 * lateral[side]
        w[L[f"{side}_SHOULDER"]], w[L[f"{side}_HIP"]], hips[side] = shoulder, hip, hip
        w[L[f"{side}_ELBOW"]] = shoulder + 0.28 * x
        w[L[f"{side}_WRIST"]] = shoulder + 0.52 * x
        w[L[f"{side}_EAR"]] = np.array([-0.2, -0.16, 0.0]) + 0.07 * lateral[side]
    w[L.NOSE] = np.array([-0.24, -0.27, 0.0])
    for side in ("LEFT", "RIGHT"):
        leg, hip = legs[side], hips[side]
        if leg.foot_m is not None:
            ankle = np.array([leg.foot_m, -JOINT_HEIGHT_M + 0.03, hip[2]])
            knee = _knee_between(hip, ankle, up)
            toe_dir, shin = x, ankle - knee
        else:
            thigh = np.cos(np.radians(leg.hip_flexion_deg)) * along + np.sin(np.radians(leg.hip_flexion_deg)) * front
            f = np.radians(leg.hip_flexion_deg - (180.0 - leg.knee_deg))
            shin = np.cos(f) * along + np.sin(f) * front
            toe_dir = np.cos(f + np.pi / 2) * along + np.sin(f + np.pi / 2) * front
            axis = front * (1.0 if side == "RIGHT" else -1.0)  # turns the leg outwards
            thigh, shin, toe_dir = (_rotate(v, axis, leg.abduction_deg) for v in (thigh, shin, toe_dir))
            axis = along * (1.0 if side == "RIGHT" else -1.0)  # turns the front towards that side's outside
            thigh, shin, toe_dir = (_rotate(v, axis, leg.tilt_out_deg) for v in (thigh, shin, toe_dir))
            knee = hip + THIGH_M * thigh
            ankle = knee + SHIN_M * shin
        knees[side] = knee
        w[L[f"{side}_KNEE"]], w[L[f"{side}_ANKLE"]] = knee, ankle
        w[L[f"{side}_HEEL"]] = ankle - 0.05 * toe_dir + 0.04 * shin / np.linalg.norm(shin)
        w[L[f"{side}_FOOT_INDEX"]] = ankle + 0.15 * toe_dir
    for side, other in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
        if legs[side].cross:  # figure-4: the thigh turned out 60 deg from the planted thigh, the ankle on that knee
            support = knees[other] - hips[other]
            out = np.cos(np.radians(60.0)) * support / np.linalg.norm(support) + np.sin(np.radians(60.0)) * (
                lateral[side] * 0.6 + front * 0.8
            )
            knee = hips[side] + THIGH_M * out / np.linalg.norm(out)
            ankle = knees[other] + 0.06 * front - 0.05 * lateral[other]
            w[L[f"{side}_KNEE"]], w[L[f"{side}_ANKLE"]] = knee, ankle
            w[L[f"{side}_HEEL"]], w[L[f"{side}_FOOT_INDEX"]] = ankle - 0.04 * x, ankle + 0.12 * lateral[other]
    centre = (w[L.LEFT_HIP] + w[L.RIGHT_HIP]) / 2
    w = with_face_and_hands(w - centre)
    r = np.radians(roll_deg)  # about the long axis (x): positive turns the belly (up) away from the camera (+z)
    roll = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(r), np.sin(r)], [0.0, -np.sin(r), np.cos(r)]])
    return w @ roll.T


def _knee_between(hip: np.ndarray, ankle: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Where the knee of a planted leg is: ``THIGH_M`` from the hip and ``SHIN_M`` from the ankle, bent upwards."""
    d = ankle - hip
    dist = min(float(np.linalg.norm(d)), THIGH_M + SHIN_M - 1e-6)
    u = d / np.linalg.norm(d)
    a = (THIGH_M**2 - SHIN_M**2 + dist**2) / (2 * dist)
    h = np.sqrt(max(THIGH_M**2 - a**2, 0.0))
    perp = up - np.dot(up, u) * u
    return hip + a * u + h * perp / np.linalg.norm(perp)
