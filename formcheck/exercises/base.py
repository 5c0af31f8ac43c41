"""How an exercise is declared: criteria (angle, acceptable range, messages, when they apply), reps, holds,
prescription.

Angle names are those of :mod:`formcheck.pose.angles` (degrees; joint angles 180 = straight; see its docstring). In a
criterion's ``angle`` the placeholder ``{work}`` is the working side ("left"/"right": the front leg, the raised leg,
the knee pulled in) and ``{other}`` the other side; for exercises without a working side ``{work}`` is the side
nearer the camera (the better-seen one).

**When a criterion applies** (``Criterion.when``, judged by :mod:`formcheck.checking.faults`):

- ``"hold"``: a hold exercise (kneeling stretch, warrior I ...) while the person is in position: the whole hold.
- ``"start"``: a rep exercise in the start position: in position and no rep under way.
- ``"working"``: a rep exercise while a rep is under way (from leaving the rest level to being back).
- ``"top"``: a rep exercise at the top of a rep, over its top / hold window: from the first to the last time the
  rep's signal was within the top band of its peak (a dip inside it that comes back up is a sag during the hold;
  the lowering after it is not the top). Judged when the rep ends; with ``full_reps_only`` only on full reps (a
  partial rep's verdict already says how far it got).
- ``"always"``: whenever the person is in position.

A criterion that fails for at least ``min_fail_s`` without a break (frames where it cannot be measured neither break
nor extend the run) *is a fault*: one fault event, from when it began failing to when it passed again or its phase
ended. Shorter failures are landmark jitter or a moment of transition, never reported. Whether a rep reached the
prescription's target is never a criterion: it is the rep's verdict (full or partial, :class:`RepSpec`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["hold", "start", "working", "top", "always"]
PHASES: tuple[str, ...] = ("hold", "start", "working", "top", "always")
MIN_FAIL_S = 0.3  # a criterion must fail this long without a break to be a fault (landmark jitter is shorter)
JITTER_DEG = 4.0  # landmark jitter is ~2-3 deg after smoothing: a smaller change of an angle is no movement


def resolve_angle(template: str, work: str) -> str:
    """An angle name with ``{work}`` / ``{other}`` filled in for working side ``work`` ("left" or "right")."""
    return template.format(work=work, other="right" if work == "left" else "left")


@dataclass(frozen=True)
class Criterion:
    """``low <= angle <= high`` must hold (either bound may be None) in phase ``when`` (see the module docstring);
    failing for ``min_fail_s`` is a fault. ``too_low`` / ``too_high`` say how to fix it (the cue); ``seen_low`` /
    ``seen_high`` say what happened, for a rep's verdict ("the raised knee bent"); default: the criterion's name.
    ``relative``: ``low`` / ``high`` bound the change from this person's own value at rest just before the rep
    (e.g. "the knees stay as they were": a roll-up done with bent knees is a variant, bending them to help is the
    fault). ``only_prescribed_start``: for a rep that may go either way (``RepSpec.either_direction``), judge this
    only when the rep starts from the prescribed start position (table-top rules never apply to the variant from
    flat); ``only_variant_start``: only when it starts from the other end (the variant's own rules)."""

    name: str
    angle: str
    low: float | None = None
    high: float | None = None
    too_low: str = ""
    too_high: str = ""
    fallback: str | None = None  # an angle that mirrors ``angle`` (e.g. the other arm), used when it is not seen
    when: Phase = "always"
    min_fail_s: float = MIN_FAIL_S
    seen_low: str = ""
    seen_high: str = ""
    only_prescribed_start: bool = False
    only_variant_start: bool = False
    full_reps_only: bool = False
    relative: bool = False  # low / high are changes from the person's own value at rest just before the rep
    mostly: bool = False  # "top" only: a fault when it fails on most of the top window's frames (a noisy measure)

    def __post_init__(self) -> None:
        if self.when not in PHASES:
            raise ValueError(f"when must be one of {PHASES}, got {self.when!r} (criterion {self.name!r})")
        if not self.min_fail_s >= 0:
            raise ValueError(f"min_fail_s must be >= 0 seconds, got {self.min_fail_s} (criterion {self.name!r})")
        if self.only_prescribed_start and self.only_variant_start:
            raise ValueError(f"only_prescribed_start and only_variant_start: at most one (criterion {self.name!r})")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low must be <= high, got {self.low} > {self.high} (criterion {self.name!r})")

    def resolve(self, work: str) -> str:
        return resolve_angle(self.angle, work)

    def seen(self, value: float) -> str:
        """What a failing ``value`` looks like, in words for a rep's verdict."""
        if self.low is not None and value < self.low:
            return self.seen_low or self.name
        return self.seen_high or self.name

    def check(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def applies_to(self, prescribed_way: bool) -> bool:
        """Whether this rule judges a rep that starts from the prescribed start (True) or the variant's (False)."""
        if prescribed_way:
            return not self.only_variant_start
        return not self.only_prescribed_start


@dataclass(frozen=True)
class SideRule:
    """The working side is the one whose ``angle`` (with ``{side}``) is larger (``pick='max'``), smaller
    (``'min'``), or further from where both sides rest together (``'moved'``: the leg that moves, whichever end a
    variant starts from; until both have been seen resting together, picked as ``first`` says). With
    ``excluded_above``, a side whose angle there is above the limit is never switched to."""

    angle: str
    pick: Literal["max", "min", "moved"] = "max"
    margin: float = 12.0  # degrees the other side must lead by before the working side switches
    first: Literal["max", "min"] = "min"  # ``'moved'`` only: the pick before both sides were seen at rest together
    # (angle with ``{side}``, degrees): a side whose angle is above this is never switched to (e.g. a leg whose shin
    # is not steep has no foot on the mat to hold a bridge up); None: every side can
    excluded_above: tuple[str, float] | None = None

    def __post_init__(self) -> None:
        if self.pick not in ("max", "min", "moved"):
            raise ValueError(f"pick must be 'max', 'min' or 'moved', got {self.pick!r}")
        if self.first not in ("max", "min"):
            raise ValueError(f"first must be 'max' or 'min', got {self.first!r}")
        if not self.margin >= 0:
            raise ValueError(f"margin must be >= 0 degrees, got {self.margin}")
        if self.excluded_above is not None and "{side}" not in self.excluded_above[0]:
            raise ValueError(f"excluded_above's angle must contain {{side}}, got {self.excluded_above[0]!r}")


@dataclass(frozen=True)
class RepSpec:
    """How a repetition shows in one angle, and what the prescription asks of it.

    A rep is *detected* as a movement cycle of ``signal`` away from this person's own rest level and back (see
    :class:`formcheck.checking.reps.RepDetector`): it must leave the rest level by at least ``min_amplitude_deg``.
    It is then *judged*: a **full** rep reaches ``target`` (degrees, the prescription's top position); anything less
    is a **partial** rep, reported with ``partial`` (placeholders ``{peak}``, ``{target}``, ``{range}`` and
    ``{target_range}``, degrees).

    ``rest`` is the prescribed start position's angle (what a typical person shows at rest); together with
    ``target`` it gives the direction of the movement and, unless ``min_amplitude_deg`` is set, the minimum
    amplitude: ``AMPLITUDE_SHARE`` of the prescribed range. ``direction="either"`` (a variant may start at either
    end, e.g. a lying march from flat or from table-top) judges a rep by its range instead: full when it moves at
    least ``abs(target - rest)`` degrees.
    """

    signal: str
    rest: float
    target: float
    per_side: bool = True  # one detector per side (alternating or one side at a time); False: one detector
    partial: str = "reached {peak:.0f} deg, aim for {target:.0f}"
    min_amplitude_deg: float | None = None
    either_direction: bool = False
    min_phase_s: float = 0.08  # a change must last this long (a landmark glitch does not)
    # (angle, degrees): a rep whose start was seen counts only if this second angle moved at least that far (signed)
    # from the rep's start to its extreme during the rep, e.g. a bridge's hips must rise (formcheck.checking.lift)
    lift: tuple[str, float] | None = None

    AMPLITUDE_SHARE = 0.4  # a movement of under 40 % of the prescribed range is not a rep attempt

    def __post_init__(self) -> None:
        if self.rest == self.target:
            raise ValueError(f"rest and target must differ, got {self.rest} for both")
        if self.min_amplitude_deg is not None and self.min_amplitude_deg <= 0:
            raise ValueError(f"min_amplitude_deg must be > 0 degrees, got {self.min_amplitude_deg}")
        if self.lift is not None and self.lift[1] == 0:
            raise ValueError(f"lift must move the angle by a non-zero number of degrees, got {self.lift}")

    @property
    def direction(self) -> Literal["up", "down"]:
        return "up" if self.target > self.rest else "down"

    @property
    def amplitude(self) -> float:
        """The smallest excursion from the rest level that counts as a rep (full or partial), degrees."""
        if self.min_amplitude_deg is not None:
            return self.min_amplitude_deg
        return self.AMPLITUDE_SHARE * abs(self.target - self.rest)


@dataclass(frozen=True)
class Prescription:
    """What the routine prescribes. ``hold_s``: seconds per hold (0 = none); ``sets``: holds per side (or in all
    when the exercise has no sides); ``reps``: reps per side (or in total when ``reps_total``)."""

    hold_s: float = 0.0
    sets: int = 1
    reps: int = 0
    reps_total: bool = False
    text: str = ""


@dataclass(frozen=True)
class Exercise:
    key: str
    name: str
    setup: str  # how to get into position, shown while not in position
    view: Literal["side", "any"]
    prescription: Prescription
    position: tuple[Criterion, ...]  # all must hold before anything is judged (e.g. lying down)
    criteria: tuple[Criterion, ...]  # form rules judged while in position
    key_angle: str  # the angle watched for bouncing and jerky movement
    side_rule: SideRule | None = None
    reps: RepSpec | None = None
    circles: bool = False  # count circles of the working leg's ankle (leg circles) instead of reps
    in_place: bool = False  # done on the spot: while the person walks (formcheck.checking.travel) it is not in position
    max_speed_deg_s: float = 240.0  # faster than this on key_angle = jerky / momentum
    bounce_amplitude_deg: float = 6.0  # reversals larger than this...
    bounce_reversals: int = 3  # ...this many times within bounce_window_s = bouncing
    bounce_window_s: float = 2.0
    notes: str = ""
    required: tuple[str, ...] = field(default=("shoulder", "hip", "knee", "ankle"))
