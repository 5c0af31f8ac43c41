"""Detecting repetitions as movement cycles of one angle, then judging each against the prescription.

Detection is relative to this person: the rest level is the signal's own extreme over the last ``REST_WINDOW_S`` at
rest (its 10th percentile on the rest side, so one landmark glitch cannot set it). A rep starts when the signal leaves
that level by at least the exercise's minimum amplitude for ``min_phase_s``, and ends when it has come back by at
least that amplitude and at least half of the way (so a person whose rest level drifts is still followed). Then the
rep is judged: **full** when its peak reached the prescription's target, **partial** otherwise.

Recording edges (the rule, tested frame by frame in ``tests/test_reps.py``):

- A recording that starts *at or beyond the target* (within ``EDGE_S`` of its first frame, already in position)
  starts inside a rep: that rep counts when its return is seen (back by the minimum amplitude and out of the top
  zone, half an amplitude short of the target, or back by the whole prescribed range: a camera placed high can
  read this person's rest inside the top zone). One that starts part-way up does not (it cannot be told from
  getting into position). A camera cut or a gap (:mod:`formcheck.checking.continuity`) starts the stream afresh
  in the same way: the rep under way across it is dropped, unless it was at its top just before the break and is
  still there on the first frame after it, no more than a third of the prescribed hold later (at least
  ``CUT_SEEN_S``): a person who held the top through a short dropout or a cut held it, as a hold survives the same
  stretch out of view, and that rep goes on (its top time counting the unseen stretch).
- A movement that may go either way (``either_direction``: the lying march) has no target to tell a top from a
  rest at the start. A level it leaves and never comes back to (still for ``SETTLED_S`` past any hold at the new
  level) was not its rest: the movement is no rep, and the new level is the rest. If the level it left had been
  held since the recording began and the other leg made no movement meanwhile (:func:`still_during`), it was the
  top of a rep under way at the start whose return was seen: it counts (late, once the leg has rested). Both legs
  moving together is getting into position. A recording that ends before the new level has settled counts nothing
  for that movement: a leg lowered from table-top and not yet seen to stay down may be the first half of a march
  whose rest is table-top.
- A return that begins in the last frames counts even if the recording ends before it has lasted ``min_phase_s``
  (:meth:`RepDetector.all_reps`): its top and its return were seen. One after which the person is lost for more than
  ``MAX_GAP_S`` until the end (a fade to a title card) does not, as across a gap; nor do the smoother's held copies
  of the last pose over a dropout ever confirm a return (the session feeds only detected poses).
- Getting into position is never counted: the session feeds a detector only while the person is in position.

The time at the top is the stretch around the peak where the signal stays within ``TOP_BAND_SHARE`` of the rep's
range (at least ``TOP_BAND_MIN_DEG``) of the peak; for exercises with a prescribed hold it is the rep's hold.
NaN (not measurable) leaves the state as it is, so dropped frames never break a rep. Time comes from timestamps.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from formcheck.checking.continuity import MAX_GAP_S
from formcheck.checking.counters import UNSEEN_SHARE
from formcheck.checking.faults import FaultEvent
from formcheck.exercises.base import JITTER_DEG, RepSpec
from formcheck.landmarks import ranked_quantile

REST_WINDOW_S = 3.0  # the rest level is measured over this long
EDGE_S = 1.0  # a recording's first judged frame within this of its start may be inside a rep
TOP_BAND_SHARE = 0.2
TOP_BAND_MIN_DEG = JITTER_DEG  # the top band is never narrower than landmark jitter
HOLD_TOLERANCE_S = 0.05  # a hold of 4.96 s at 30 fps is the prescribed 5 s
CUT_SEEN_S = 1.0  # a rep that is down again this soon after a camera cut came down at the cut
SUSTAIN_S = 0.1  # a rep's peak is the extreme the signal held this long (a tenth of a 1-s knee lift) ...
SUSTAIN_SHARE = 0.1  # ... or this share of a faster rep's time (a 0.27-s high knee: 27 ms), over two frames at least
TOP_GRACE_S = 0.25  # a dip out of the top band shorter than this is jitter, not leaving the top
PLATEAU_S = 0.3  # at the top = within the top band of the peak, and the peak grew less than the band in this long
SETTLED_S = REST_WINDOW_S  # a movement that may go either way, still this long past any prescribed hold, rests
RepPhase = Literal["rest", "working", "top"]


@dataclass
class Rep:
    """One detected repetition. Angles in degrees, times in seconds of the recording."""

    side: str | None
    start_s: float  # left the rest level (the recording's start for a rep under way)
    top_start_s: float  # reached the top
    top_end_s: float  # left the top
    end_s: float  # back at rest
    peak: float  # the most extreme angle reached
    start_value: float  # the rest level before the rep (NaN for a rep under way when the recording began)
    full: bool  # the peak reached the prescription's target
    held: bool  # the time at the top reached the prescribed hold (False when none is prescribed)
    under_way_at_start: bool = False
    angle: str = ""  # the angle it was measured on, e.g. "right_hip"
    window_start_s: float = math.nan  # the top / hold window: first and last time within the top band of the peak
    window_end_s: float = math.nan  # (a dip inside it and back up is a sag during the hold, not a new rep)

    @property
    def top_s(self) -> float:
        """Time at the top: the rep's hold."""
        return self.top_end_s - self.top_start_s

    @property
    def rom(self) -> float:
        """Range of motion from the rest level to the peak (NaN if the rest was not seen)."""
        return abs(self.peak - self.start_value)


