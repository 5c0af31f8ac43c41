"""A report of one session to hand to a physiotherapist: one self-contained HTML file (inline CSS and SVG, no
script, nothing fetched), printable to PDF from any browser.

It holds the date, the exercise, the prescription against what was done per side, the per-rep table (range of
motion, time at the top, verdict), the key angles over time, left/right symmetry and the trend over the person's
past sessions of the same exercise (reps and range of motion per session). It is built from a report as stored in the
history (``export.report_dict``), so ``formcheck report SESSION_ID`` and the app make the same document.
"""

from __future__ import annotations

import html
import math
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from formcheck.app.charts import Trace
from formcheck.app.export import fault_rows
from formcheck.app.history import History, StoredSession
from formcheck.checking.counters import Hold
from formcheck.checking.faults import FaultEvent
from formcheck.checking.report import Report, count_for
from formcheck.checking.reps import Rep
from formcheck.errors import FormcheckError
from formcheck.exercises import REGISTRY

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
SIDE_COLORS = {"left": "#1f77b4", "right": "#d62728", "": "#2ca02c"}
MAX_POINTS = 600  # per stored angle trace: enough for a plot, small in the history


# ---- data --------------------------------------------------------------------------------------------------------


def traces_data(traces: Sequence[Trace], max_points: int = MAX_POINTS) -> list[dict[str, Any]]:
    """Angle traces as plain data for the history (every n-th point, at most ``max_points``; gaps are None)."""
    out = []
    for tr in traces:
        step = max(1, math.ceil(len(tr.t) / max_points))
        out.append(
            {
                "name": tr.name,
                "t": [round(float(t), 2) for t in tr.t[::step]],
                "deg": [round(float(v), 1) if math.isfinite(v) else None for v in tr.value[::step]],
                "thresholds": [[label, float(v)] for label, v in tr.thresholds],
            }
        )
    return out


def report_from_dict(d: dict[str, Any]) -> Report:
    """A ``Report`` again from its stored form (unknown numbers, stored as null, become NaN again)."""

    def build(cls: type, values: dict[str, Any]) -> Any:
        known = {f.name: f for f in fields(cls)}
        return cls(
            **{k: (math.nan if v is None and k in _FLOAT_FIELDS else v) for k, v in values.items() if k in known}
        )

    core = {k: v for k, v in d.items() if k in {f.name for f in fields(Report)}}
    core["rep_details"] = [build(Rep, r) for r in d.get("rep_details", [])]
    core["holds"] = [build(Hold, h) for h in d.get("holds", [])]
    core["fault_log"] = [tuple(x) for x in d.get("fault_log", [])]
    core["fault_events"] = [build(FaultEvent, e) for e in d.get("fault_events", [])]
    return build(Report, core)


_FLOAT_FIELDS = {
    "end_s",
    "start_value",
    "peak",
    "top_s",
    "top_start_s",
    "top_end_s",
    "duration_s",
    "start_s",
    "unseen_s",
}


@dataclass(frozen=True)
class TrendPoint:
    session_id: int
    started_utc: str
    reps: int
    mean_rom_deg: float | None
    holds: int


def trend(sessions: Sequence[StoredSession]) -> list[TrendPoint]:
    """Per past session: reps (full, all sides), mean range of motion of its reps, completed holds."""
    out = []
    for s in sessions:
        r = s.report or {}
        roms = [x for x in (_rom(rep) for rep in r.get("rep_details", [])) if x is not None]
        out.append(
            TrendPoint(
                s.id,
                s.started_utc,
                sum((r.get("reps") or {}).values()),
                round(statistics.fmean(roms), 1) if roms else None,
                sum((r.get("holds_completed") or {}).values()),
            )
        )
    return out


def _rom(rep: dict[str, Any]) -> float | None:
    peak, start = rep.get("peak"), rep.get("start_value")
    return abs(peak - start) if peak is not None and start is not None else None


# ---- the document ------------------------------------------------------------------------------------------------


