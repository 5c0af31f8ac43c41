"""The records handed between layers: one frame's measurements, a checker's feedback, a file's summary.

Owns: ``FrameResult`` (what is known about one frame), ``Feedback`` and ``CriterionResult`` (what a checker says about
it), ``Summary`` (what a whole recording held), and the two small protocols the layers meet through: ``Estimator``
(a pose model as a callable) and ``Checker`` (anything with ``step(FrameResult) -> Feedback``).
May import: the standard library, numpy, and :mod:`formcheck.landmarks`. Nothing else of formcheck.

Angles are degrees (see :mod:`formcheck.pose.angles` for the convention); times are seconds from frame timestamps.
A value that could not be measured is NaN in ``FrameResult.angles`` and ``None`` in everything meant for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from formcheck.landmarks import Pose

Level = Literal["ok", "fix", "warn", "info"]


class Estimator(Protocol):
    """A pose model: one BGR frame ``(H, W, 3) uint8`` at ``timestamp_s`` -> the followed person's pose, or None."""

    def __call__(self, frame_bgr: np.ndarray, timestamp_s: float) -> Pose | None: ...


@dataclass
class CriterionResult:
    """One form rule judged on one frame. ``value`` is None (never NaN) when the angle could not be measured."""

    name: str
    angle: str
    value: float | None
    low: float | None
    high: float | None
    passed: bool | None  # None = not measurable
    message: str = ""


@dataclass
class Feedback:
    """What a checker says after one frame: the cue for the person, the set's progress, and this frame's events."""

    t: float
    cue: str
    level: Level
    in_position: bool = False
    side: str | None = None
    criteria: list[CriterionResult] = field(default_factory=list)
    hold_s: float = 0.0
    hold_target_s: float = 0.0
    holds_done: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)  # full reps (reached the prescription's target)
    partial_reps: dict[str, int] = field(default_factory=dict)  # reps that fell short of the target
    events: list[str] = field(default_factory=list)  # "hold_complete", "rep", "partial_rep", "form_break"
    faults: list[str] = field(default_factory=list)  # the messages of the faults lasting now (oldest first)
    new_faults: list[Any] = field(default_factory=list)  # fault events that began on this frame (checking.faults)
    final_faults: list[Any] = field(default_factory=list)  # fault events that stand from this frame (for history)

    def criterion_value(self, name: str) -> float | None:
        """The measured value of the criterion called ``name`` on this frame, or None."""
        return next((c.value for c in self.criteria if c.name == name), None)


@dataclass
class FrameResult:
    """What formcheck knows about one frame. ``angles`` holds NaN where a landmark was not visible enough."""

    index: int
    timestamp_s: float
    pose: Pose | None  # smoothed; ``pose.held`` when bridging a short dropout
    detected: bool  # the model found somebody in this very frame
    n_people: int
    angles: dict[str, float] = field(default_factory=dict)
    view: str = "unknown"
    near_side: str | None = None
    feedback: Feedback | None = None  # an exercise checker's feedback when one is attached
    problem: str | None = None  # nobody found and the picture is too dark / blurred (formcheck.pose.quality)
    gain: float = 1.0  # the brightness gain the picture got for the pose model (formcheck.pose.exposure; 1 = none)
    roll_deg: float = 0.0  # the camera's roll undone before measuring (formcheck.pose.level; 0 = upright or unknown)
    detection: Pose | None = None  # the model's own reading of this frame, unsmoothed (None: nobody detected)


class Checker(Protocol):
    """Judges successive frames of one stream (an exercise session, or a guided routine)."""

    def step(self, result: FrameResult) -> Feedback: ...


@dataclass
class Summary:
    """A whole recording at a glance: frames, who was seen, timing, and plain-language notes."""

    source: str
    frames: int
    frames_with_person: int
    frames_multi_person: int
    duration_s: float
    video_fps: float
    processing_fps: float
    landmarks: int = 0  # landmarks per detected person (33 for BlazePose), 0 if nobody was found
    messages: list[str] = field(default_factory=list)

    @property
    def person_fraction(self) -> float:
        return self.frames_with_person / self.frames if self.frames else 0.0
