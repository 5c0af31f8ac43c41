"""Semi-synthetic faults: a real, correctly done recording's landmark trace with one fault put into it.

For every criterion of an exercise (and its safety rules) a fault is built where the criterion applies, at times taken
from the hand-marked ground truth (a rep's top or working phase, the start position before the first rep, the middle
of a hold): the criterion's angle is driven past its bound by ``MARGIN_DEG`` (staying inside the exercise's
position rules, so the person is still "in position"), ramped in and out over ``RAMP_S`` as a person would move, by
rotating the body part beyond the angle's joint (the lower leg about the knee for a knee angle, the leg about the hip
for a hip angle, the upper body about the hips for the trunk). Bouncing is a swing of the key angle in a hold, a jerk
a fast swing during a rep. The checker then runs on the altered trace (no model): a fault is found when it reports
that criterion overlapping the altered window. This is how ``formcheck evaluate --synthetic-faults`` measures recall
for criteria that real footage does not show failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from formcheck.app.recording import apply_session
from formcheck.checking.safety import BOUNCE, SPEED
from formcheck.exercises import get
from formcheck.exercises.base import Criterion, Exercise, resolve_angle
from formcheck.landmarks import Landmark as L
from formcheck.landmarks import Pose
from formcheck.pose.angles import compute_angles
from formcheck.pose.measure import frame_result
from formcheck.pose.widths import WIDTH_NAMES, compute_widths
from formcheck.values import FrameResult

MARGIN_DEG = 15.0  # a fault is put this far past the criterion's bound (3x the landmark noise after smoothing)
MARGIN_WIDTH = 0.4  # a width fault is put this far past its bound (hip widths: 3x the spread on clean clips)
RAMP_S = 0.25  # the fault comes in and goes out over this long
MIN_WINDOW_S = 0.8  # a window shorter than this cannot hold a fault that must last the rule's min_fail_s
BOUNCE_HZ = 1.5
JERK = 1.3  # a jerk moves the key angle this many times faster than the exercise allows (a flail moves faster,
# but then the whole body jumps and reads as a landmark glitch: see checking.continuity)
UPPER_BODY = tuple(range(0, 23))  # face, shoulders, arms, hands
LEG = ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
HAND = ("WRIST", "PINKY", "INDEX", "THUMB")


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float
    side: str  # the working side the fault is put on


@dataclass(frozen=True)
class Truth:
    """What the ground truth says about a correctly done clip: its reps (side, start, top, top_end, end) and holds."""

    reps: tuple[tuple[str, float, float, float, float], ...] = ()
    hold_windows: tuple[tuple[str, float, float], ...] = ()  # (side, start, end)


@dataclass(frozen=True)
class Trial:
    criterion: str
    window: Window
    found: bool


# ---- which landmarks move for an angle -----------------------------------------------------------------------------
def _chain(angle: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(pivot landmarks, landmarks that move) to change ``angle`` (a resolved name); None if unknown."""
    if angle.startswith("trunk"):
        return (L.LEFT_HIP, L.RIGHT_HIP), UPPER_BODY
    side, _, part = angle.partition("_")
    if side not in ("left", "right"):
        return None
    s = side.upper()
    lm = lambda names: tuple(L[f"{s}_{n}"] for n in names)  # noqa: E731
    table = {
        "knee": (lm(["KNEE"]), lm(LEG[1:])),
        "shin_vs_vertical": (lm(["KNEE"]), lm(LEG[1:])),
        "shin_forward": (lm(["ANKLE"]), lm(["KNEE"])),
        "ankle": (lm(["ANKLE"]), lm(["FOOT_INDEX"])),
        "shoulder": (lm(["SHOULDER"]), lm(["ELBOW", *HAND])),
        "elbow": (lm(["ELBOW"]), lm(HAND)),
    }
    for hip_part in (
        "hip",
        "hip_flexion",
        "hip_sag",
        "thigh_vs_vertical",
        "thigh_back",
        "thigh_elevation",
        "leg_elevation",
    ):
        table[hip_part] = (lm(["HIP"]), lm(LEG))
    return table.get(part)


