"""Annotators: draw a skeleton, angle labels and text panels on a BGR frame. No logic lives here."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import cv2
import numpy as np

from formcheck.landmarks import CONNECTIONS, DEFAULT_MIN_VISIBILITY, Pose
from formcheck.pose.angles import JOINT_ANGLES
from formcheck.values import FrameResult

GOOD = (80, 200, 80)  # BGR
BAD = (60, 60, 230)
NEUTRAL = (230, 200, 60)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
_VERTEX = {j.name: j.vertex[0] for j in JOINT_ANGLES}


def _scale(image: np.ndarray) -> float:
    return max(image.shape[:2]) / 720.0


def draw_skeleton(
    image: np.ndarray, pose: Pose, min_visibility: float = DEFAULT_MIN_VISIBILITY, color: tuple[int, int, int] = NEUTRAL
) -> np.ndarray:
    """Draw bones between visible landmarks and a dot on each, in place; returns the image."""
    s = _scale(image)
    thick = max(1, int(round(3 * s)))
    vis = pose.visibility >= min_visibility
    pts = np.nan_to_num(pose.xy, nan=-1e4).round().astype(int)
    for a, b in CONNECTIONS:
        if vis[a] and vis[b]:
            cv2.line(image, tuple(pts[a]), tuple(pts[b]), color, thick, cv2.LINE_AA)
    for i in np.flatnonzero(vis):
        cv2.circle(image, tuple(pts[i]), thick + 1, WHITE, -1, cv2.LINE_AA)
    return image


def draw_angle_labels(
    image: np.ndarray, pose: Pose, angles: Mapping[str, float], names: Iterable[str], failing: Sequence[str] = ()
) -> np.ndarray:
    """Write each named joint angle (degrees) next to its vertex; names in ``failing`` are drawn in red."""
    s = _scale(image)
    for name in names:
        value = angles.get(name, float("nan"))
        if name not in _VERTEX or not np.isfinite(value):
            continue  # never draw NaN
        x, y = pose.xy[_VERTEX[name]]
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        put_text(image, f"{value:.0f}", (int(x + 8 * s), int(y - 8 * s)), BAD if name in failing else GOOD, 0.7 * s)
    return image


def put_text(
    image: np.ndarray, text: str, org: tuple[int, int], color: tuple[int, int, int] = WHITE, scale: float = 0.7
) -> None:
    thick = max(1, int(round(2 * scale)))
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, BLACK, thick + 2, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, color, thick, cv2.LINE_AA)


def draw_panel(image: np.ndarray, lines: Sequence[tuple[str, tuple[int, int, int]]]) -> np.ndarray:
    """A translucent box at the top-left holding lines of (text, colour)."""
    if not lines:
        return image
    s = _scale(image)
    per_line = max(8, int((image.shape[1] - 16 * s) / (13 * s)))
    lines = [(part, color) for text, color in lines for part in textwrap.wrap(text, per_line) or [""]]
    line_h = int(30 * s)
    h = line_h * len(lines) + int(12 * s)
    w = min(image.shape[1], int(16 * s + max(len(t) for t, _ in lines) * 13 * s))
    roi = image[0:h, 0:w]
    roi[:] = (roi * 0.45).astype(np.uint8)
    for i, (text, color) in enumerate(lines):
        put_text(image, text, (int(8 * s), int((i + 1) * line_h)), color, 0.7 * s)
    return image


OUTPUT_MAX_SIDE = 1280  # annotated video's long side (AnnotatedVideoWriter's default)
LABELLED_JOINTS = ("left_knee", "right_knee", "left_hip", "right_hip")


def annotate(image: np.ndarray, result: FrameResult, max_side: int = OUTPUT_MAX_SIDE) -> np.ndarray:
    """A new frame, at most ``max_side`` pixels on its long side, with the skeleton, the main joint angles and the
    exercise cue drawn on it. Drawing at output size (not on a full-size copy) keeps this cheap for phone video."""
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        image = cv2.resize(image, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2), interpolation=cv2.INTER_LINEAR)
    else:
        image = image.copy()
    pose = result.pose
    if pose is not None:
        if scale < 1.0:
            pose = replace(
                pose,
                xy=pose.xy * np.array([image.shape[1] / w, image.shape[0] / h]),
                image_size=(image.shape[1], image.shape[0]),
            )
        draw_skeleton(image, pose)
        draw_angle_labels(image, pose, result.angles, LABELLED_JOINTS)
    fb = result.feedback
    if fb is not None:
        color = {"ok": GOOD, "fix": BAD, "warn": BAD}.get(fb.level, WHITE)
        lines = [(fb.cue, color)]
        if fb.hold_target_s and not fb.reps:
            lines.append((f"{fb.side or ''} hold {fb.hold_s:4.1f} / {fb.hold_target_s:.0f} s".strip(), WHITE))
        if fb.reps:
            lines.append(("reps " + "  ".join(f"{k} {v}" for k, v in fb.reps.items()), WHITE))
        draw_panel(image, lines)
    return image
