"""Accuracy against hand-marked ground truth: ``formcheck evaluate GROUND_TRUTH [--media DIR] [thresholds]``.

The truth file's schema is described in its own ``_schema`` (``tests/data/ground_truth.json``). Metrics, per clip,
per split (``tune`` / ``heldout`` / ``negative``) and in total:

- counts: a rep is every repetition formcheck detected, full or partial (the truth counts repetitions a person
  watching sees done); exact-count rate, off-by-one accuracy (OBO: ``|predicted - true| <= 1``) and the mean
  relative count error (MAE: ``|predicted - true| / max(true, 1)``, so a true zero counts too);
- hold error in seconds: hold exercises, the longest hold per side against the time a person timed; rep exercises
  with a prescribed hold, the longest time at the top of a rep per side against the marked one;
- angle error in degrees against hand-marked frames, like with like (median and max, also per camera view and per
  kind; an angle formcheck could not measure counts as infinitely wrong): a ``points`` mark is the *picture's* angle
  (three pixel points), scored against formcheck's 2-D image angle of that name (landmark accuracy); a ``deg`` mark
  is the *body's* angle as a person judged it from the frames, scored against the angle formcheck judges with
  (``FrameResult.angles``, which is 3-D where the view calls for it). A mark may carry both;
- suggestion: on recordings (not stills), whether ``--exercise auto`` picks the marked exercise, or says it cannot
  tell / it is not an exercise formcheck checks when the truth is ``"none"``;
- faults (:mod:`formcheck.app.faultscore`): false alarms per rep on clips marked ``"clean"``, recall on labelled
  ``"faults"``, and with ``synthetic=True`` recall on semi-synthetic faults put into the clean clips' own landmark
  traces for every criterion (:mod:`formcheck.app.synthetic`).

A truth file that cannot be scored (bad JSON, no clips, nothing to score, a negative / fractional / NaN / text
count, a degenerate or NaN angle mark, a ``deg`` that is not a number in the angle's range, an unknown angle name, an
unknown exercise, a missing clip) is an ``EvaluationError`` with one
message: never a traceback and never a vacuous pass.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.app.faultscore import FaultLabel, FaultScore, fault_totals, parse_clean, parse_labels, score
from formcheck.app.recording import analyse_recording, apply_session
from formcheck.app.synthetic import Truth, trials
from formcheck.checking.report import Report, counts_by_side
from formcheck.checking.suggest import suggest_exercise
from formcheck.errors import FormcheckError
from formcheck.exercises import REGISTRY
from formcheck.media.video import IMAGE_SUFFIXES
from formcheck.pose.angles import ANGLE_NAMES, JOINT_ANGLES, angle_range, image_angles, joint_angle
from formcheck.pose.estimator import Variant
from formcheck.values import FrameResult

LOG = logging.getLogger(__name__)
SPLITS = ("tune", "heldout", "negative")
SIDES = ("left", "right", "both")
_JOINTS = frozenset(j.name for j in JOINT_ANGLES)


class EvaluationError(FormcheckError):
    """The ground truth (or the media it names) cannot be scored; the message says what and where."""


Points = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
ANGLE_KINDS = ("picture", "body")


@dataclass(frozen=True)
class Mark:
    """An angle marked by hand at time ``t``: the picture's angle as three pixel points (vertex in the middle) and/or
    the body's angle ``deg`` as a person judged it from the frames."""

    t: float
    angle: str
    points: Points | None = None
    deg: float | None = None

    @property
    def degrees(self) -> float:
        """The picture's angle the three points make (NaN without points)."""
        if self.points is None:
            return math.nan
        a, b, c = (np.asarray(p, dtype=float) for p in self.points)
        return joint_angle(a, b, c)


@dataclass(frozen=True)
class AngleError:
    """One marked angle against formcheck: ``kind`` "picture" (points vs the 2-D image angle) or "body" (deg vs the
    judged angle); ``view`` is formcheck's camera view on that frame; ``error`` is inf when it measured nothing."""

    t: float
    angle: str
    kind: str
    view: str
    truth: float
    measured: float | None
    error: float