def session_html(
    report: dict[str, Any],
    started_utc: str,
    source: str,
    session_id: int | None = None,
    past: Sequence[StoredSession] = (),
) -> str:
    """The clinician report as one HTML document. ``report``: ``export.report_dict`` (plus ``traces`` from
    :func:`traces_data` when the angles over time were kept); ``past``: the person's finished sessions of the same
    exercise, this one included, oldest first."""
    rep = report_from_dict(report)
    ex = REGISTRY.get(rep.exercise)
    name = ex.name if ex is not None else rep.exercise
    title = f"formcheck session report: {name}"
    when = _date(started_utc)
    parts = [
        f"<h1>{_e(title)}</h1>",
        '<table class="meta">'
        + _row("Date", when)
        + _row("Session", f"#{session_id}" if session_id is not None else "not saved")
        + _row("Recorded", {"live": "live, webcam", "upload": "uploaded recording"}.get(source, source))
        + _row("Exercise", name)
        + _row("Prescription", rep.prescription or "-")
        + _row("Duration", f"{rep.duration_s:.0f} s")
        + _row("Frames judged", f"{rep.frames_judged} of {rep.frames_total}")
        + "</table>",
        "<h2>Prescribed against done</h2>",
        _prescription_table(rep, report),
        "<h2>Reps</h2>" + _rep_table(rep) if rep.rep_details else "",
        _holds_table(rep) if rep.holds else "",
        "<h2>Left / right symmetry</h2>",
        _symmetry(rep),
        "<h2>Key angles over time</h2>",
        _angle_plots(report.get("traces"), rep),
        "<h2>Trend over sessions</h2>",
        _trend_section(trend(past), session_id),
        "<h2>Form faults</h2>",
        _faults(rep),
        '<p class="foot">Made by formcheck from the camera\'s pose estimate (MediaPipe BlazePose). Angles in '
        "degrees, joint angles 180 = straight; times from the video's timestamps. A screening aid, not a measurement "
        "device.</p>",
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)} ({_e(when)})</title><style>{CSS}</style></head><body>"
        + "\n".join(p for p in parts if p)
        + "</body></html>"
    )


def history_report_html(history: History, session_id: int, profile: str | None = None) -> str:
    """The clinician report of a stored session, with the trend over that person's earlier sessions (its own
    profile's only). ``profile``: the person asking (None: the command line, which owns the whole file); another
    person's session is "no such session" to them."""
    stored = history.session(session_id)
    if stored is None or (profile is not None and stored.profile != profile):
        raise FormcheckError(f"there is no session {session_id} in the history ({history.path})")
    if stored.report is None:
        raise FormcheckError(
            f"session {session_id} has no final report (it did not end cleanly); its reps and holds are in the "
            "history page, but a report needs the finished session"
        )
    past = history.finished(stored.exercise, up_to=session_id, profile=stored.profile)
    return session_html(stored.report, stored.started_utc, stored.source, session_id, past)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout_s: float = 60.0) -> Path:
    """Print the report to PDF with a headless Chromium (``chromium`` or ``google-chrome`` on PATH)."""
    browser = next((shutil.which(b) for b in CHROMIUMS if shutil.which(b)), None)
    if browser is None:
        raise FormcheckError(
            f"--pdf needs Chromium ({' or '.join(CHROMIUMS)}); open the HTML file and print it instead"
        )
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf_path.resolve()}",
        html_path.resolve().as_uri(),
    ]
    try:
        subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise FormcheckError(f"Chromium could not print {html_path} to PDF: {exc}") from exc
    if not pdf_path.is_file():
        raise FormcheckError(f"Chromium did not write {pdf_path}")
    return pdf_path


