"""Scoring formcheck's faults against labelled footage (used by ``formcheck evaluate``).

Ground truth (``tests/data/ground_truth.json``, see its ``_schema``):

- ``"clean": true``: the person does the exercise correctly throughout, so every fault formcheck reports on the clip
  is a **false alarm**. False alarms are counted per true rep (a hold clip counts each timed hold as one).
- ``"faults": [{"t": [start_s, end_s], "criterion": NAME}]``: the faults a person watching sees, by the criterion's
  name in the exercise file (or a safety rule: ``"controlled speed"``, ``"no bouncing"``). A labelled fault is
  **found** when formcheck reports that criterion at a time overlapping ``[start_s - MATCH_S, end_s + MATCH_S]``;
  recall is found / labelled, per criterion and in total. A reported fault on a labelled clip that matches no label
  is an unlabelled fault (counted, reported beside the false alarms).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from formcheck.checking.faults import FaultEvent
from formcheck.checking.safety import BOUNCE, SPEED
from formcheck.errors import FormcheckError
from formcheck.exercises import REGISTRY

MATCH_S = 0.5  # a reported fault this close to a labelled one is the same fault (labels are marked to +-0.1 s)


@dataclass(frozen=True)
class FaultLabel:
    start_s: float
    end_s: float
    criterion: str


@dataclass
class FaultScore:
    """One clip's faults against its labels. ``reported``: (criterion, start, end) of every fault formcheck gave."""

    reported: list[tuple[str, float, float]] = field(default_factory=list)
    false_alarms: int = 0  # on a clean clip: every reported fault
    units: int = 0  # reps (or holds) on a clean clip: the false-alarm denominator
    found: dict[str, int] = field(default_factory=dict)  # labelled faults found, per criterion
    labelled: dict[str, int] = field(default_factory=dict)  # labelled faults, per criterion
    unlabelled: int = 0  # reported faults on a labelled clip that match no label


def criteria_names(exercise: str) -> set[str]:
    """The names a fault label may use for ``exercise``: its criteria and the safety rules."""
    return {c.name for c in REGISTRY[exercise].criteria} | {SPEED, BOUNCE}


def parse_labels(where: str, raw: Any, exercise: str | None, error: type[FormcheckError]) -> tuple[FaultLabel, ...]:
    """Validated ``faults`` labels of one clip; ``error`` (with a message naming ``where``) for anything wrong."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise error(f"{where}.faults: must be a list of {{'t': [start_s, end_s], 'criterion': NAME}}")
    if raw and exercise is None:
        raise error(f"{where}.faults: a clip of a movement formcheck does not check cannot have faults")
    labels = []
    for j, f in enumerate(raw):
        at = f"{where}.faults[{j}]"
        t = f.get("t") if isinstance(f, dict) else None
        ok = isinstance(t, list) and len(t) == 2 and all(_seconds(v) for v in t)
        if not ok or t is None or t[0] > t[1]:
            raise error(f"{at}: 't' must be [start_s, end_s], two times >= 0 with start <= end, got {t!r}")
        name = f.get("criterion") if isinstance(f, dict) else None
        assert exercise is not None
        if name not in criteria_names(exercise):
            raise error(f"{at}: criterion must be one of {sorted(criteria_names(exercise))}, got {name!r}")
        labels.append(FaultLabel(float(t[0]), float(t[1]), str(name)))
    return tuple(labels)


def parse_clean(where: str, raw: Any, error: type[FormcheckError]) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    raise error(f"{where}.clean: must be true or false, got {raw!r}")


def _seconds(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0


def score(events: Sequence[FaultEvent], clean: bool | None, labels: Sequence[FaultLabel], units: int) -> FaultScore:
    """A clip's fault figures: ``events`` reported by formcheck, ``units`` true reps (or holds) on it."""
    out = FaultScore(reported=[(e.criterion, e.start_s, e.end_s if e.end_s is not None else e.start_s) for e in events])
    if clean:
        out.false_alarms, out.units = len(events), units
    for lab in labels:
        out.labelled[lab.criterion] = out.labelled.get(lab.criterion, 0) + 1
        if any(_matches(e, lab) for e in out.reported):
            out.found[lab.criterion] = out.found.get(lab.criterion, 0) + 1
    if labels:
        out.unlabelled = sum(not any(_matches(e, lab) for lab in labels) for e in out.reported)
    return out


def _matches(reported: tuple[str, float, float], label: FaultLabel) -> bool:
    name, start, end = reported
    return name == label.criterion and start <= label.end_s + MATCH_S and end >= label.start_s - MATCH_S


@dataclass
class FaultTotals:
    clean_clips: int = 0
    false_alarms: int = 0
    clean_units: int = 0
    labelled: int = 0
    found: int = 0
    unlabelled: int = 0
    recall_by_criterion: dict[str, float] = field(default_factory=dict)

    @property
    def false_alarms_per_rep(self) -> float:
        return self.false_alarms / self.clean_units if self.clean_units else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0


def fault_totals(scores: Sequence[tuple[bool | None, FaultScore]]) -> FaultTotals:
    """Totals over clips: ``scores`` is (clean, score) per clip."""
    t = FaultTotals()
    labelled: dict[str, int] = {}
    found: dict[str, int] = {}
    for clean, s in scores:
        if clean:
            t.clean_clips += 1
            t.false_alarms += s.false_alarms
            t.clean_units += s.units
        for k, n in s.labelled.items():
            labelled[k] = labelled.get(k, 0) + n
        for k, n in s.found.items():
            found[k] = found.get(k, 0) + n
        t.unlabelled += s.unlabelled
    t.labelled, t.found = sum(labelled.values()), sum(found.values())
    t.recall_by_criterion = {k: found.get(k, 0) / n for k, n in sorted(labelled.items())}
    return t