@dataclass(frozen=True)
class Clip:
    file: str
    exercise: str | None  # None: a movement formcheck does not check
    split: str
    reps: dict[str, int] | None = None
    hold_s: dict[str, float] = field(default_factory=dict)
    top_hold_s: dict[str, float] = field(default_factory=dict)
    marks: tuple[Mark, ...] = ()
    clean: bool | None = None  # done correctly throughout: every fault reported is a false alarm
    faults: tuple[FaultLabel, ...] = ()
    truth: Truth = field(default_factory=Truth)  # marked rep events and hold windows (for semi-synthetic faults)

    @property
    def is_image(self) -> bool:
        return Path(self.file).suffix.lower() in IMAGE_SUFFIXES

    @property
    def scorable(self) -> bool:
        return bool(self.reps or self.hold_s or self.top_hold_s or self.marks) or not self.is_image


@dataclass
class ClipResult:
    file: str
    exercise: str | None
    split: str = "tune"
    true_reps: dict[str, int] = field(default_factory=dict)
    predicted_reps: dict[str, int] = field(default_factory=dict)  # full + partial
    full_reps: dict[str, int] = field(default_factory=dict)
    partial_reps: dict[str, int] = field(default_factory=dict)
    hold_errors_s: dict[str, float] = field(default_factory=dict)
    angle_errors_deg: list[float] = field(default_factory=list)  # every item of angle_details, in order
    angle_details: list[AngleError] = field(default_factory=list)
    suggested: str | None = None  # the exercise --exercise auto picks, "none" when it cannot tell
    suggestion_ok: bool | None = None  # None: not scored (a still image)
    clean: bool | None = None
    fault_score: FaultScore | None = None
    synthetic: list[tuple[str, bool]] = field(default_factory=list)  # (criterion, found) per semi-synthetic fault

    @property
    def count_pairs(self) -> list[tuple[int, int]]:
        return [(self.predicted_reps.get(side, 0), true) for side, true in self.true_reps.items()]


@dataclass
class Totals:
    clips: int
    count_items: int
    exact_rate: float
    obo: float
    mae: float
    max_hold_error_s: float
    angle_items: int = 0
    median_angle_error_deg: float = 0.0
    max_angle_error_deg: float = 0.0
    suggest_items: int = 0
    suggest_accuracy: float = 1.0
    clean_clips: int = 0
    false_alarms: int = 0
    clean_reps: int = 0
    false_alarms_per_rep: float = 0.0
    faults_labelled: int = 0
    faults_found: int = 0
    fault_recall: float = 1.0
    unlabelled_faults: int = 0
    synthetic_faults: int = 0
    synthetic_found: int = 0
    synthetic_recall: float = 1.0
    recall_by_criterion: dict[str, float] = field(default_factory=dict)  # labelled and semi-synthetic together
    angle_median_by_kind: dict[str, float] = field(default_factory=dict)  # "picture" / "body" -> median error
    angle_items_by_kind: dict[str, int] = field(default_factory=dict)
    angle_median_by_view: dict[str, float] = field(default_factory=dict)  # "side" / "oblique" / "front" / ...
    angle_items_by_view: dict[str, int] = field(default_factory=dict)


# ---- reading the truth ---------------------------------------------------------------------------------------------
def _fail(where: str, what: str) -> EvaluationError:
    return EvaluationError(f"{where}: {what}")


def _count(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, f"a count must be a whole number >= 0, got {value!r}")
    return value


