"""Widths between the two sides of the body, from MediaPipe's 3-D world landmarks (numbers only).

Convention: a width is how far apart a left and a right landmark are *across the body*, along the pelvis axis (left
hip -> right hip), divided by the distance between the two hip landmarks, so 1.0 = exactly hip-width (BlazePose's hip
landmarks sit at the hip joints). Only the across-the-body part counts: a leg raised or a foot put on the other knee
(a single-leg or figure-4 bridge) moves that foot up, not apart, so the feet are still hip-width. On the real
two-leg bridges (the wrong-way and right-way tops of the bridge demo, the glute bridge) the medians of the
across-the-body and the whole 3-D distance differ by at most 0.03 hip widths. It is measured in
the world landmarks (metres, origin between the hips), which a side-on camera sees as well as a front-on one: in the
picture the two feet of a person lying side-on overlap whatever their width. NaN when the world landmarks are missing
(a synthetic pose) or when the hips coincide.

| name | landmarks | meaning |
|---|---|---|
| ``feet_width`` | left ankle - right ankle | 1 = feet hip-width apart; a bridge's feet stay near 1 |
| ``knees_width`` | left knee - right knee | 1 = knees hip-width apart; > 1 = the knees fall open |
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose

WIDTHS: dict[str, tuple[L, L]] = {
    "feet_width": (L.LEFT_ANKLE, L.RIGHT_ANKLE),
    "knees_width": (L.LEFT_KNEE, L.RIGHT_KNEE),
}
WIDTH_NAMES: tuple[str, ...] = tuple(WIDTHS)
MIN_HIP_M = 0.05  # hips closer than 5 cm in the world landmarks: degenerate


def compute_widths(pose: Pose) -> dict[str, float]:
    """Every width in ``WIDTHS`` for one pose (see the module docstring)."""
    if pose.world is None:
        return dict.fromkeys(WIDTHS, float("nan"))
    w = np.asarray(pose.world, dtype=float)
    pelvis = w[L.LEFT_HIP] - w[L.RIGHT_HIP]
    hips = float(np.linalg.norm(pelvis))
    if not np.isfinite(hips) or hips < MIN_HIP_M:
        return dict.fromkeys(WIDTHS, float("nan"))
    across = pelvis / hips
    return {name: abs(float(np.dot(w[a] - w[b], across))) / hips for name, (a, b) in WIDTHS.items()}
