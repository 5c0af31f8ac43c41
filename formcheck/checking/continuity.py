"""Breaks in the stream of judged frames: landmark glitches, camera cuts and gaps with nobody judged.

A person's landmarks move as a body: their median moves well under one body size per second even in a fast movement
(a knee lift or a roll-up moves part of the body, not the median). Measured on the tune clips: real movement peaks at
0.6 body diagonals per second; cuts and glitches jump at 1.6-10. A median jump faster than ``MAX_BODY_SPEED`` is
therefore never a movement:

- if the pose comes back within ``SETTLE_S``, it was a **glitch**: those frames are skipped (``"glitch"``);
- if it stays away, it was a **cut** (a new camera angle, or the person re-found elsewhere): ``"break"``, and
  nothing carries across it (a rep under way is dropped unless its top was held through it, speeds are not
  measured);
- no judged frame for ``MAX_GAP_S`` is a ``"break"`` too.

A held pose (the smoother's copy of the last one over a short dropout: nobody was detected) is no new evidence:
it continues an unbroken stream, but a jump is never believed on held copies of it (a fade to white that glitches the
skeleton and then loses the person must not leave the glitched pose standing in for the person).

One landmark can also jump on its own (a knee read on the other leg for a few frames) while the body's median stays
put. A limb moves at most ~2.2 body diagonals per second in the tune clips' fastest movement (a knee pulled to the
chest); fast high knees (~0.27 s per knee) move a knee ~0.3 body diagonals in 0.13 s, ~2.5 per second, and the foot
at up to ~5. A limb landmark moving faster than ``MAX_LIMB_SPEED`` between two frames is therefore a **limb glitch**
(:func:`jumped_limbs`), unless it kept going the way it was going: a foot reaches that speed by speeding up (its
velocity changes at ~80 body diagonals a second squared), a misread jumps there (117 or more in the labelled clips;
``formcheck.landmarks.too_fast``). The watch judges the smoothed pose, and a smoother can move a landmark faster than
the body did: catching up with a fast foot, it speeds up and turns more sharply than the foot (at 60 frames/s it made
92 of 135 frames of fast high knees look misread). So where the model's own detection is given too, a limb landmark
has jumped only when it jumped in both; everything else (cuts, folded skeletons, exchanged labels) is judged on the
smoothed pose alone (read from the detection, a wipe or a fade in an edited video was taken for a cut). From that
frame until the landmark jumps back, the frames are skipped like a
glitch of the whole body, for ``SETTLE_S`` at most (then where it went is believed); the speed watch never measures
across one. A misread ankle that drifts back instead of jumping back is skipped until it is back within ``MIN_JUMP``
of where the last good pose had it, or for all of ``SETTLE_S`` (judged against the last good pose by speed alone, a
far jump would look like a possible movement after two frames). A frame whose skeleton has folded up
(:func:`misshapen`: a trunk, thigh or shin a third shorter or longer than on the last good frame; in 3-D when the
body is not side-on, so a thigh lifted straight at the camera is no fold) is skipped too, until it has held for
``SHAPE_SETTLE_S``. A jump of the whole body that came back is over, even while a limb or the skeleton's shape is
still skipped: a later jump is timed afresh (not as the first one having stayed, which would be a cut).

The model also exchanges a pair of limbs' labels: the raised leg is called the other leg for a few frames (seen for
0.03-0.27 s on a leg raise, and for 4 s on a mirrored bridge). Between two frames both legs then jump faster than a
limb moves, and exchanging the labels back explains the jump (:func:`sides_swapped`). From such a frame until the
labels exchange back, the frames are skipped (``"glitch"``). After ``SETTLE_S`` the pose is compared with the last
good one: labels still exchanged against it (:func:`labels_exchanged`) are believed (``"relabelled"``): the stream
goes on (a rep under way keeps its start, and the session's rule for a rep nested in the other leg's can still drop
the phantom one the exchange made), but no speed is measured across it. Otherwise the labels came back in a way the
frame-to-frame test missed (seen on a leg raise: the feet's labels given back with a toe still too fast), or it was
no exchange at all, and the frame is judged as any other. (A ``"break"`` there, tried first, dropped the start of the
rep under way; at 15 frames/s, where the model's first exchange is too slow to be seen as one, the phantom rep it
made on the other leg was then no longer inside the real one and counted: 4 of 3.) Legs that cross in a real
movement never trip it: between two frames they move at a limb's speed, however close they come.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from formcheck.landmarks import LIMB_ENDS, LIMB_STARTS, MAX_LIMB_SPEED, Pose, step_velocity, too_fast
from formcheck.pose.angles import lifted_points
from formcheck.pose.view import SIDE_VIEW_MIN_YAW, body_yaw

MAX_BODY_SPEED = 1.2  # body diagonals per second (the box around the landmarks); real movement peaks at ~0.6
MIN_JUMP = 0.04  # body diagonals: a change smaller than this between two frames is never a break
SETTLE_S = 0.3  # a jump that has not come back within this long is a cut
MAX_GAP_S = 1.0  # no judged frame for this long: the next one starts afresh
LIMB_LANDMARKS = np.array([11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28])  # shoulders ... ankles
# (left, right) landmark pairs whose labels the model exchanges, per limb pair: arms (elbows, wrists) and legs
# (knees, ankles, heels, toes)
SWAP_GROUPS = {"arms": ((13, 14), (15, 16)), "legs": ((25, 26), (27, 28), (29, 30), (31, 32))}
EXCHANGE_SHARE = 0.5  # exchanging left and right must bring a limb pair's landmarks under half as far to explain it
MAX_SEGMENT_CHANGE = 0.35  # a segment's length in the picture changing by over a third since the last good pose
SHAPE_SETTLE_S = 0.8  # ...and not for good within this long (a real turn keeps it): the model lost the body
Continuity = Literal["ok", "glitch", "relabelled", "break"]


def jumped_limbs(
    before: Pose, after: Pose, dt: float, min_visibility: float = 0.5, velocity: np.ndarray | None = None
) -> set[int]:
    """The limb landmarks visible in both poses that moved faster than ``MAX_LIMB_SPEED`` in ``dt`` seconds and not
    the way they were going (:func:`formcheck.landmarks.too_fast`); ``velocity`` ((12, 2) pixels per second, a row per
    ``LIMB_LANDMARKS``) is their velocity over the step before (:func:`limb_velocity`)."""
    fast = too_fast(before.xy[LIMB_LANDMARKS], after.xy[LIMB_LANDMARKS], dt, before.body_size(), velocity)
    return {int(lm) for lm in LIMB_LANDMARKS[_limbs_seen(before, after, min_visibility) & fast]}


def limb_velocity(before: Pose, after: Pose, dt: float, jumped: set[int], min_visibility: float = 0.5) -> np.ndarray:
    """(12, 2) pixels per second: each of ``LIMB_LANDMARKS``' velocity from ``before`` to ``after``; NaN where it was
    not visible in both, or where it ``jumped``."""
    misread = ~_limbs_seen(before, after, min_visibility) | np.isin(LIMB_LANDMARKS, list(jumped))
    return step_velocity(before.xy[LIMB_LANDMARKS], after.xy[LIMB_LANDMARKS], dt, misread)


def _limbs_seen(before: Pose, after: Pose, min_visibility: float) -> np.ndarray:
    """(12,) bool: each of ``LIMB_LANDMARKS`` visible in both poses."""
    return (before.visibility[LIMB_LANDMARKS] >= min_visibility) & (after.visibility[LIMB_LANDMARKS] >= min_visibility)


def _pair_moves(before: Pose, after: Pose, min_visibility: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per limb pair of ``SWAP_GROUPS`` seen in both poses: how far each of its landmarks moved from ``before`` to
    ``after`` as labelled, and with ``before``'s left and right labels exchanged (pixels)."""
    out = {}
    for name, pairs in SWAP_GROUPS.items():
        left, right = [p[0] for p in pairs], [p[1] for p in pairs]
        both, other = left + right, right + left
        if min(before.visibility[both].min(), after.visibility[both].min()) < min_visibility:
            continue
        straight = np.linalg.norm(after.xy[both] - before.xy[both], axis=1)
        out[name] = straight, np.linalg.norm(after.xy[both] - before.xy[other], axis=1)
    return out


