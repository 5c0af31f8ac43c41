"""Why nobody may be found in a frame: a picture too dark or too blurred for the pose model.

Measured on a grey copy scaled to 160 px on its long side (cheap, and independent of the camera's resolution):
mean brightness (0-255) and the variance of its Laplacian (sharpness). The real clips in ../shared/media measure
130-220 and 200-3900; the model alone still finds a person at brightness ~20 and loses most at ~10 (kneeling clip
dimmed); with formcheck.pose.exposure's gain it finds them at ~5 and loses most at ~2. It loses them when a blur takes
the sharpness below ~70. Only asked when the model found nobody, so a plain wall
behind a visible person never triggers it.
"""

from __future__ import annotations

import cv2
import numpy as np

DARK_BELOW = 30.0  # mean brightness, 0-255
BLURRED_BELOW = 80.0  # variance of the Laplacian at 160 px
MSG_DARK = "The picture is too dark to see you: turn on a light or face a window, and avoid a bright window behind you."
MSG_BLURRED = "The picture is too blurred to see you: wipe the lens, steady the camera and let it focus."


def image_problem(image: np.ndarray) -> str | None:
    """MSG_DARK, MSG_BLURRED or None for a BGR (H, W, 3) uint8 image."""
    h, w = image.shape[:2]
    scale = 160.0 / max(h, w, 1)
    small = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    if float(grey.mean()) < DARK_BELOW:
        return MSG_DARK
    if float(cv2.Laplacian(grey, cv2.CV_64F).var()) < BLURRED_BELOW:
        return MSG_BLURRED
    return None
