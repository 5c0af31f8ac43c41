"""From a pose to a frame's measurements: the angle table, the camera view and the side nearer the camera.

Numbers only (numpy): the checking layer uses this to judge a bare pose, so it never needs a model or a video.
A camera's roll (:mod:`formcheck.pose.level` reads it from the picture) is undone first: every measurement is made on
the pose turned back upright (:func:`level_pose`), while ``FrameResult.pose`` stays the picture's, for drawing.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.pose.angles import compute_angles
from formcheck.pose.leg_direction import compute_leg_directions
from formcheck.pose.view import body_yaw, camera_view, near_side
from formcheck.pose.widths import compute_widths
from formcheck.values import FrameResult


def level_pose(pose: Pose, roll_deg: float) -> Pose:
    """``pose`` as an upright camera would have seen it from a camera rolled ``roll_deg`` (counterclockwise as
    seen, ``cv2.getRotationMatrix2D``'s sense): picture points turned back about the picture's centre, the model's
    world points about its depth axis (the model's skeleton turns with the camera). The same pose for 0."""
    if roll_deg == 0.0:
        return pose
    if not math.isfinite(roll_deg) or abs(roll_deg) > 90.0:
        raise ValueError(f"roll_deg must be a finite angle in [-90, 90], got {roll_deg}")
    c, s = math.cos(math.radians(roll_deg)), math.sin(math.radians(roll_deg))
    back = np.array([[c, -s], [s, c]])  # undoes the picture's turn (x right, y down)
    centre = np.array(pose.image_size, dtype=float) / 2.0
    xy = (pose.xy - centre) @ back.T + centre
    world = None
    if pose.world is not None:
        world = pose.world.copy()
        world[:, :2] = pose.world[:, :2] @ back.T
    return replace(pose, xy=xy, world=world)


def frame_result(
    pose: Pose | None,
    timestamp_s: float,
    index: int = 0,
    raw: Pose | None = None,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    roll_deg: float = 0.0,
) -> FrameResult:
    """Angles, view and near side of a (smoothed) pose; ``raw`` is the unsmoothed detection (defaults to ``pose``);
    ``roll_deg`` the camera's roll to undo before measuring (:func:`level_pose`)."""
    detected = raw if raw is not None else (pose if pose is not None and not pose.held else None)
    result = FrameResult(index, timestamp_s, pose, detected is not None, detected.n_people if detected else 0)
    result.roll_deg, result.detection = roll_deg, detected
    if pose is not None:
        upright = level_pose(pose, roll_deg)
        yaw = body_yaw(upright)  # once: both the angles' 2-D / 3-D mix and the view read it
        result.angles = compute_angles(upright, min_visibility, yaw=yaw) | compute_widths(upright)
        result.angles |= compute_leg_directions(upright)
        result.view = camera_view(upright, yaw=yaw)
        result.near_side = near_side(upright, min_visibility)
    return result