class RestLevel:
    """Where a signal sits at rest: its extreme on the rest side (10th percentile) over the last ``REST_WINDOW_S``,
    or its median when a movement may go either way."""

    def __init__(self) -> None:
        self.samples: deque[tuple[float, float]] = deque()  # (t, value) at rest

    def add(self, t: float, value: float) -> None:
        self.samples.append((t, value))
        while self.samples and t - self.samples[0][0] > REST_WINDOW_S:
            self.samples.popleft()

    def level(self, sign: float, either: bool) -> float:
        if either:
            return statistics.median(v for _, v in self.samples)
        return float(ranked_quantile(sorted(sign * v for _, v in self.samples), 0.10)) * sign

    def left_at(self, base: float, sign: float, tolerance: float) -> float:
        """When the movement left the rest level: the last sample within ``tolerance`` degrees of it."""
        near = [t for t, v in self.samples if sign * (v - base) <= tolerance]
        return near[-1] if near else self.samples[-1][0]


@dataclass(frozen=True)
class UnderWay:
    """The rep in progress: when it began, how far it has moved from rest so far, whether it is still up, and how
    much its signal moved (highest - lowest) since the time asked about."""

    start_s: float
    range_deg: float
    still_up: bool
    moved_deg: float = math.nan


class RepDetector:
    """Detects reps of one signal frame by frame: ``update(value, t)`` returns each rep as it completes."""

    def __init__(self, spec: RepSpec, hold_s: float = 0.0, side: str | None = None) -> None:
        if hold_s < 0:
            raise ValueError(f"hold_s must be >= 0 seconds, got {hold_s}")
        self.spec, self.hold_s, self.side = spec, hold_s, side
        self.reps: list[Rep] = []
        self.angle = ""  # the resolved angle name being fed (set by the session), recorded with each rep
        self._sign = 1.0 if spec.direction == "up" else -1.0
        self.prescribed_way = True  # the rep under way (or the last) goes from the prescribed rest to the target
        self.rep_start_s = math.nan  # when the rep under way (or the last) left its rest level
        self._rest = RestLevel()
        self._settle_until = -math.inf  # until then the signal is still coming back from the last rep
        self._samples: list[tuple[float, float]] = []  # (t, value) of the rep under way
        self._active = False
        self.started = False  # it has been given a measurable value (since it was made or reset)
        self._base = math.nan  # rest level of the rep under way
        self._start_s = 0.0
        self._under_way = False
        self._candidate: float | None = None  # when the pending change (leave / return) began
        self._peak_value = math.nan
        self._peak_times: list[float] = []  # (time, running peak) of the rep under way, for the top phase
        self._peak_values: list[float] = []
        self._rep_angle = ""
        self._edge_rest = False  # the level it rests at has been held since the recording (or a cut) began
        self.dropped: list[tuple[float, float]] = []  # movements that were no rep (a change of rest): (start, end)
        self.edge_candidate: Rep | None = None  # set when such a movement may have been a rep under way at the start

    # ---- per frame -------------------------------------------------------------------------------------------
    def update(self, value: float, t: float, at_recording_start: bool = False) -> Rep | None:
        """Advance with the signal (degrees) at time ``t``; ``at_recording_start``: the recording began less than
        ``EDGE_S`` ago. Returns the rep that has just completed, if any."""
        if not math.isfinite(value):
            return None
        if not self.started:
            self.started, self._edge_rest = True, at_recording_start
            if at_recording_start and not self.spec.either_direction and self._sign * (value - self.spec.target) >= 0:
                self._begin(t, value, math.nan, under_way=True)
                return None
        if self._active:
            return self._update_active(value, t)
        self._update_rest(value, t)
        return None

    def _update_rest(self, value: float, t: float) -> None:
        self._rest.add(t, value)
        # a movement that may go either way: its direction is read from where the signal sits against its median
        # at rest, except while it is still coming back from the last rep (counted half-way back): then it keeps
        # that rep's direction, and rest is the extreme on its rest side (a pause on the way back is no new rest)
        settling = t < self._settle_until
        either = self.spec.either_direction and not settling
        base = self._rest.level(self._sign, either)
        excursion = value - base
        if either:
            self._sign = 1.0 if excursion >= 0 else -1.0
            self.prescribed_way = self._sign == (1.0 if self.spec.direction == "up" else -1.0)
        if self._sign * excursion < self.spec.amplitude:
            self._candidate = None
            return
        if self._candidate is None:
            self._candidate = t
        if t - self._candidate >= self.spec.min_phase_s:
            self._begin(self._rest.left_at(base, self._sign, self.spec.amplitude / 4), value, base)

    def _update_active(self, value: float, t: float) -> Rep | None:
        self._samples.append((t, value))
        band = max(TOP_BAND_MIN_DEG, TOP_BAND_SHARE * abs(value - self._base)) if math.isfinite(self._base) else 0.0
        if self.spec.either_direction and t - still_since(self._samples, band) > self.hold_s + SETTLED_S:
            # still far from where it started for longer than any rep lasts at its end: where it started was not
            # its rest (a recording that starts with one leg up, then lowered for good); this is, and the movement
            # was no rep. If the level it left had been held since the recording began, that level may have been
            # the top of a rep under way at the start: offered as ``edge_candidate`` (the session asks the other
            # leg, :func:`still_during`).
            arrived = still_since(self._samples, band)
            self.dropped.append((self._start_s, arrived))
            before = [(ts, v) for ts, v in self._rest.samples if ts < self._start_s]
            if self._edge_rest and before:
                self.edge_candidate = edge_rep(before, self._samples, arrived, self.spec, self.hold_s)
                self.edge_candidate.side, self.edge_candidate.angle = self.side, self._rep_angle
            self._active, self._candidate, self._rest, self._edge_rest = False, None, RestLevel(), False
            for ts, v in self._samples:
                if abs(v - value) <= band:
                    self._rest.add(ts, v)
            self._samples = []
            return None
        if self._sign * (value - self._peak_value) > 0:
            self._peak_value = value
        self._peak_times.append(t)
        self._peak_values.append(self._peak_value)
        if not self._returned(value):
            self._candidate = None
            return None
        if self._candidate is None:
            self._candidate = t
        if t - self._candidate < self.spec.min_phase_s:
            return None
        rep = self._make_rep(self._candidate)
        self.reps.append(rep)
        self._active, self._samples, self._candidate, self._edge_rest = False, [], None, False
        self._rest = RestLevel()
        self._rest.add(t, value)
        self._settle_until = t + REST_WINDOW_S
        return rep

    def reset(self, value_after: float = math.nan, t_after: float = math.nan) -> Rep | None:
        """Start afresh after a camera cut or a gap: the rest level is forgotten; completed reps are kept. A rep under
        way that is back at rest on the first frame after a cut (``value_after`` at ``t_after``, within
        ``CUT_SEEN_S`` of the last frame before it) came down at the cut: it is returned, ending at the last frame
        before it. One whose top (held for ``PLATEAU_S``) lasted until the break, but for a dip shorter than
        ``TOP_GRACE_S``, and that is back within the top band of its peak on the first frame after it, within a third
        of the prescribed hold (``UNSEEN_SHARE``; at least ``CUT_SEEN_S``) of its last time at the top, goes on: the
        person held the top through it, and the unseen stretch counts as time at the top, as it does for a hold
        (``HoldTimer``). Any other rep under way is dropped (its top or its return was not seen)."""
        rep = None
        seen = bool(self._samples) and t_after - self._samples[-1][0] <= CUT_SEEN_S
        if self._active and seen and math.isfinite(value_after) and self._returned(value_after):
            rep = self._make_rep(self._samples[-1][0])
            self.reps.append(rep)
        elif self._active and self._samples and math.isfinite(value_after):
            top = shape_rep(self._samples, self._base, self._sign, self.spec, self.hold_s)  # its top so far
            at_top = top.top_s >= PLATEAU_S and self._samples[-1][0] - top.top_end_s <= TOP_GRACE_S
            soon = t_after - top.top_end_s <= max(CUT_SEEN_S, UNSEEN_SHARE * self.hold_s)
            band = top_band(self._samples, self._base, top.peak, self._sign)
            if at_top and soon and abs(top.peak - value_after) <= band:  # on either side of the peak
                return None  # the top held through it: the rep goes on, its rest level with it
        self._active, self.started, self._samples, self._candidate = False, False, [], None
        self._rest, self._settle_until = RestLevel(), -math.inf
        return rep

    def phase(self) -> RepPhase:
        """Where the movement is now: at ``"rest"``, ``"working"`` (a rep under way) or at the ``"top"`` of a rep:
        within the top band of the highest point reached so far, which grew by less than that band over the last
        ``PLATEAU_S`` (so a steady rise is still working, a pause or a hold at the top is the top)."""
        if not self._active or not self._samples:
            return "rest"
        t, value = self._samples[-1]
        band = top_band(self._samples, self._base, self._peak_value, self._sign)
        if self._sign * (self._peak_value - value) > band:
            return "working"
        i = bisect.bisect_right(self._peak_times, t - PLATEAU_S) - 1
        if i < 0 and t - self._start_s < PLATEAU_S:
            return "working"  # the rep has only just begun
        before = self._peak_values[i] if i >= 0 else self._peak_values[0]
        return "working" if self._sign * (self._peak_value - before) > band else "top"

    def under_way(self, since: float = -math.inf) -> UnderWay | None:
        """The rep in progress, or None at rest (or when its rest level is unknown); ``moved_deg`` since ``since``."""
        if not self._active or not math.isfinite(self._base) or not self._samples:
            return None
        span = abs(self._peak_value - self._base)
        recent = [v for t, v in self._samples if t >= since] or [self._samples[-1][1]]
        still_up = abs(self._samples[-1][1] - self._base) >= 0.5 * span
        return UnderWay(self._start_s, span, still_up, max(recent) - min(recent))

    # ---- helpers ---------------------------------------------------------------------------------------------
    def _begin(self, start_s: float, value: float, base: float, under_way: bool = False) -> None:
        self._active, self._base, self._start_s, self._under_way = True, base, start_s, under_way
        self.rep_start_s = start_s
        self._samples = [(t, v) for t, v in self._rest.samples if t >= start_s] or [(start_s, value)]
        self._peak_value = max((v for _, v in self._samples), key=lambda v: self._sign * v)
        self._peak_times, self._peak_values = [self._samples[-1][0]], [self._peak_value]
        self._candidate = None
        self._rep_angle = self.angle

    def _returned(self, value: float) -> bool:
        peak = self._peak_value
        back = self._sign * (peak - value)
        if not math.isfinite(self._base):  # a rep under way at the start: its return must leave the top zone, or
            below = self._sign * (self.spec.target - value)  # come back by a whole prescribed range (a camera
            whole = abs(self.spec.target - self.spec.rest)  # placed high reads this person's rest near the target)
            return back >= self.spec.amplitude and (below >= self.spec.amplitude / 2 or back >= whole)
        span = self._sign * (peak - self._base)
        return back >= max(self.spec.amplitude, 0.5 * span)

    def _make_rep(self, end_s: float) -> Rep:
        samples = [(t, v) for t, v in self._samples if t <= end_s] or self._samples[:1]
        rep = shape_rep(samples, self._base, self._sign, self.spec, self.hold_s)
        rep.side, rep.start_s, rep.end_s = self.side, self._start_s, end_s
        rep.under_way_at_start, rep.angle = self._under_way, self._rep_angle or self.angle
        return rep

    # ---- results ---------------------------------------------------------------------------------------------
    def all_reps(self, ends_s: float | None = None) -> list[Rep]:
        """Completed reps plus the one whose return began in the last frames (not yet confirmed: at the end of a
        recording it counts). With ``ends_s``, the time the recording ended, only if this signal was seen within
        ``MAX_GAP_S`` of it: a person lost for longer before the end (a fade to a title card) was not seen coming
        back, as across a gap."""
        pending = self._make_rep(self._candidate) if self._active and self._candidate is not None else None
        if pending is not None and ends_s is not None and ends_s - self._samples[-1][0] > MAX_GAP_S:
            pending = None
        return [*self.reps, *([pending] if pending is not None else [])]

    def counts(self, include_pending: bool = True, ends_s: float | None = None) -> tuple[int, int]:
        """(full, partial) reps so far; ``include_pending``: with the one whose return began in the last frames (at
        the end of a recording, ``ends_s``: see :meth:`all_reps`), else only confirmed ones (as they happen, each
        with its event)."""
        reps = self.all_reps(ends_s) if include_pending else self.reps
        full = sum(r.full for r in reps)
        return full, len(reps) - full