def rotate(pose: Pose, pivot: tuple[int, ...], moved: tuple[int, ...], degrees: float) -> Pose:
    """``pose`` with the ``moved`` landmarks turned by ``degrees`` about the mean of ``pivot`` (image plane; world
    landmarks about the camera axis alike)."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    idx = np.asarray(moved)
    xy = pose.xy.astype(float).copy()
    centre = xy[list(pivot)].mean(axis=0)
    xy[idx] = (xy[idx] - centre) @ rot.T + centre
    if pose.world is None:
        return replace(pose, xy=xy)
    world = pose.world.astype(float).copy()
    if np.all(np.isfinite(world[list(pivot)])):
        wc = world[list(pivot), :2].mean(axis=0)
        world[idx, :2] = (world[idx, :2] - wc) @ rot.T + wc
    return replace(pose, xy=xy, world=world)


def widen(pose: Pose, width: str, goal: float) -> Pose:
    """``pose`` with the two sides' parts of ``width`` (the feet, the knees) moved apart or together about their
    midpoint in the world landmarks until the width reads ``goal`` (the picture is left as it is: widths are 3-D)."""
    part = width.removesuffix("_width").rstrip("s").upper()
    parts = {"FEET": ("ANKLE", "HEEL", "FOOT_INDEX"), "FEE": ("ANKLE", "HEEL", "FOOT_INDEX"), "KNEE": ("KNEE",)}[part]
    left = [L[f"LEFT_{p}"] for p in parts]
    right = [L[f"RIGHT_{p}"] for p in parts]
    if pose.world is None:
        return pose
    world = pose.world.astype(float).copy()
    now = compute_widths(pose).get(width, math.nan)
    if not math.isfinite(now) or now <= 0:
        return pose
    mid = (world[left] + world[right]) / 2
    half = (world[left] - world[right]) / 2 * (goal / now)
    world[left], world[right] = mid + half, mid - half
    return replace(pose, world=world)


def move_hips(pose: Pose, angle: str, goal: float) -> Pose:
    """``pose`` with both hips moved across the working side's shoulder -> knee line until its line angle ``angle``
    (``{side}_hip_sag``) reads ``goal``: a bridge's hips rising or sinking with the shoulders, knees and feet where
    they were, as a real bridge moves (turning the leg about the hip instead would move the hip's angle with the hips
    on the mat, which a bridge rep must not do: formcheck.checking.lift). The picture only: line angles are 2-D."""
    side = angle.split("_", maxsplit=1)[0].upper()
    shoulder, knee = pose.xy[L[f"{side}_SHOULDER"]], pose.xy[L[f"{side}_KNEE"]]
    line = knee - shoulder
    length = float(np.hypot(*line))
    now = compute_angles(pose).get(angle, math.nan)
    if not math.isfinite(length) or length < 1.0 or not math.isfinite(now) or abs(now - goal) < 0.5:
        return pose
    normal = np.array([line[1], -line[0]]) / length
    hips = [L.LEFT_HIP, L.RIGHT_HIP]

    def moved(d: float) -> Pose:
        xy = pose.xy.astype(float).copy()
        xy[hips] += d * normal
        return replace(pose, xy=xy)

    def off(d: float) -> float:
        return compute_angles(moved(d)).get(angle, math.nan) - goal

    for far in (0.6 * length, -0.6 * length):  # whichever way across the line brings the angle past the goal
        if math.isfinite(off(far)) and off(far) * (now - goal) <= 0:
            lo, hi = 0.0, far
            for _ in range(30):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if off(mid) * (now - goal) > 0 else (lo, mid)
            return moved(hi)
    return pose


def set_angle(pose: Pose, angle: str, goal: float) -> Pose:
    """``pose`` moved as little as possible so that ``angle`` reads ``goal`` (or as close as a half turn allows)."""
    if angle in WIDTH_NAMES:
        return widen(pose, angle, goal)
    if angle.endswith("_hip_sag"):
        return move_hips(pose, angle, goal)
    chain = _chain(angle)
    now = compute_angles(pose).get(angle, math.nan)
    if chain is None or not math.isfinite(now) or abs(now - goal) < 0.5:
        return pose

    def read(deg: float) -> float:
        return compute_angles(rotate(pose, *chain, deg)).get(angle, math.nan)

    turns = []
    for step in (10.0, -10.0):
        lo = 0.0
        for k in range(1, 16):  # scan up to 150 deg each way for the first turn past the goal, then bisect
            value = read(k * step)
            if not math.isfinite(value):
                break
            if (value - goal) * (now - goal) <= 0:
                hi = k * step
                for _ in range(9):  # to 0.02 deg
                    mid = (lo + hi) / 2
                    lo, hi = (mid, hi) if (read(mid) - goal) * (now - goal) > 0 else (lo, mid)
                turns.append(hi)
                break
            lo = k * step
    return rotate(pose, *chain, min(turns, key=abs)) if turns else pose


# ---- where a fault can go ------------------------------------------------------------------------------------------
def windows_for(ex: Exercise, rule: str, truth: Truth, near: Callable[[float], str]) -> list[Window]:
    """Where the ground truth lets ``rule`` fail: each rep's top (for ``"top"``) or working phase, the rest before
    the first rep (``"start"``), or 3 s of the longest hold, 2 s after it began (once the person has settled)."""
    when = "working" if rule == SPEED else "hold" if rule == BOUNCE else _criterion(ex, rule).when
    side = lambda s, t: near(t) if s == "both" else s  # noqa: E731
    if truth.hold_windows and when in ("hold", "always"):
        s, a, b = max(truth.hold_windows, key=lambda h: h[2] - h[1])
        return [Window(a + 2.0, a + 5.0, side(s, a + 2.0))] if b - a >= 5.0 + MIN_WINDOW_S else []
    out = []
    mostly = rule not in (SPEED, BOUNCE) and _criterion(ex, rule).mostly
    for s, start, top, top_end, end in truth.reps:
        if when == "top" and mostly:  # a placement (the feet's width) is kept through the whole rep
            out.append(Window(start, end, side(s, top)))
        elif when == "top" and top_end - top >= MIN_WINDOW_S:
            out.append(Window(top, top_end, side(s, top)))
        elif when in ("working", "always"):
            a, b = start + 0.15 * (end - start), end - 0.15 * (end - start)
            out += [Window(a, b, side(s, a))] if b - a >= MIN_WINDOW_S else []
    if when == "start" and truth.reps:
        s, start, *_ = min(truth.reps, key=lambda r: r[1])
        a, b = max(0.0, start - 1.8), start - 0.3
        out += [Window(a, b, side(s, a))] if b - a >= MIN_WINDOW_S else []
    return out


def _criterion(ex: Exercise, name: str) -> Criterion:
    return next(c for c in ex.criteria if c.name == name)


# ---- putting a fault in --------------------------------------------------------------------------------------------
def _ramp(t: float, w: Window) -> float:
    """0 outside the window, rising to 1 over ``RAMP_S`` at its start and falling back at its end."""
    if t < w.start_s or t > w.end_s:
        return 0.0
    return min(1.0, (t - w.start_s) / RAMP_S, (w.end_s - t) / RAMP_S)


def _goal(ex: Exercise, c: Criterion, angle: str, value: float, reference: float) -> float | None:
    """The value ``angle`` is driven to: past the bound by ``MARGIN_DEG`` (a width by ``MARGIN_WIDTH``), but still
    inside the position rules."""
    margin = MARGIN_WIDTH if angle in WIDTH_NAMES else MARGIN_DEG
    if c.low is not None:
        goal = (reference if c.relative else 0.0) + c.low - margin
        for p in ex.position:
            if p.angle == c.angle and p.low is not None:
                goal = max(goal, p.low + 3.0)
    elif c.high is not None:
        goal = (reference if c.relative else 0.0) + c.high + margin
        for p in ex.position:
            if p.angle == c.angle and p.high is not None:
                goal = min(goal, p.high - 3.0)
    else:
        return None
    return goal


def inject(frames: Sequence[FrameResult], ex: Exercise, rule: str, w: Window) -> list[FrameResult] | None:
    """A copy of ``frames`` with ``rule`` failing over window ``w``; None when the fault cannot be put there (the
    angle is not measured there, or the joint's range does not reach it): then there is nothing to look for."""
    if rule in (SPEED, BOUNCE):
        return _swing(frames, ex, rule, w)
    c = _criterion(ex, rule)
    angle = resolve_angle(c.angle, w.side)
    if c.fallback is not None and not any(math.isfinite(f.angles.get(angle, math.nan)) for f in _within(frames, w)):
        angle = resolve_angle(c.fallback, w.side)  # the checker judges the mirroring angle when this one is hidden
    before = [f.angles.get(angle, math.nan) for f in frames if w.start_s - 1.0 <= f.timestamp_s < w.start_s]
    before = [v for v in before if math.isfinite(v)]
    reference = float(np.median(before)) if before else math.nan
    out, failing = [], 0
    for f in frames:
        r = _ramp(f.timestamp_s, w)
        value = f.angles.get(angle, math.nan)
        goal = _goal(ex, c, angle, value, reference) if r > 0 and f.pose is not None else None
        if goal is None or not math.isfinite(value) or not math.isfinite(goal) or _past(c, value, goal, reference):
            failing += goal is not None and math.isfinite(value) and r == 1.0
            out.append(f)
            continue
        moved = _remeasure(f, set_angle(f.pose, angle, value + r * (goal - value)))  # type: ignore[arg-type]
        failing += r == 1.0 and abs(moved.angles.get(angle, math.nan) - goal) <= 3.0
        out.append(moved)
    return out if failing >= 3 else None  # at least a few frames fail as meant


def _within(frames: Sequence[FrameResult], w: Window) -> list[FrameResult]:
    return [f for f in frames if w.start_s <= f.timestamp_s <= w.end_s]


def _past(c: Criterion, value: float, goal: float, reference: float) -> bool:
    """The frame already fails the rule by the margin: leave it as it is."""
    return value <= goal if c.low is not None else value >= goal


def _swing(frames: Sequence[FrameResult], ex: Exercise, rule: str, w: Window) -> list[FrameResult] | None:
    """Bouncing: the key angle swings by more than the exercise's bounce amplitude at ``BOUNCE_HZ``. A jerk: one
    swing there and back faster than the exercise's speed limit."""
    angle = resolve_angle(ex.key_angle, w.side)
    if rule == BOUNCE:
        amp, hz = ex.bounce_amplitude_deg + 4.0, BOUNCE_HZ
    else:
        amp, hz = JERK * ex.max_speed_deg_s * 0.25 / 2, 1.0 / 0.5  # up 2 amp in 0.25 s: JERK x the limit on average
    half = 1.0 if rule == BOUNCE else 0.25
    span = _steady_span(frames, angle, w, half)
    if span is None:
        return None
    direction = _room(frames, angle, span, amp)
    out, reached = [], 0.0
    for f in frames:
        t = f.timestamp_s
        value = f.angles.get(angle, math.nan)
        if f.pose is None or not span.start_s <= t <= span.end_s or not math.isfinite(value):
            out.append(f)
            continue
        phase = (t - span.start_s) * hz * 2 * math.pi
        offset = amp * math.sin(phase) if rule == BOUNCE else amp * (1 - math.cos(phase))
        moved = _remeasure(f, _reach(f.pose, angle, value, offset * direction))
        reached = max(reached, abs(moved.angles.get(angle, value) - value))
        out.append(moved)
    return out if reached >= 0.8 * (amp if rule == BOUNCE else 2 * amp) else None  # else the joint's range stops it


def _steady_span(frames: Sequence[FrameResult], angle: str, w: Window, half: float) -> Window | None:
    """A ``2 * half`` s stretch of ``w`` (nearest its middle) where the angle is measured on every frame and moves
    less than a body could between frames (no landmark glitch): a swing put there is the only thing that moves."""
    mid = (w.start_s + w.end_s) / 2
    starts = sorted((f.timestamp_s for f in _within(frames, w)), key=lambda t: abs(t + half - mid))
    for a in starts:
        span = Window(a, a + 2 * half, w.side)
        values = [f.angles.get(angle, math.nan) for f in _within(frames, span)]
        if span.end_s <= w.end_s and values and all(math.isfinite(v) for v in values):
            if all(abs(b - a_) < 20.0 for a_, b in zip(values, values[1:])):
                return span
    return None


def _room(frames: Sequence[FrameResult], angle: str, w: Window, amp: float) -> float:
    """+1 or -1: the way the swing can go without running into the angle's end (a joint opens to 180 at most, an
    elevation rises to 90), judged on the frames in ``w``."""
    values = [f.angles.get(angle, math.nan) for f in _within(frames, w)]
    values = [v for v in values if math.isfinite(v)]
    top = 90.0 if "elevation" in angle or "vs_vertical" in angle else 180.0
    return 1.0 if not values or max(values) + 2 * amp <= top else -1.0


def _reach(pose: Pose, angle: str, value: float, offset: float) -> Pose:
    return set_angle(pose, angle, value + offset)


def _remeasure(f: FrameResult, pose: Pose) -> FrameResult:
    """``f`` with its (smoothed) pose altered to ``pose`` and measured again; the model's detection is moved as the
    pose was, so the continuity watch sees the same person moving the altered way."""
    r = frame_result(pose, f.timestamp_s, f.index, roll_deg=f.roll_deg)
    return replace(
        r,
        detected=f.detected,
        n_people=f.n_people,
        problem=f.problem,
        gain=f.gain,
        detection=_moved_like(f.detection, f.pose, pose),
    )


def _moved_like(detection: Pose | None, before: Pose | None, after: Pose) -> Pose | None:
    """``detection`` moved by what turned ``before`` into ``after`` (picture and world points); None stays None."""
    if detection is None or before is None:
        return detection
    if detection is before:
        return after
    world = detection.world
    if world is not None and before.world is not None and after.world is not None:
        world = world + (after.world - before.world)
    return replace(detection, xy=detection.xy + (after.xy - before.xy), world=world)


def trials(frames: Sequence[FrameResult], exercise: str, truth: Truth) -> list[Trial]:
    """Every rule of ``exercise`` that the clip's truth has a place for, put in and looked for. The fault goes on the
    leg the checker sees working there: the truth's sides are the person's own, which the model may label the other
    way round (a person lying down, a mirrored video)."""
    ex = get(exercise)
    near = _near_side(frames)
    working = _working_side([replace(f) for f in frames], exercise)
    out = []
    for rule in [*(c.name for c in ex.criteria), SPEED, *([BOUNCE] if ex.prescription.hold_s and not ex.reps else [])]:
        for marked in windows_for(ex, rule, truth, near):
            w = replace(marked, side=working(marked) or marked.side)
            c = next((c for c in ex.criteria if c.name == rule), None)
            if c is not None and not c.applies_to(_prescribed_way(frames, ex, w)):
                continue  # the variant done here has no such rule (a lying march from flat has no table-top)
            altered = inject(frames, ex, rule, w)
            if altered is None:
                continue
            report = apply_session(altered, exercise).report()
            found = any(
                e.criterion == rule and e.start_s <= w.end_s + 0.5 and (e.end_s or e.start_s) >= w.start_s - 0.5
                for e in report.fault_events
            )
            out.append(Trial(rule, w, found))
    return out


def _prescribed_way(frames: Sequence[FrameResult], ex: Exercise, w: Window) -> bool:
    """The rep in ``w`` moves from the prescribed rest towards the target (judged on the frames' rep signal: where
    it is at the window's start against its extreme in the window)."""
    spec = ex.reps
    if spec is None:
        return True
    values = [f.angles.get(resolve_angle(spec.signal, w.side), math.nan) for f in _within(frames, w)]
    values = [v for v in values if math.isfinite(v)]
    if len(values) < 2:
        return True
    far = max(values, key=lambda v: abs(v - values[0]))
    return (far - values[0]) * (spec.target - spec.rest) > 0


def _working_side(frames: list[FrameResult], exercise: str) -> Callable[[Window], str | None]:
    """The working side the checker gives over a window (by majority), on an unaltered copy of the frames."""
    apply_session(frames, exercise)

    def side(w: Window) -> str | None:
        sides = [f.feedback.side for f in _within(frames, w) if f.feedback is not None and f.feedback.side]
        return max(set(sides), key=sides.count) if sides else None

    return side


def _near_side(frames: Sequence[FrameResult]) -> Callable[[float], str]:
    """The side nearer the camera around time t (by majority over a second), for exercises without sides."""

    def near(t: float) -> str:
        sides = [f.near_side for f in frames if abs(f.timestamp_s - t) <= 0.5 and f.near_side]
        return max(set(sides), key=sides.count) if sides else "left"

    return near