def _seconds(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise _fail(where, f"a time must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _per_side(where: str, value: Any, read: Callable[[str, Any], Any]) -> dict[str, Any]:
    if not isinstance(value, dict) or not value:
        raise _fail(where, f"expected an object of sides {SIDES}, got {value!r}")
    out = {}
    for side, v in value.items():
        if side not in SIDES:
            raise _fail(where, f"side must be one of {SIDES}, got {side!r}")
        out[side] = read(f"{where}.{side}", v)
    return out


def _mark(where: str, m: Any) -> Mark:
    if not isinstance(m, dict) or not isinstance(m.get("angle"), str):
        raise _fail(where, "an angle mark needs 'angle' (a name), 't' (seconds) and 'points' (three [x, y]) or 'deg'")
    name = m["angle"]
    if name not in ANGLE_NAMES:
        raise _fail(where, f"unknown angle {name!r} (names are in formcheck/pose/angles.py)")
    t = _seconds(f"{where}.t", m.get("t"))
    if "points" not in m and "deg" not in m:
        raise _fail(where, "an angle mark needs 'points' (three [x, y], the picture's angle) or 'deg' (the body's)")
    points = _points(where, name, m["points"]) if "points" in m else None
    deg = _deg(f"{where}.deg", name, m["deg"]) if "deg" in m else None
    return Mark(t, name, points, deg)


def _points(where: str, name: str, pts: Any) -> Points:
    if name not in _JOINTS:
        raise _fail(where, f"'points' mark a joint (three points), and {name!r} is not a joint angle; use 'deg'")
    if not _three_points(pts):
        raise _fail(where, f"'points' must be three [x, y] pairs of finite numbers, got {pts!r}")
    a, b, c = (tuple(float(v) for v in p) for p in pts)
    if b in (a, c):
        raise _fail(where, "degenerate angle mark: an end point lies on the vertex")
    return (a, b, c)  # type: ignore[return-value]


def _deg(where: str, name: str, value: Any) -> float:
    lo, hi = angle_range(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, f"'deg' must be a number of degrees, got {value!r}")
    if not lo <= value <= hi:
        raise _fail(where, f"'deg' for {name} must be within [{lo:g}, {hi:g}] degrees, got {value!r}")
    return float(value)


def _three_points(pts: Any) -> bool:
    if not (isinstance(pts, list) and len(pts) == 3 and all(isinstance(p, list) and len(p) == 2 for p in pts)):
        return False
    return all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for p in pts for v in p)


def _clip(i: int, raw: Any) -> Clip:
    where = f"clips[{i}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("file"), str) or not raw["file"]:
        raise _fail(where, "each clip needs a 'file' name")
    where = f"clips[{i}] ({raw['file']})"
    exercise = raw.get("exercise")
    if exercise == "none":
        exercise = None
    elif exercise not in REGISTRY:
        raise _fail(where, f"exercise must be one of {sorted(REGISTRY)} or 'none', got {exercise!r}")
    split = raw.get("split", "tune" if exercise else "negative")
    if split not in SPLITS:
        raise _fail(where, f"split must be one of {SPLITS}, got {split!r}")
    reps = _per_side(f"{where}.reps", raw["reps"], _count) if "reps" in raw else None
    hold = _per_side(f"{where}.hold_s", raw["hold_s"], _seconds) if "hold_s" in raw else {}
    top = _per_side(f"{where}.top_hold_s", raw["top_hold_s"], _seconds) if "top_hold_s" in raw else {}
    marks = raw.get("angles", [])
    if not isinstance(marks, list):
        raise _fail(where, "'angles' must be a list of marks")
    clip = Clip(
        raw["file"],
        exercise,
        split,
        reps,
        hold,
        top,
        tuple(_mark(f"{where}.angles[{j}]", m) for j, m in enumerate(marks)),
        parse_clean(where, raw.get("clean"), EvaluationError),
        parse_labels(where, raw.get("faults"), exercise, EvaluationError),
        _truth(where, raw),
    )
    if exercise is None and (reps or hold or top):
        raise _fail(where, "a clip of a movement formcheck does not check ('none') cannot have counts or holds")
    return clip


def _truth(where: str, raw: dict[str, Any]) -> Truth:
    """The marked rep events and hold window, where present (for semi-synthetic faults)."""
    events = raw.get("rep_events", [])
    if not isinstance(events, list):
        raise _fail(where, "'rep_events' must be a list of {side, start, top, top_end, end}")
    reps = []
    for j, e in enumerate(events):
        at = f"{where}.rep_events[{j}]"
        if not isinstance(e, dict) or e.get("side") not in SIDES:
            raise _fail(at, f"a rep event needs 'side' (one of {SIDES}) and its four times")
        times = [_seconds(f"{at}.{k}", e.get(k)) for k in ("start", "top", "top_end", "end")]
        if times != sorted(times):
            raise _fail(at, f"start <= top <= top_end <= end is needed, got {times}")
        reps.append((e["side"], *times))
    holds = []
    if "hold_window_s" in raw:
        w = raw["hold_window_s"]
        if not (isinstance(w, list) and len(w) == 2) or _seconds(where, w[0]) > _seconds(where, w[1]):
            raise _fail(where, f"'hold_window_s' must be [start_s, end_s] with start <= end, got {w!r}")
        holds = [(side, float(w[0]), float(w[1])) for side in raw.get("hold_s", {"both": 0})]
    return Truth(tuple(reps), tuple(holds))


def parse(doc: Any) -> list[Clip]:
    """Validated clips from a parsed truth document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("clips"), list):
        raise EvaluationError("the ground truth must be a JSON object with a 'clips' list")
    clips = [_clip(i, raw) for i, raw in enumerate(doc["clips"])]
    if not clips:
        raise EvaluationError("the ground truth lists no clips: there is nothing to score")
    if not any(c.scorable for c in clips):
        raise EvaluationError("no clip in the ground truth has anything to score (counts, holds, angles)")
    return clips


def load(path: Path) -> list[Clip]:
    """Read and validate a ground-truth file; ``EvaluationError`` names what is wrong."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvaluationError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return parse(doc)


# ---- scoring one clip ----------------------------------------------------------------------------------------------
Analyse = Callable[[Path, Variant], list[FrameResult]]


def _analyse(path: Path, model: Variant) -> list[FrameResult]:
    return analyse_recording(path, model)[0]


def evaluate_clip(
    clip: Clip, media: Path, model: Variant = "full", analyse: Analyse = _analyse, synthetic: bool = False
) -> ClipResult:
    """Analyse the clip once, check it as its exercise (counts, holds, faults), and ask which exercise it looks
    like; with ``synthetic``, also put a semi-synthetic fault into a clean clip for every criterion."""
    path = media / clip.file
    if not path.is_file():
        raise EvaluationError(f"{clip.file}: not found in {media} (pass --media DIR)")
    frames = analyse(path, model)
    result = ClipResult(clip.file, clip.exercise, clip.split, dict(clip.reps or {}), clean=clip.clean)
    if clip.exercise is not None:
        report = apply_session(frames, clip.exercise).report()
        units = sum((clip.reps or {}).values()) or len(clip.hold_s) or len(clip.truth.reps)
        result.fault_score = score(report.fault_events, clip.clean, clip.faults, units)
        if synthetic and clip.clean:
            result.synthetic = [(t.criterion, t.found) for t in trials(frames, clip.exercise, clip.truth)]
        result.full_reps, result.partial_reps = dict(report.reps), dict(report.partial_reps)
        full, partial = counts_by_side(report.reps), counts_by_side(report.partial_reps)
        result.predicted_reps = {k: n + partial.get(k, 0) for k, n in full.items()}  # leg circles: both ways
        for side, true in clip.hold_s.items():
            result.hold_errors_s[side] = abs(_longest_hold(report, side) - true)
        for side, true in clip.top_hold_s.items():
            result.hold_errors_s[side] = abs(report.longest_top_s(side) - true)
    result.angle_details = [e for m in clip.marks for e in angle_errors(m, frames)]
    result.angle_errors_deg = [e.error for e in result.angle_details]
    if not clip.is_image:
        ranked = suggest_exercise(frames)
        result.suggested = ranked[0].exercise if ranked and ranked[0].confident else "none"
        result.suggestion_ok = result.suggested == (clip.exercise or "none")
    return result


def angle_errors(mark: Mark, frames: Sequence[FrameResult]) -> list[AngleError]:
    """The mark against the frame nearest its time: its points against the 2-D image angle, its deg against the
    judged angle (one item each)."""
    out = []
    nearest = min(frames, key=lambda f: abs(f.timestamp_s - mark.t)) if frames else None
    view = nearest.view if nearest is not None else "unknown"
    if mark.points is not None:
        flat = image_angles(nearest.pose) if nearest is not None and nearest.pose is not None else {}
        out.append(_item(mark, "picture", view, mark.degrees, flat.get(mark.angle, math.nan)))
    if mark.deg is not None:
        judged = nearest.angles.get(mark.angle, math.nan) if nearest is not None else math.nan
        out.append(_item(mark, "body", view, mark.deg, judged))
    return out


def _item(mark: Mark, kind: str, view: str, truth: float, measured: float) -> AngleError:
    ok = math.isfinite(measured)
    return AngleError(
        mark.t, mark.angle, kind, view, truth, measured if ok else None, abs(measured - truth) if ok else math.inf
    )


def _angle_error(mark: Mark, frames: Sequence[FrameResult]) -> float:
    """The mark's first error (picture if it has points, else body); inf when unmeasured."""
    items = angle_errors(mark, frames)
    return items[0].error if items else math.inf


def _longest_hold(report: Report, side: str) -> float:
    return max((h.duration_s for h in report.holds if (h.side or "both") == side), default=0.0)


def evaluate_all(
    clips: Sequence[Clip],
    media: Path,
    model: Variant = "full",
    jobs: int | None = None,
    synthetic: bool = False,
    analyse: Analyse = _analyse,
) -> list[ClipResult]:
    """Every clip, ``jobs`` at once in worker processes (default: every core; 1 = in this process), in order;
    ``analyse`` finds a clip's frames (a picklable function: it runs in the workers)."""
    missing = [c.file for c in clips if not (media / c.file).is_file()]
    if missing:
        raise EvaluationError(
            f"{len(missing)} clip(s) not found in {media}: {', '.join(missing[:3])} (pass --media DIR)"
        )
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    if jobs == 1 or len(clips) == 1:
        return [evaluate_clip(c, media, model, analyse, synthetic) for c in clips]
    n = len(clips)
    with ProcessPoolExecutor(max_workers=min(jobs, n)) as pool:
        return list(pool.map(evaluate_clip, clips, [media] * n, [model] * n, [analyse] * n, [synthetic] * n))


# ---- totals --------------------------------------------------------------------------------------------------------
def totals(results: Sequence[ClipResult]) -> Totals:
    pairs = [p for r in results for p in r.count_pairs]
    n = len(pairs)
    exact = sum(pred == true for pred, true in pairs) / n if n else 1.0
    obo = sum(abs(pred - true) <= 1 for pred, true in pairs) / n if n else 1.0
    mae = sum(abs(pred - true) / max(true, 1) for pred, true in pairs) / n if n else 0.0
    holds = [e for r in results for e in r.hold_errors_s.values()]
    angles = [e for r in results for e in r.angle_errors_deg]
    details = [e for r in results for e in r.angle_details]
    judged = [r.suggestion_ok for r in results if r.suggestion_ok is not None]
    ft = fault_totals([(r.clean, r.fault_score) for r in results if r.fault_score is not None])
    synth = [found for r in results for _, found in r.synthetic]
    both: dict[str, list[bool]] = {}
    for r in results:
        for name, found in r.synthetic:
            both.setdefault(name, []).append(found)
        if r.fault_score is not None:
            for name, labelled in r.fault_score.labelled.items():
                k = r.fault_score.found.get(name, 0)
                both.setdefault(name, []).extend([True] * k + [False] * (labelled - k))
    by_view = _group(details, lambda e: e.view)
    t = Totals(
        len(results),
        n,
        exact,
        obo,
        mae,
        max(holds, default=0.0),
        len(angles),
        float(np.median(angles)) if angles else 0.0,
        max(angles, default=0.0),
        len(judged),
        sum(judged) / len(judged) if judged else 1.0,
        ft.clean_clips,
        ft.false_alarms,
        ft.clean_units,
        ft.false_alarms_per_rep,
        ft.labelled,
        ft.found,
        ft.recall,
        ft.unlabelled,
        len(synth),
        sum(synth),
        sum(synth) / len(synth) if synth else 1.0,
        {k: sum(v) / len(v) for k, v in sorted(both.items())},
    )
    by_kind = _group(details, lambda e: e.kind)
    t.angle_median_by_kind = {k: _median(v) for k, v in by_kind.items()}
    t.angle_items_by_kind = {k: len(v) for k, v in by_kind.items()}
    t.angle_median_by_view = {k: _median(v) for k, v in by_view.items()}
    t.angle_items_by_view = {k: len(v) for k, v in by_view.items()}
    return t


def _group(details: Sequence[AngleError], key: Callable[[AngleError], str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for e in details:
        out.setdefault(key(e), []).append(e.error)
    return dict(sorted(out.items()))


def _median(errors: Sequence[float]) -> float:
    return float(np.median(errors)) if errors else 0.0


def angle_breakdown(t: Totals) -> str:
    """One line: median angle error per kind of mark and per camera view, with the number of items."""
    kinds = ", ".join(
        f"{k} {t.angle_median_by_kind[k]:.1f} ({t.angle_items_by_kind[k]})" for k in t.angle_median_by_kind
    )
    views = ", ".join(
        f"{v} {t.angle_median_by_view[v]:.1f} ({t.angle_items_by_view[v]})" for v in t.angle_median_by_view
    )
    return f"angle error by mark: {kinds or '-'}; by view: {views or '-'} (median deg, items)"


def by_split(results: Sequence[ClipResult]) -> dict[str, Totals]:
    """Totals per split present, then ``"all"``."""
    out = {s: totals([r for r in results if r.split == s]) for s in SPLITS if any(r.split == s for r in results)}
    out["all"] = totals(results)
    return out


def to_json(results: Sequence[ClipResult]) -> str:
    """Per-clip and total figures (infinite angle errors, for unmeasured angles, are written as null)."""

    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    doc = {"clips": [asdict(r) for r in results], "totals": {k: asdict(t) for k, t in by_split(results).items()}}
    return json.dumps(clean(doc), indent=1)