def top_band(samples: Sequence[tuple[float, float]], base: float, peak: float, sign: float) -> float:
    """How far from the peak is still the top: ``TOP_BAND_SHARE`` of the range from the rest level (the lowest
    sample when the rest was not seen) to the peak, at least ``TOP_BAND_MIN_DEG``."""
    low = base if math.isfinite(base) else min((v for _, v in samples), key=sign.__mul__)
    return max(TOP_BAND_MIN_DEG, TOP_BAND_SHARE * abs(peak - low))


def edge_rep(
    before: list[tuple[float, float]], samples: list[tuple[float, float]], arrived: float, spec: RepSpec, hold_s: float
) -> Rep:
    """The rep under way at a recording's start that a movement of either direction was, if the level it left
    (``before``, held since the start) was its top and where it ``arrived`` is its rest."""
    rest = samples[-1][1]
    seen = [*before, *((t, v) for t, v in samples if t <= arrived)]
    top = statistics.median(v for _, v in before)
    rep = shape_rep(seen, rest, 1.0 if top > rest else -1.0, spec, hold_s)
    rep.end_s, rep.under_way_at_start, rep.start_value = arrived, True, math.nan
    return rep


def still_during(detector: RepDetector | None, start_s: float, end_s: float) -> bool:
    """The leg of ``detector`` made no movement (a rep, one under way, or a change of rest) overlapping
    ``start_s``-``end_s``."""
    if detector is None or not detector.started:
        return False
    spans = [(r.start_s, r.end_s) for r in detector.reps] + detector.dropped
    if detector.phase() != "rest":
        spans.append((detector.rep_start_s, math.inf))
    return not any(a <= end_s and b >= start_s for a, b in spans)


