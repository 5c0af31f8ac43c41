"""Which exercise ``--exercise auto`` suggests for the synthetic variants of ``tests/test_variants.py``: every bridge,
lying and leg-circle variant from every lying camera there, and standing knee lifts and high knees from the side, at
an angle and from the front. One line per miss (the variant, the camera, what won and the runners-up), then the
total. The bodies are exact 3-D poses seen by an orthographic camera: a check that the scoring generalises across
variants and views, not a measure of real recordings (``formcheck evaluate`` is).

    python bench/suggest_variants.py

About 2.5 minutes on one core. Figures are printed, never asserted: this is not a test.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.checking.suggest import suggest_exercise  # noqa: E402
from formcheck.pose.measure import frame_result  # noqa: E402
from formcheck.values import FrameResult  # noqa: E402
from tests import test_variants as V  # noqa: E402
from tests.factory import pose_from_world, turned  # noqa: E402

log = logging.getLogger("suggest_variants")
Case = tuple[str, str, Callable[[float], np.ndarray], float, dict[str, tuple[float, float]], float, float]


def frames(body: Callable[[float], np.ndarray], seconds: float, view: tuple[float, float], px_per_m: float, fps: float):
    """The analysed frames of ``seconds`` of ``body`` seen from ``view`` (yaw, pitch), 1280 x 720."""
    out: list[FrameResult] = []
    for k in range(int(seconds * fps)):
        t = k / fps
        pose = pose_from_world(turned(body(t), *view), image_size=(1280, 720), px_per_m=px_per_m, t=t)
        out.append(frame_result(pose, t))
    return out


def cases() -> list[Case]:
    """(exercise, variant, body, seconds, cameras, px per metre, frames/s) for every variant."""
    out: list[Case] = []
    for name, (body, reps, rep_s) in V.BRIDGES.items():
        out.append(("bridge", name, body, reps * rep_s + 1.0, V.LYING_VIEWS, 500.0, V.FPS))
    for name, (exercise, body, seconds) in V.LYING.items():
        out.append((exercise, name, body, seconds + 1.5, V.LYING_VIEWS, 500.0, V.FPS))
    body, seconds = V.leg_circles(2.5, 15.0, 75.0)
    out.append(("leg_circles", "leg circles", body, seconds, V.CIRCLE_VIEWS, 500.0, V.FPS))
    for lift_s, between_s in ((1.1, 0.6), (0.35, 0.2)):
        name = f"knee lifts, {lift_s} s each"
        seconds = 8 * (lift_s + between_s) - 0.05
        out.append(("standing_march", name, V.knee_lifts(lift_s, between_s), seconds, V.STANDING_VIEWS, 300.0, 30.0))
    return out


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    right = total = 0
    for exercise, name, body, seconds, views, px_per_m, fps in cases():
        for view_name, view in views.items():
            ranked = suggest_exercise(frames(body, seconds, view, px_per_m, fps))
            total += 1
            if ranked[0].exercise == exercise and ranked[0].confident:
                right += 1
                continue
            others = ", ".join(f"{s.exercise} {s.score:.2f}" for s in ranked[1:3])
            log.info(
                "miss: %s, %s, %s: %s %.2f (a %.2f, q %.2f); then %s",
                exercise, name, view_name, ranked[0].exercise, ranked[0].score, ranked[0].activity,
                ranked[0].quality, others,
            )  # fmt: skip
    log.info("suggested right and confident: %d of %d variant x camera cases", right, total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