CHROMIUMS = ("chromium", "chromium-browser", "google-chrome")
CSS = """
body { font: 14px/1.4 -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #222; max-width: 900px;
       margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 8px; } h2 { font-size: 17px; margin: 22px 0 6px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 6px 0; }
td, th { padding: 3px 10px; border: 1px solid #ddd; text-align: left; }
th { background: #f3f3f3; } table.meta td:first-child { font-weight: 600; background: #f8f8f8; }
.ok { color: #1a7f37; font-weight: 600; } .short { color: #b35900; font-weight: 600; }
.plots { display: flex; flex-wrap: wrap; gap: 8px; } .note { color: #666; }
.foot { color: #777; font-size: 12px; margin-top: 28px; }
svg text { font: 11px sans-serif; fill: #333; }
@page { size: A4; margin: 14mm; } @media print { body { margin: 0; } .plots svg { break-inside: avoid; } }
"""


def _e(x: object) -> str:
    return html.escape(str(x))


def _row(k: str, v: str) -> str:
    return f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>"


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], cls: str = "") -> str:
    h = "".join(f"<th>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><tr>{h}</tr>{body}</table>'


def _cell(c: object) -> str:
    if isinstance(c, Markup):
        return str(c)
    if c is None or (isinstance(c, float) and not math.isfinite(c)):
        return "-"
    return _e(c)


class Markup(str):
    """Already-escaped HTML for a table cell."""


def _date(started_utc: str) -> str:
    try:
        return datetime.fromisoformat(started_utc).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return started_utc


def _sides(rep: Report) -> list[str]:
    ex = REGISTRY.get(rep.exercise)
    if ex is not None and ex.reps is not None and not ex.reps.per_side:
        return ["both"]
    if ex is not None and ex.side_rule is None and ex.reps is None:
        return ["both"]
    return ["left", "right"]


def _prescription_table(rep: Report, raw: dict[str, Any]) -> str:
    ex = REGISTRY.get(rep.exercise)
    p = ex.prescription if ex is not None else None
    partial = raw.get("partial_reps") or {}
    rows = []
    in_all = p is not None and p.reps_total
    for side in [*_sides(rep), "all"] if in_all else _sides(rep):
        full = sum(rep.reps.values()) if side == "all" else count_for(rep.reps, side)
        holds = sum(n for k, n in rep.holds_completed.items() if side in ("all", k))
        longest = max((h.duration_s for h in rep.holds if side in ("all", h.side or "both")), default=0.0)
        if p is not None and p.reps and in_all and side != "all":
            target, wanted, done = 0, f"part of {p.reps} in all", full
        elif p is not None and p.reps:
            target, wanted, done = p.reps, f"{p.reps} reps" + (" in all" if in_all else ""), full
        elif p is not None and p.hold_s:
            target, wanted, done = p.sets, f"{p.sets} x {p.hold_s:.0f} s hold", holds
        else:
            target, wanted, done = 0, "-", full
        verdict = (
            Markup('<span class="ok">met</span>')
            if target and done >= target
            else Markup(f'<span class="short">{target - done} short</span>')
            if target
            else "-"
        )
        n_partial = sum(n for k, n in partial.items() if side in ("all", k))
        rows.append([side, wanted, full, n_partial, holds, f"{longest:.1f} s", verdict])
    return _table(
        ["side", "prescribed", "full reps", "partial reps", "holds reaching the target", "longest hold", ""], rows
    )


def _rep_table(rep: Report) -> str:
    rows = []
    for r in rep.rep_table():
        verdict = r["verdict"] or ("full" if r["full"] else "partial")
        good = verdict.startswith(("good", "full"))
        rows.append(
            [
                r["rep"],
                r["side"] or "-",
                f"{r['start_s']:.1f} s",
                _deg(r["rom_deg"]),
                f"{_deg(r['peak_deg'])} / {_deg(r['target_deg'])}",
                f"{r['time_at_top_s']:.1f} s",
                Markup(f'<span class="{"ok" if good else "short"}">{_e(verdict)}</span>'),
            ]
        )
    angle = next((r["angle"] for r in rep.rep_table() if r["angle"]), "")
    note = f'<p class="note">Range of motion: from the rest position to the peak of {_e(angle.replace("_", " "))}.</p>'
    table = _table(["rep", "side", "start", "range of motion", "peak / counts at", "time at the top", "verdict"], rows)
    return note + table + _svg_rom_per_rep(rep)


def _holds_table(rep: Report) -> str:
    rows = [[h.side or "-", f"{h.start_s:.1f} s", h.words(), "yes" if h.completed else "no"] for h in rep.holds]
    return "<h2>Holds</h2>" + _table(["side", "from", "held for", "reached the target"], rows)


def _deg(v: float | None) -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:.0f}°"


