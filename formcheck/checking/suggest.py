"""Which exercise a recording shows, from its analysed frames (no extra model): every exercise's checker is run over
the frames, and the one that finds the most of its own work, done with the best form, wins.

Score per exercise, in [0, 1]: ``activity * sqrt(quality)`` where

- ``activity``: the share of the time somebody is in view spent doing the exercise: in full reps (each for at most
  its prescribed hold + ``REP_MOVE_S``, since a "rep" that lasts the whole recording is not one, and in proportion to
  how much of the prescribed range it moved, so another exercise's movement that crosses the target weighs less),
  circles (``REP_PERIOD_S`` each), or holds with good form of at least ``MIN_HOLD_S``;
- ``quality``: the share of in-position frames where no form rule fails (each judged on the frame, whatever its
  phase: a match of the pose, not a fault; a variant's rules for its reps, e.g. a lying march from flat has no
  table-top to keep but a knee bent to it; a rule that cannot be measured on the frame, such as a far hip the model
  lost, is not a failure); for rep exercises only the frames at the top of a rep count.

The square root keeps a real exercise done with poor form recognised (the bridge demo's deliberately wrong rep, a leg
raise whose knee bends: quality 0.31-0.37 costs 39-44 %) while a checker whose own rules fail at almost every top of
its "reps" is not the exercise: the knee-to-chest checker reads a lying march from flat as legs held long (activity
1.0, quality 0.12), and the old half credit for any form (``0.5 + 0.5 * quality``) let it win 0.56 to the march's
0.46. And a rep of an exercise done with the hips on the mat, during which the hips lifted as a bridge's do, is
not its own work: the raised leg of a single-leg bridge is a straight leg raised and held, and the leg-raise
checker won those 0.96 to the bridge's 0.45. ``bench/suggest_variants.py`` (synthetic variants x cameras): 61 of
87 right before 2026-12-07, 75 with this score, unmeasurable rules not failing and the knee hug's ``thigh to
chest`` rule, 85 with the bridge's lift; the two misses are variants judged partial at one oblique camera (no full
rep, nothing suggested).

A best score under ``MIN_CONFIDENT`` means formcheck cannot tell: the app then asks the person to pick.
Measured on the real clips (tests/test_real_clips.py): the bridge, knee-to-chest, straight-leg raise, standing
march and kneeling stretch clips are each recognised as their own exercise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from formcheck.checking.reps import Rep
from formcheck.checking.session import ExerciseSession, applicable
from formcheck.exercises import REGISTRY
from formcheck.values import FrameResult

REP_PERIOD_S = 4.0  # one circle counts as this long
MIN_HOLD_S = 5.0  # a pose kept less than this is passing through, not a hold (the routine's shortest hold is 5 s)
REP_MOVE_S = 6.0  # one rep counts for at most its prescribed hold plus this long (up and down, even a slow roll-up)
MIN_CONFIDENT = 0.3
# A rep of an exercise done with the hips on the mat during which they were lifted this far (the trunk's elevation
# below its median while the person lies in position, degrees) is a bridge's work: twice the bridge's own least lift
# (RepSpec.lift, 5 deg), half the real bridges' 20-29; the real leg-raise and knee-hug clips dip at most 7.7 deg
# below their median
BRIDGED_DEG = 10.0


MSG_NOT_RECOGNISED = (
    "This does not look like one of the exercises formcheck checks (closest: {closest}). If it is one, pick it "
    "to get reps, holds and form checks."
)


def not_recognised(ranked: Sequence[Suggestion], name: Callable[[str], str] = str) -> str:
    """The message for a recording no exercise is confidently recognised in, naming the closest ones."""
    closest = ", ".join(name(s.exercise) for s in ranked[:3] if s.score > 0) or "none"
    return MSG_NOT_RECOGNISED.format(closest=closest)


@dataclass(frozen=True)
class Suggestion:
    exercise: str
    score: float
    activity: float
    quality: float

    @property
    def confident(self) -> bool:
        return self.score >= MIN_CONFIDENT


def _coverage(rom: float, prescribed: float) -> float:
    """How much of the prescribed movement a rep covered (a rep of another exercise moves the angle less)."""
    return 1.0 if not math.isfinite(rom) or prescribed <= 0 else min(1.0, rom / prescribed)


def _on_the_mat(key: str) -> bool:
    """An exercise done lying with the hips on the mat (its set-up position is "lying down"), other than the bridge."""
    lying = any(c.angle == "trunk_vs_vertical" and c.low is not None for c in REGISTRY[key].position)
    return lying and key != "bridge"


def _trunk_elevations(frames: Sequence[FrameResult]) -> list[tuple[float, float]]:
    """(time, trunk elevation in degrees) of every frame with a person where it is measurable."""
    pairs = [(r.timestamp_s, r.angles.get("trunk_elevation", math.nan)) for r in frames if r.pose is not None]
    return [(t, v) for t, v in pairs if math.isfinite(v)]


def _hips_up(seen: list[tuple[float, float]], lying: Sequence[FrameResult]) -> Callable[[Rep], bool]:
    """Whether the hips were lifted off the mat during a rep: the trunk's elevation (``seen``: every frame's, from
    ``_trunk_elevations``) fell ``BRIDGED_DEG`` below its median over ``lying``, the frames in which the person lies in
    position (standing up before lying down does not move it). A crunch raises the elevation instead; a camera that
    reads the mat as tilted moves the median with it."""
    rest = [v for _, v in _trunk_elevations(lying)]
    level = statistics.median(rest) if rest else math.nan

    def lifted(rep: Rep) -> bool:
        during = [v for t, v in seen if rep.start_s <= t <= rep.end_s]
        return bool(during) and min(during) <= level - BRIDGED_DEG

    return lifted


def suggest_exercise(results: Sequence[FrameResult], keys: Sequence[str] | None = None) -> list[Suggestion]:
    """Every exercise (or those in ``keys``) scored on ``results``, best first. Empty results score 0."""
    present = [r.timestamp_s for r in results if r.pose is not None]
    duration = present[-1] - present[0] if len(present) > 1 else 0.0
    trunk = _trunk_elevations(results)
    out = []
    for key in keys or REGISTRY:
        session = ExerciseSession(REGISTRY[key])
        good: list[tuple[float, bool]] = []
        placed: list[FrameResult] = []
        for r in results:
            fb = session.step(r)
            if fb.in_position:
                good.append((fb.t, not any(c.passed is False for c in applicable(session, fb))))
                placed.append(r)
        report = session.report()
        if duration <= 0:
            activity = 0.0
        elif REGISTRY[key].circles:
            activity = min(1.0, sum(report.reps.values()) * REP_PERIOD_S / duration)
        elif report.reps:
            spec = REGISTRY[key].reps
            prescribed = abs(spec.target - spec.rest) if spec is not None else 1.0
            longest = REGISTRY[key].prescription.hold_s + REP_MOVE_S
            bridged = _hips_up(trunk, placed) if _on_the_mat(key) else (lambda _: False)
            own = [r for r in report.rep_details if r.full and not bridged(r)]
            busy = sum(min(r.end_s - r.start_s, longest) * _coverage(r.rom, prescribed) for r in own)
            activity = min(1.0, busy / duration)
        else:
            activity = min(1.0, sum(h.duration_s for h in report.holds if h.duration_s >= MIN_HOLD_S) / duration)
        if report.rep_details:  # form is judged where it matters: at the top of each rep
            tops = [(r.top_start_s, r.top_end_s) for r in report.rep_details]
            good = [(t, ok) for t, ok in good if any(a <= t <= b for a, b in tops)]
        quality = sum(ok for _, ok in good) / len(good) if good else 0.0
        out.append(Suggestion(key, round(activity * math.sqrt(quality), 3), round(activity, 3), round(quality, 3)))
    return sorted(out, key=lambda s: -s.score)
