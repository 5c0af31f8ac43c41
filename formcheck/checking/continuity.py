"""Breaks in the stream of judged frames: landmark glitches, camera cuts and gaps with nobody judged.

A person's landmarks move as a body: their median moves well under one body size per second even in a fast movement
(a knee lift or a roll-up moves part of the body, not the median). Measured on the tune clips: real movement peaks at
0.6 body diagonals per second; cuts and glitches jump at 1.6-10. A median jump faster than ``MAX_BODY_SPEED`` is
therefore never a movement:

- if the pose comes back within ``SETTLE_S``, it was a **glitch**: those frames are skipped (``"glitch"``);
- if it stays away, it was a **cut** (a new camera angle, or the person re-found elsewhere): ``"break"``, and
  nothing carries across it (a rep under way is dropped, speeds are not measured);
- no judged frame for ``MAX_GAP_S`` is a ``"break"`` too.

A held pose (the smoother's copy of the last one over a short dropout: nobody was detected) is no new evidence:
it continues an unbroken stream, but a jump is never believed on held copies of it (a fade to white that glitches the
skeleton and then loses the person must not leave the glitched pose standing in for the person).

One landmark can also jump on its own (a knee read on the other leg for a few frames) while the body's median stays
put. A limb moves at most ~2.2 body diagonals per second in the tune clips' fastest movement (a knee pulled to the
chest); fast high knees (~0.27 s per knee) move a knee ~0.3 body diagonals in 0.13 s, ~2.5 per second. A limb
landmark moving faster than ``MAX_LIMB_SPEED`` between two frames is therefore a **limb glitch**
(:func:`limb_glitch`): that frame is skipped like a glitch of the whole body (a limb that stays where it jumped
for ``SETTLE_S`` is believed), and the speed watch never measures across one. So is a frame whose skeleton has
folded up (:func:`misshapen`: a trunk, thigh or shin a third shorter or longer than on the last good frame) until it
has held for ``SHAPE_SETTLE_S``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from formcheck.landmarks import Pose

MAX_BODY_SPEED = 1.2  # body diagonals per second (the box around the landmarks); real movement peaks at ~0.6
MIN_JUMP = 0.04  # body diagonals: a change smaller than this between two frames is never a break
SETTLE_S = 0.3  # a jump that has not come back within this long is a cut
MAX_GAP_S = 1.0  # no judged frame for this long: the next one starts afresh
MAX_LIMB_SPEED = 5.0  # body diagonals per second for one limb landmark; real limbs peak at ~2.2 (see above)
LIMB_LANDMARKS = np.array([11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])  # shoulders ... ankles
SEGMENTS = ((11, 23), (12, 24), (23, 25), (24, 26), (25, 27), (26, 28))  # trunk, thigh and shin of each side
MAX_SEGMENT_CHANGE = 0.35  # a segment's length in the picture changing by over a third since the last good pose
SHAPE_SETTLE_S = 0.8  # ...and not for good within this long (a real turn keeps it): the model lost the body
Continuity = Literal["ok", "glitch", "break"]


def body_size(pose: Pose) -> float:
    """The diagonal of the box holding the middle 90 % of the landmarks, pixels (robust to one stray landmark)."""
    lo, hi = np.percentile(pose.xy, 5, axis=0), np.percentile(pose.xy, 95, axis=0)
    return float(np.linalg.norm(hi - lo))


def limb_glitch(before: Pose, after: Pose, dt: float, min_visibility: float = 0.5) -> bool:
    """True when a limb landmark visible in both poses moved faster than ``MAX_LIMB_SPEED`` in ``dt`` seconds."""
    size = body_size(before)
    if dt <= 0 or size <= 0:
        return False
    seen = (before.visibility[LIMB_LANDMARKS] >= min_visibility) & (after.visibility[LIMB_LANDMARKS] >= min_visibility)
    if not seen.any():
        return False
    moved = np.linalg.norm(after.xy[LIMB_LANDMARKS] - before.xy[LIMB_LANDMARKS], axis=1)[seen]
    return bool(np.nanmax(moved) / size / dt > MAX_LIMB_SPEED)


def misshapen(before: Pose, after: Pose, min_visibility: float = 0.5) -> bool:
    """True when a trunk, thigh or shin visible in both poses changed its length in the picture by more than
    ``MAX_SEGMENT_CHANGE`` (a share) since ``before``: bones do not stretch, and a turn foreshortens them gradually; a
    model that briefly loses the body folds its skeleton up (seen on the lite model at a bridge's top)."""
    for a, b in SEGMENTS:
        seen = before.visibility[[a, b]].min() >= min_visibility and after.visibility[[a, b]].min() >= min_visibility
        if not seen:
            continue
        was = float(np.linalg.norm(before.xy[a] - before.xy[b]))
        now = float(np.linalg.norm(after.xy[a] - after.xy[b]))
        if was > 0 and not (1 - MAX_SEGMENT_CHANGE) <= now / was <= 1 / (1 - MAX_SEGMENT_CHANGE):
            return True
    return False


class ContinuityWatch:
    """``update(pose, t)`` for each judged frame: ``"ok"``, ``"glitch"`` (skip this frame) or ``"break"``."""

    def __init__(self) -> None:
        self._ref: Pose | None = None  # the last pose that continued the stream
        self._ref_t = 0.0
        self._jump_since: float | None = None
        self._limb_since: float | None = None  # a limb landmark has been away from where the body allows since

    def update(self, pose: Pose, t: float) -> Continuity:
        ref = self._ref
        if pose.held and ref is not None:  # a copy of the last pose over a dropout is no new evidence: nothing
            away = self._limb_since is not None or self._jump_since is not None  # settles on it
            return "glitch" if away else "ok"
        if ref is None or t - self._ref_t > MAX_GAP_S:
            self._accept(pose, t)
            return "ok" if ref is None else "break"
        size = body_size(ref)
        jump = float(np.median(np.linalg.norm(pose.xy - ref.xy, axis=1))) / size if size > 0 else 0.0
        if jump <= max(MIN_JUMP, MAX_BODY_SPEED * (t - self._ref_t)):
            odd_shape = misshapen(ref, pose)
            if odd_shape or limb_glitch(ref, pose, t - self._ref_t):  # a limb jumped, or the skeleton folded up
                self._limb_since = t if self._limb_since is None else self._limb_since
                if t - self._limb_since < (SHAPE_SETTLE_S if odd_shape else SETTLE_S):
                    return "glitch"
            self._accept(pose, t)
            return "ok"
        if self._jump_since is None:
            self._jump_since = t
        if t - self._jump_since >= SETTLE_S:
            self._accept(pose, t)
            return "break"
        return "glitch"

    def _accept(self, pose: Pose, t: float) -> None:
        self._ref, self._ref_t, self._jump_since, self._limb_since = pose, t, None, None