def sides_swapped(before: Pose, after: Pose, dt: float, min_visibility: float = 0.5) -> set[str]:
    """The limb pairs of ``SWAP_GROUPS`` whose left and right labels were exchanged between two frames ``dt`` seconds
    apart: under their labels a landmark of the pair moved faster than ``MAX_LIMB_SPEED``, while with left and right
    exchanged every one moved slower, and all of them together moved less than half as far."""
    size = before.body_size()
    if dt <= 0 or size <= 0:
        return set()
    limit = MAX_LIMB_SPEED * size * dt
    return {
        name
        for name, (straight, exchanged) in _pair_moves(before, after, min_visibility).items()
        if straight.max() > limit >= exchanged.max() and exchanged.sum() < EXCHANGE_SHARE * straight.sum()
    }


def labels_exchanged(before: Pose, after: Pose, min_visibility: float = 0.5) -> set[str]:
    """The limb pairs of ``SWAP_GROUPS`` seen in both poses that exchanging ``after``'s left and right labels brings
    less than half as far from ``before`` as they are (however many frames apart: the state a swap leaves)."""
    moves = _pair_moves(before, after, min_visibility)
    return {name for name, (straight, exchanged) in moves.items() if exchanged.sum() < EXCHANGE_SHARE * straight.sum()}


