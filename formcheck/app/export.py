"""Per-frame results and summaries as JSON / CSV. NaN never reaches an export: missing values are null / empty."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from formcheck.pose.angles import ANGLE_NAMES
from formcheck.values import FrameResult, Summary

FRAME_COLUMNS = ("index", "timestamp_s", "person", "n_people", "view", "near_side")


def clean(value: Any) -> Any:
    """Recursively replace non-finite floats by None so JSON stays valid and no NaN is shown."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def rep_rows(report: Any) -> list[dict[str, Any]]:
    """The per-rep table for people (the upload page, the CLI): each column named in words."""
    return [
        {
            "rep": r["rep"],
            "side": r["side"] or "-",
            "start (s)": r["start_s"],
            "time at the top (s)": r["time_at_top_s"],
            "angle": r["angle"],
            "from (deg)": r["from_deg"],
            "peak (deg)": r["peak_deg"],
            "range of motion (deg)": r["rom_deg"],
            "counts at (deg)": r["target_deg"],
            "verdict": r["verdict"],
        }
        for r in report.rep_table()
    ]


def fault_rows(report: Any) -> list[dict[str, Any]]:
    """Every fault of a session for people, in the order they began: when, which side and rep, what happened (in
    words, with the angle and the limit) and how to fix it. The same events as the per-rep verdicts."""
    return [
        {
            "at (s)": round(e.start_s, 1),
            "side": e.side or "-",
            "rep": e.rep if e.rep is not None else "-",
            "what happened": e.words(),
            "how to fix it": e.message,
        }
        for e in report.fault_events
    ]


def frame_row(r: FrameResult) -> dict[str, Any]:
    row: dict[str, Any] = {
        "index": r.index,
        "timestamp_s": round(r.timestamp_s, 4),
        "person": r.detected,
        "n_people": r.n_people,
        "view": r.view,
        "near_side": r.near_side,
    }
    for name in ANGLE_NAMES:
        v = r.angles.get(name, float("nan"))
        row[name] = round(v, 2) if math.isfinite(v) else None
    return row


def report_dict(report: Any) -> dict[str, Any]:
    """A session report as plain data (NaN-free)."""
    return clean(asdict(report) | {"symmetry": report.symmetry})


def to_json(results: Sequence[FrameResult], summary: Summary, extra: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {"summary": asdict(summary) | {"person_fraction": summary.person_fraction}}
    if extra:
        doc.update(extra)
    doc["frames"] = [frame_row(r) for r in results]
    return json.dumps(clean(doc), indent=1, allow_nan=False)


def to_csv(results: Sequence[FrameResult]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*FRAME_COLUMNS, *ANGLE_NAMES], lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow({k: ("" if v is None else v) for k, v in frame_row(r).items()})
    return buf.getvalue()