def still_since(samples: Sequence[tuple[float, float]], within: float) -> float:
    """Since when the signal has stayed within ``within`` degrees of its last value (the first sample's time if it
    always has)."""
    last = samples[-1][1]
    for i in range(len(samples) - 1, -1, -1):
        if abs(samples[i][1] - last) > within:
            return samples[i + 1][0] if i + 1 < len(samples) else samples[-1][0]
    return samples[0][0]


def nested_in_other_leg(rep: Rep, other: RepDetector | None) -> bool:
    """A rep on one leg that lies inside a larger rep of the other leg (started before it, still up when this one
    is back down, and moving meanwhile by at least half as much) is that leg's movement read on this side (legs
    crossing, occlusion): an alternating exercise starts the next leg as the last comes down. Both legs moving
    together (a double-leg raise) both count; so does a rep beside a leg that stays still, whatever that leg's
    detector thinks of it (a march recording that starts with one leg up and lowers it for good)."""
    moving = other.under_way(rep.start_s) if other is not None else None
    return (
        moving is not None
        and moving.start_s <= rep.start_s
        and moving.range_deg >= rep.rom
        and moving.still_up
        and moving.moved_deg >= 0.5 * rep.rom
    )


def verdict(rep: Rep, spec: RepSpec, hold_s: float = 0.0, faults: Sequence[FaultEvent] = ()) -> str:
    """The rep in words for people: "good" (or "good, held 5 s"), else what fell short and each fault during it,
    e.g. "partial: hips reached 150 deg, aim for 160: lift a little higher", "held 2.1 of 5 s at the top",
    "the raised knee bent for 0.8 s (130 deg; keep it at or above 145)"."""
    parts = []
    if not rep.full:
        rom = rep.rom if math.isfinite(rep.rom) else abs(rep.peak - spec.rest)
        parts.append(
            "partial: "
            + spec.partial.format(
                peak=rep.peak, target=spec.target, range=rom, target_range=abs(spec.target - spec.rest)
            )
        )
    elif hold_s > 0 and not rep.held:
        parts.append(f"held {rep.top_s:.1f} of {hold_s:.0f} s at the top")
    parts += [f.words() for f in faults]
    if parts:
        return "; ".join(parts)
    return f"good, held {hold_s:.0f} s" if hold_s > 0 else "good"