def back_from_jump(before: Pose, after: Pose, landmarks: set[int], min_visibility: float = 0.5) -> set[int]:
    """Those of ``landmarks`` that ``after`` has within ``MIN_JUMP`` body diagonals of where ``before`` has them."""
    size = before.body_size()
    if size <= 0:
        return set()
    out = set()
    for lm in landmarks:
        seen = min(before.visibility[lm], after.visibility[lm]) >= min_visibility
        if seen and np.linalg.norm(after.xy[lm] - before.xy[lm]) / size <= MIN_JUMP:
            out.add(lm)
    return out


def misshapen(before: Pose, after: Pose, min_visibility: float = 0.5) -> bool:
    """True when a trunk, thigh or shin visible in both poses changed its length by more than ``MAX_SEGMENT_CHANGE``
    (a share) since ``before``: bones do not stretch; a model that briefly loses the body folds its skeleton up (seen
    on the lite model at a bridge's top). Seen from the side (``before``'s body yaw at least the side view's
    ``SIDE_VIEW_MIN_YAW``), the body moves in the picture's plane, so the picture's lengths must hold. Seen from the
    front or at an angle, a segment can turn towards the camera: a knee lifted straight at it (high knees filmed from
    the front) shortens the thigh in the picture to nothing within a tenth of a second. There the lengths are taken in
    3-D (the picture's points lifted with the model's depth, :func:`formcheck.pose.angles.lifted_points`), where the
    lifted thigh keeps its length. Not in side views: the model's depth keeps its bones' lengths even when its
    picture folds (a fade to white on the mirrored bridge demo: its 3-D lengths held while the picture folded)."""
    a, b = LIMB_STARTS, LIMB_ENDS
    seen = np.minimum(np.minimum(before.visibility[a], before.visibility[b]), after.visibility[a])
    seen = np.minimum(seen, after.visibility[b]) >= min_visibility
    was_points, now_points = before.xy, after.xy
    if not body_yaw(before) >= SIDE_VIEW_MIN_YAW:  # front, oblique (or no world landmarks: NaN, then none lifted)
        was_3d, now_3d = lifted_points(before), lifted_points(after)
        if was_3d is not None and now_3d is not None:
            was_points, now_points = was_3d, now_3d
    was = np.linalg.norm(was_points[a] - was_points[b], axis=1)
    now = np.linalg.norm(now_points[a] - now_points[b], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = now / was
    kept = (ratio >= 1 - MAX_SEGMENT_CHANGE) & (ratio <= 1 / (1 - MAX_SEGMENT_CHANGE))  # False for a NaN ratio
    return bool(np.any(seen & (was > 0) & ~kept))


class ContinuityWatch:
    """``update(pose, t, detection)`` for each judged frame: ``"ok"``, ``"glitch"`` (skip this frame),
    ``"relabelled"`` (left and right exchanged for good: judge it, but measure no speed across it) or ``"break"``.
    ``pose`` is the judged (smoothed) pose; ``detection`` the model's unsmoothed reading of the same frame, if any."""

    def __init__(self) -> None:
        self._ref: Pose | None = None  # the last pose that continued the stream
        self._ref_t = 0.0
        self._jump_since: float | None = None
        self._shape_since: float | None = None  # the skeleton has been folded up since
        self._last: tuple[Pose, float] | None = None  # the last pose seen (judged or not) and its time
        self._away: dict[int, float] = {}  # limb landmarks that jumped away from the last good pose, since when
        self._swapped: dict[str, float] = {}  # limb pairs whose labels are exchanged against it, since when
        self._velocity: np.ndarray | None = None  # (12, 2) the limb landmarks' velocity over the last step
        self._detected: tuple[Pose, np.ndarray | None] | None = None  # the last detection seen, and its velocity
        self.jumped: set[int] = set()  # the limb landmarks that jumped in the last update

    def update(self, pose: Pose, t: float, detection: Pose | None = None) -> Continuity:
        ref = self._ref
        if pose.held and ref is not None:  # a copy of the last pose over a dropout is no new evidence: nothing
            self.jumped, self._velocity = set(), None  # (and no velocity is known across the dropout)
            self._detected = None
            away = self._shape_since is not None or self._jump_since is not None or self._away or self._swapped
            return "glitch" if away else "ok"  # settles on it
        self._jumps(pose, t, detection)
        if self._swapped and ref is not None and t - self._ref_t <= MAX_GAP_S:
            if t - min(self._swapped.values()) < SETTLE_S:
                return "glitch"
            if labels_exchanged(ref, pose) & self._swapped.keys():
                self._accept(pose, t)
                return "relabelled"
            self._swapped.clear()  # back, or never exchanged: judged below as any frame
        if ref is None or t - self._ref_t > MAX_GAP_S:
            self._accept(pose, t)
            return "ok" if ref is None else "break"
        size = ref.body_size()
        jump = float(np.median(np.linalg.norm(pose.xy - ref.xy, axis=1))) / size if size > 0 else 0.0
        if jump <= max(MIN_JUMP, MAX_BODY_SPEED * (t - self._ref_t)):
            self._jump_since = None  # the body is back: a jump of one limb or a folded skeleton may still be skipped
            if misshapen(ref, pose):
                self._shape_since = t if self._shape_since is None else self._shape_since
                if t - self._shape_since < SHAPE_SETTLE_S:
                    return "glitch"
            if self._away and t - min(self._away.values()) < SETTLE_S:  # a limb jumped and has not jumped back
                return "glitch"
            self._accept(pose, t)
            return "ok"
        if self._jump_since is None:
            self._jump_since = t
        if t - self._jump_since >= SETTLE_S:
            self._accept(pose, t)
            return "break"
        return "glitch"

    def _jumps(self, pose: Pose, t: float, detection: Pose | None) -> None:
        """Since the last pose seen: each limb landmark that jumped, and each limb pair whose labels exchanged,
        goes away from the last good pose, or comes back to it; a limb landmark back where the last good pose has it
        has come back too (its way back may have taken two frames)."""
        last, self._last = self._last, (pose, t)
        was_detected, self._detected = self._detected, (detection, None) if detection is not None else None
        self.jumped = set()
        if last is None or not 0 < t - last[1] <= MAX_GAP_S:
            self._away.clear()
            self._swapped.clear()
            self._velocity = None
            return
        dt = t - last[1]
        self.jumped = jumped_limbs(last[0], pose, dt, velocity=self._velocity)
        if detection is not None and was_detected is not None:  # the model's own reading moved that fast too
            misread = jumped_limbs(was_detected[0], detection, dt, velocity=was_detected[1])
            self.jumped &= misread
            self._detected = (detection, limb_velocity(was_detected[0], detection, dt, misread))
        self._velocity = limb_velocity(last[0], pose, dt, self.jumped)
        for lm in self.jumped:
            _toggle(self._away, lm, t)
        for name in sides_swapped(last[0], pose, dt):
            _toggle(self._swapped, name, t)
        if self._ref is not None:
            for lm in back_from_jump(self._ref, pose, set(self._away)):
                self._away.pop(lm)

    def _accept(self, pose: Pose, t: float) -> None:
        self._ref, self._ref_t, self._jump_since, self._shape_since = pose, t, None, None
        self._away.clear()
        self._swapped.clear()


def _toggle(since: dict[Any, float], key: object, t: float) -> None:
    """Start timing ``key`` from ``t``, or stop it if it was timed (it came back)."""
    if since.pop(key, None) is None:
        since[key] = t
