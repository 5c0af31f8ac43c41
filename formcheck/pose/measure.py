"""From a pose to a frame's measurements: the angle table, the camera view and the side nearer the camera.

Numbers only (numpy): the checking layer uses this to judge a bare pose, so it never needs a model or a video.
"""

from __future__ import annotations

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose
from formcheck.pose.angles import compute_angles
from formcheck.pose.leg_direction import compute_leg_directions
from formcheck.pose.view import camera_view, near_side
from formcheck.pose.widths import compute_widths
from formcheck.values import FrameResult


def frame_result(
    pose: Pose | None,
    timestamp_s: float,
    index: int = 0,
    raw: Pose | None = None,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
) -> FrameResult:
    """Angles, view and near side of a (smoothed) pose; ``raw`` is the unsmoothed detection (defaults to ``pose``)."""
    detected = raw if raw is not None else (pose if pose is not None and not pose.held else None)
    result = FrameResult(index, timestamp_s, pose, detected is not None, detected.n_people if detected else 0)
    if pose is not None:
        result.angles = compute_angles(pose, min_visibility) | compute_widths(pose) | compute_leg_directions(pose)
        result.view = camera_view(pose)
        result.near_side = near_side(pose, min_visibility)
    return result