def shape_rep(samples: list[tuple[float, float]], base: float, sign: float, spec: RepSpec, hold_s: float) -> Rep:
    """A rep from its samples (time, degrees) and the rest level before it (NaN if unseen): its peak (the extreme
    held for ``SUSTAIN_S``), the time at the top and the top window, and whether it was full and held. Side, start,
    end and angle are the caller's."""
    peak = sustained_peak(samples, sign)
    low = base if math.isfinite(base) else min((v for _, v in samples), key=lambda v: sign * v)
    band = max(TOP_BAND_MIN_DEG, TOP_BAND_SHARE * abs(peak - low))
    level = top_level(samples, peak, spec.target if not spec.either_direction else None, sign)
    edge = level - sign * band
    top_start, top_end = _top_window(samples, level, edge, sign)
    near_top = [t for t, v in samples if sign * (v - edge) >= 0] or [top_start]
    if spec.either_direction:
        full = abs(peak - base) >= abs(spec.target - spec.rest)
    else:
        full = sign * (peak - spec.target) >= 0
    held = hold_s > 0 and top_end - top_start >= hold_s - HOLD_TOLERANCE_S
    t0, t1 = samples[0][0], samples[-1][0]
    return Rep(None, t0, top_start, top_end, t1, peak, base, full, held, False, "", near_top[0], near_top[-1])