def _symmetry(rep: Report) -> str:
    sides = ("left", "right")
    if _sides(rep) == ["both"]:
        return '<p class="note">This exercise is not done per side.</p>'
    rows = []
    by_side = {s: [r for r in rep.rep_details if r.side == s] for s in sides}
    rows.append(
        ["full reps", *(rep.reps.get(s, 0) for s in sides), _ratio(rep.reps.get("left", 0), rep.reps.get("right", 0))]
    )
    roms = {s: [r.rom for r in by_side[s] if math.isfinite(r.rom)] for s in sides}
    if any(roms.values()):
        means = {s: statistics.fmean(roms[s]) if roms[s] else None for s in sides}
        rows.append(["mean range of motion", *(_deg(means[s]) for s in sides), _ratio(means["left"], means["right"])])
        tops = {s: statistics.fmean([r.top_s for r in by_side[s]]) if by_side[s] else None for s in sides}
        rows.append(
            [
                "mean time at the top",
                *(f"{tops[s]:.1f} s" if tops[s] is not None else "-" for s in sides),
                _ratio(tops["left"], tops["right"]),
            ]
        )
    holds = {s: rep.holds_completed.get(s, 0) for s in sides}
    if rep.holds:
        rows.append(["holds reaching the target", holds["left"], holds["right"], _ratio(holds["left"], holds["right"])])
        longest = {s: max((h.duration_s for h in rep.holds if h.side == s), default=0.0) for s in sides}
        rows.append(
            ["longest hold", *(f"{longest[s]:.1f} s" for s in sides), _ratio(longest["left"], longest["right"])]
        )
    return _table(["", "left", "right", "symmetry (smaller / larger)"], rows)


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or max(a, b) <= 0:
        return "-"
    return f"{min(a, b) / max(a, b):.0%}"


def _angle_plots(traces: list[dict[str, Any]] | None, rep: Report) -> str:
    if not traces:
        return (
            '<p class="note">The angles over time were not kept for this session (a live session recorded before '
            "formcheck kept them); it has the per-rep figures above.</p>"
        )
    svgs = []
    for tr in traces:
        series = [(tr["name"], tr["t"], tr["deg"], COLORS[0])]
        svgs.append(svg_chart(tr["name"], series, [(label, v) for label, v in tr["thresholds"]], "time (s)", "degrees"))
    return (
        '<p class="note">Degrees (180 = straight). Dashed lines: the limits each angle is judged against; gaps: frames '
        "not judged (out of position or the joint hidden).</p>"
        f'<div class="plots">{"".join(svgs)}</div>'
    )


def _svg_rom_per_rep(rep: Report) -> str:
    series = []
    for side in ("left", "right", ""):
        reps = [(i, r) for i, r in enumerate(rep.rep_details, 1) if (r.side or "") == side]
        if reps:
            series.append(
                (side or "reps", [float(i) for i, _ in reps], [_finite(r.rom) for _, r in reps], SIDE_COLORS[side])
            )
    return f'<div class="plots">{svg_chart("range of motion per rep", series, [], "rep", "degrees", points=True)}</div>'


def _finite(v: float) -> float | None:
    return round(v, 1) if math.isfinite(v) else None


