"""Widths between the two sides of the body, from MediaPipe's 3-D world landmarks (numbers only).

Convention: a width is the 3-D distance between a left and a right landmark divided by the distance between the two
hip landmarks, so 1.0 = exactly hip-width (BlazePose's hip landmarks sit at the hip joints). It is measured in the
world landmarks (metres, origin between the hips), which a side-on camera sees as well as a front-on one: in the
picture the two feet of a person lying side-on overlap whatever their width. NaN when the world landmarks are missing
(a synthetic pose), when a landmark's visibility is below ``min_visibility`` in the picture *and* the model had to
guess it, or when the hips coincide.

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
    w = np.asarray(pose.world, dtype=float)
    hips = float(np.linalg.norm(w[L.LEFT_HIP] - w[L.RIGHT_HIP]))
    if not np.isfinite(hips) or hips < MIN_HIP_M:
        return dict.fromkeys(WIDTHS, float("nan"))
    return {name: float(np.linalg.norm(w[a] - w[b])) / hips for name, (a, b) in WIDTHS.items()}