def sustained_peak(samples: list[tuple[float, float]], sign: float) -> float:
    """The most extreme value the signal held for at least ``SUSTAIN_S``, or ``SUSTAIN_SHARE`` of a rep shorter
    than a second, and over two successive frames at least (one landmark glitch is never a rep's peak; a fast high
    knee's top, at 30 frames/s a few frames, is): the best, over the samples, of the least extreme value in that long
    after each."""
    values = [sign * v for _, v in samples]
    hold = min(SUSTAIN_S, SUSTAIN_SHARE * (samples[-1][0] - samples[0][0]))
    best, j, last = -math.inf, 0, len(samples) - 1
    for i, (t, _) in enumerate(samples):
        j = min(max(j, i + 1), last)
        while j + 1 < len(samples) and samples[j + 1][0] <= t + hold:
            j += 1
        if (samples[j][0] - t < hold - 1e-9 or j == i) and j == last and i > 0:
            break  # too close to the end to have been held
        best = max(best, min(values[i : j + 1]))
    return sign * best


def top_level(samples: list[tuple[float, float]], peak: float, target: float | None, sign: float) -> float:
    """Where the top of a rep is: for a rep past the prescription's ``target``, the typical (median) value while
    past it, so a short push higher or a transition frame at the end of a hold never decides where the hold was;
    otherwise the rep's (sustained) peak."""
    if target is None or sign * (peak - target) < 0:
        return peak
    past = [v for _, v in samples if sign * (v - target) >= 0]
    return float(np.median(past)) if past else peak


def _top_window(samples: list[tuple[float, float]], peak: float, edge: float, sign: float) -> tuple[float, float]:
    """The time at the top: the stretch around the first sample at or past ``peak`` (the top level) where the signal
    stays beyond ``edge``, bridging dips shorter than ``TOP_GRACE_S`` (jitter); a longer dip ends it."""
    inside = [sign * (v - edge) >= 0 for _, v in samples]
    index = next((i for i, (_, v) in enumerate(samples) if sign * (v - peak) >= 0), 0)
    lo = hi = index
    while lo > 0 and (inside[lo - 1] or _bridged(samples, inside, lo - 1, -1)):
        lo -= 1
    while hi + 1 < len(samples) and (inside[hi + 1] or _bridged(samples, inside, hi + 1, 1)):
        hi += 1
    return samples[lo][0], samples[hi][0]


def _bridged(samples: list[tuple[float, float]], inside: list[bool], i: int, step: int) -> bool:
    """Sample ``i`` (outside) lies in a dip that comes back inside within ``TOP_GRACE_S``."""
    t0, j = samples[i][0], i
    while 0 <= j < len(samples) and not inside[j]:
        if abs(samples[j][0] - t0) > TOP_GRACE_S:
            return False
        j += step
    return 0 <= j < len(samples)