def _trend_section(points: list[TrendPoint], current: int | None) -> str:
    if len(points) < 2:
        return '<p class="note">The first saved session of this exercise: the trend starts with the next one.</p>'
    x = [float(i) for i in range(1, len(points) + 1)]
    charts = [
        svg_chart(
            "reps per session",
            [("reps", x, [float(p.reps) for p in points], COLORS[0])],
            [],
            "session",
            "reps",
            points=True,
        )
    ]
    if any(p.mean_rom_deg is not None for p in points):
        charts.append(
            svg_chart(
                "mean range of motion per session",
                [("range of motion", x, [p.mean_rom_deg for p in points], COLORS[2])],
                [],
                "session",
                "degrees",
                points=True,
            )
        )
    if any(p.holds for p in points):
        charts.append(
            svg_chart(
                "holds per session",
                [("holds", x, [float(p.holds) for p in points], COLORS[3])],
                [],
                "session",
                "holds",
                points=True,
            )
        )
    rows = [
        [i, _date(p.started_utc), p.reps, _deg(p.mean_rom_deg), p.holds, "this one" if p.session_id == current else ""]
        for i, p in enumerate(points, 1)
    ]
    return f'<div class="plots">{"".join(charts)}</div>' + _table(
        ["session", "date", "reps", "mean range of motion", "holds", ""], rows
    )


def _faults(rep: Report) -> str:
    if not rep.faults:
        return '<p class="ok">No form faults were seen.</p>'
    if rep.fault_events:
        rows = [list(row.values()) for row in fault_rows(rep)]
        return _table(["at", "side", "rep", "what happened", "how to fix it"], rows)
    first = {msg: t for t, msg in reversed(rep.fault_log)}
    rows = [[msg, n, f"{first[msg]:.1f} s" if msg in first else "-"] for msg, n in rep.faults.items()]
    return _table(["fault", "times", "first at"], rows)


# ---- plots -------------------------------------------------------------------------------------------------------


def svg_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[float], Sequence[float | None], str]],
    hlines: Sequence[tuple[str, float]],
    x_label: str,
    y_label: str,
    width: int = 420,
    height: int = 230,
    points: bool = False,
) -> str:
    """A line chart as inline SVG: ``series`` = (label, xs, ys, colour) with None as a gap; ``hlines`` dashed."""
    left, right, top, bottom = 46, 12, 24, 36
    xs = [x for _, sx, _, _ in series for x in sx]
    ys = [y for _, _, sy, _ in series for y in sy if y is not None] + [v for _, v in hlines]
    if not xs or not ys:
        return (
            f'<svg width="{width}" height="{height}" role="img"><text x="10" y="20">{_e(title)}: no data</text></svg>'
        )
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    pad = max((y1 - y0) * 0.08, 2.0)
    y0, y1 = y0 - pad, y1 + pad
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * pw

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}"><rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fafafa" '
        'stroke="#bbb"/>',
        f'<text x="{left}" y="15" style="font-weight:600">{_e(title)}</text>',
    ]
    for v in _ticks(y0, y1):
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    for v in _ticks(x0, x1):
        out.append(f'<text x="{px(v):.1f}" y="{top + ph + 14}" text-anchor="middle">{v:g}</text>')
    out.append(f'<text x="{left + pw / 2:.0f}" y="{height - 4}" text-anchor="middle">{_e(x_label)}</text>')
    out.append(
        f'<text x="12" y="{top + ph / 2:.0f}" text-anchor="middle" transform="rotate(-90 12 {top + ph / 2:.0f})">'
        f"{_e(y_label)}</text>"
    )
    for label, v in hlines:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#d62728" '
            f'stroke-dasharray="6 4"><title>{_e(label)}: {v:g}</title></line>'
            f'<text x="{left + pw - 2}" y="{py(v) - 3:.1f}" text-anchor="end" style="fill:#d62728">'
            f"{_e(label)} {v:g}</text>"
        )
    for i, (label, sx, sy, color) in enumerate(series):
        for seg in _segments(sx, sy):
            d = " ".join(f"{'M' if j == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for j, (x, y) in enumerate(seg))
            out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="1.6"/>')
            if points:
                out.extend(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>' for x, y in seg)
        if len(series) > 1:
            out.append(
                f'<text x="{left + 8 + 70 * i}" y="{top + 14}" style="fill:{color};font-weight:600">{_e(label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    segs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if y is None:
            if segs[-1]:
                segs.append([])
        else:
            segs[-1].append((x, y))
    return [s for s in segs if s]


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 6) for i in range(int((hi - first) / step) + 1)]
