"""Fake-camera clips for the live page's benchmark and browser tests: a segment of a real clip, letterboxed to
640x480 at 30 fps, with the frame's index burned into the top-left corner as a 12-bit code, so a page can tell which
camera frame it is looking at (and when Chromium's fake camera loops back to the start).

The code is 2 rows of 6 cells of ``CELL`` pixels (white = 1, most significant bit first) on a black box; it sits in
the letterbox padding of portrait clips, so it hides nothing of the person. ``read_code`` reads it back from a BGR
image; ``CODE_JS`` is the same reader for a canvas 2D context in the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from formcheck.media.video import VideoSource, write_y4m

BITS, COLS, CELL, MARGIN = 12, 6, 16, 4  # 6 x 2 cells of 16 px, inside a 4 px black border
BOX_W, BOX_H = COLS * CELL + 2 * MARGIN, (BITS // COLS) * CELL + 2 * MARGIN
FPS = 30


def cell_centre(bit: int) -> tuple[int, int]:
    """(x, y) of a bit's cell centre, in a 640x480 frame."""
    return MARGIN + (bit % COLS) * CELL + CELL // 2, MARGIN + (bit // COLS) * CELL + CELL // 2


def burn_code(image: np.ndarray, index: int) -> np.ndarray:
    """Draw ``index`` (mod 4096) into the top-left corner of a BGR image, in place; returns it."""
    image[:BOX_H, :BOX_W] = 0
    for bit in range(BITS):
        if (index >> (BITS - 1 - bit)) & 1:
            x, y = cell_centre(bit)
            h = CELL // 2 - 2
            image[y - h : y + h, x - h : x + h] = 255
    return image


def read_code(image: np.ndarray) -> int:
    """The index burned by ``burn_code`` (the frame must be the clip's 640x480 size)."""
    n = 0
    for bit in range(BITS):
        x, y = cell_centre(bit)
        n = (n << 1) | int(image[y, x].mean() > 128)
    return n


# For a page: ``fcReadCode(ctx, scaleX, scaleY)`` reads the code from a canvas holding the frame drawn at any size.
CODE_JS = f"""
window.fcReadCode = (ctx, sx, sy) => {{
  let n = 0;
  for (let bit = 0; bit < {BITS}; bit++) {{
    const x = {MARGIN} + (bit % {COLS}) * {CELL} + {CELL // 2};
    const y = {MARGIN} + Math.floor(bit / {COLS}) * {CELL} + {CELL // 2};
    const d = ctx.getImageData(Math.round(x * sx), Math.round(y * sy), 1, 1).data;
    n = (n << 1) | ((d[0] + d[1] + d[2]) / 3 > 128 ? 1 : 0);
  }}
  return n;
}};
"""


def segment(src: Path, start_s: float, end_s: float) -> Iterator[np.ndarray]:
    """The frames of ``src`` from ``start_s`` up to ``end_s`` (the clip's own timestamps)."""
    for f in VideoSource(src):
        if f.timestamp_s >= end_s:
            break
        if f.timestamp_s >= start_s:
            yield f.image


def make_clip(
    src: Path,
    dst: Path,
    start_s: float = 0.0,
    end_s: float = float("inf"),
    coded: bool = True,
    band: tuple[float, float] | None = None,
) -> int:
    """Write the segment as a 640x480, 30 fps y4m (Chromium's fake camera format); returns the frame count.
    ``band``: keep only the rows between these fractions of the height first (a portrait phone clip framed as a
    landscape webcam would frame the person), else the whole frame is letterboxed."""
    from formcheck.media.video import letterbox

    def framed(img: np.ndarray) -> np.ndarray:
        if band is not None:
            h = img.shape[0]
            img = img[int(band[0] * h) : int(band[1] * h)]
        return letterbox(img, 640, 480)

    frames = (framed(img) for img in segment(src, start_s, end_s))
    return write_y4m((burn_code(img, i) if coded else img for i, img in enumerate(frames)), dst, fps=FPS)
