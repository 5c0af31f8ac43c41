"""Command line: ``formcheck analyse VIDEO [--out annotated.mp4] [--json F | --csv F] [--exercise NAME]``."""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from formcheck.app.history import DEFAULT_PROFILE
from formcheck.checking.report import Report
from formcheck.errors import FormcheckError, one_line
from formcheck.values import FrameResult, Summary

if TYPE_CHECKING:
    from formcheck.app.evaluate import Totals
    from formcheck.checking.session import ExerciseSession

LOG = logging.getLogger("formcheck")
PRINTED_ANGLES = (
    "left_knee",
    "right_knee",
    "left_hip",
    "right_hip",
    "left_hip_flexion",
    "right_hip_flexion",
    "trunk_vs_vertical",
)


def _fmt(v: float) -> str:
    return f"{v:6.1f}" if math.isfinite(v) else "     -"


class Progress:
    """A text progress bar on stderr when it is a terminal; silent otherwise (CI logs stay readable)."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (done % 5 and done != total):
            return
        frac = min(done / total, 1.0) if total > 0 else 0.0
        bar = "#" * int(frac * self.width)
        self.stream.write(f"\r[{bar:<{self.width}}] {frac:4.0%} {done}/{total or '?'} frames")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def print_frames(results: Sequence[FrameResult], out: TextIO) -> None:
    out.write("frame     t_s person view      " + " ".join(f"{n[:10]:>10}" for n in PRINTED_ANGLES) + "\n")
    for r in results:
        who = "yes" if r.detected else ("held" if r.pose is not None else "no")
        vals = " ".join(f"{_fmt(r.angles.get(n, float('nan'))):>10}" for n in PRINTED_ANGLES)
        out.write(f"{r.index:5d} {r.timestamp_s:7.2f} {who:>6} {r.view:<8} {vals}\n")


def print_summary(s: Summary, out: TextIO) -> None:
    out.write(f"\nSummary for {one_line(Path(s.source).name)}\n")
    out.write(f"  frames:              {s.frames}\n")
    out.write(f"  frames with person:  {s.frames_with_person} ({s.person_fraction:.0%})\n")
    out.write(f"  landmarks per person: {s.landmarks}\n")
    if s.frames_multi_person:
        out.write(f"  frames with >1 person: {s.frames_multi_person}\n")
    out.write(
        f"  duration:            {s.duration_s:.2f} s" + (f" at {s.video_fps:.2f} fps\n" if s.video_fps else "\n")
    )
    out.write(f"  processing speed:    {s.processing_fps:.1f} frames/s\n")
    for m in s.messages:
        out.write(f"  note: {one_line(m)}\n")


def print_report(r: Report, out: TextIO) -> None:
    out.write(f"\nExercise: {r.exercise} ({r.prescription})\n")
    out.write(f"  judged frames:       {r.frames_judged} of {r.frames_total}\n")
    if r.reps:
        out.write("  full reps:           " + ", ".join(f"{k} {v}" for k, v in r.reps.items()) + "\n")
        if any(r.partial_reps.values()):
            out.write("  partial reps:        " + ", ".join(f"{k} {v}" for k, v in r.partial_reps.items()) + "\n")
        for row in r.rep_table():
            rom = f", range {row['rom_deg']:.0f} deg" if row["rom_deg"] is not None else ""
            angle = row["angle"].split(" (")[0]
            out.write(
                f"    rep {row['rep']:2d}: {row['side'] or 'both':9s} at {row['start_s']:6.2f} s, top "
                f"{row['time_at_top_s']:4.1f} s, {angle} peak {row['peak_deg']} deg{rom}: {row['verdict']}\n"
            )
        if r.symmetry is not None:
            out.write(f"  left/right symmetry: {r.symmetry:.0%}\n")
    if r.holds:
        out.write(
            "  holds completed:     " + (", ".join(f"{k} {v}" for k, v in r.holds_completed.items()) or "none") + "\n"
        )
        for h in r.holds:
            out.write(
                f"    hold: {h.side or '':5s} from {h.start_s:6.2f} s for {h.words()}"
                f"{' (target reached)' if h.completed else ''}\n"
            )
    for e in r.fault_events:
        where = ", ".join(x for x in (e.side or "", f"rep {e.rep}" if e.rep is not None else "") if x)
        out.write(f"  fault at {e.start_s:6.2f} s{f' ({where})' if where else ''}: {e.words()}. {e.message}\n")


def cmd_analyse(args: argparse.Namespace) -> int:
    from formcheck.app import export
    from formcheck.app.recording import analyse_recording, render_annotated
    from formcheck.checking.session import ExerciseSession
    from formcheck.exercises import get
    from formcheck.files import atomic_write

    auto = args.exercise == "auto"
    session = ExerciseSession(get(args.exercise)) if args.exercise and not auto else None
    progress = Progress()
    try:
        results, summary = analyse_recording(
            args.video, args.model, out=None if auto else args.out, progress=progress, session=session
        )
    finally:
        progress.close()
    if auto:
        session = _suggested_session(results)
        if args.out:
            render_annotated(args.video, results, args.out)
    if not args.quiet:
        print_frames(results, sys.stdout)
    print_summary(summary, sys.stdout)
    report = session.report() if session is not None else None
    if report is not None:
        print_report(report, sys.stdout)
    if args.json:
        extra = {"report": export.report_dict(report)} if report is not None else None
        atomic_write(args.json, export.to_json(results, summary, extra))
        LOG.info("wrote %s", args.json)
    if args.csv:
        atomic_write(args.csv, export.to_csv(results))
        LOG.info("wrote %s", args.csv)
    if args.out:
        LOG.info("wrote %s", args.out)
    return 0


def _suggested_session(results: list[FrameResult]) -> ExerciseSession | None:
    """``--exercise auto``: check the recording as the exercise it most looks like, or say it can't tell."""
    from formcheck.app.recording import apply_session
    from formcheck.checking.suggest import not_recognised, suggest_exercise
    from formcheck.exercises import REGISTRY

    ranked = suggest_exercise(results)
    if not ranked or not ranked[0].confident:
        print(f"\nExercise: {not_recognised(ranked)} (--exercise NAME)")
        return None
    best = ranked[0]
    print(f"\nExercise: looks like {REGISTRY[best.exercise].name} (match {best.score:.0%})")
    return apply_session(results, best.exercise)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from formcheck.app.evaluate import EvaluationError, angle_breakdown, by_split, evaluate_all, load, to_json
    from formcheck.files import atomic_write

    clips = load(Path(args.ground_truth))
    if args.split:
        clips = [c for c in clips if c.split == args.split]
        if not clips:
            raise EvaluationError(f"{args.ground_truth}: no clip in split {args.split!r}")
    if args.json:
        from formcheck.app.outputs import check_outputs

        check_outputs(args.ground_truth, {"--json": args.json})
    results = evaluate_all(clips, Path(args.media), args.model, args.jobs, args.synthetic_faults)
    print(
        f"{'clip':50s} {'split':8s} {'exercise':18s} {'true':>10s} {'found':>10s} {'partial':>8s} {'hold err':>9s} "
        f"{'angle err':>10s} {'suggested':>18s}"
    )
    for r in results:
        fmt = lambda d: ",".join(f"{k[0]}{v}" for k, v in d.items()) or "-"  # noqa: E731
        hold = ",".join(f"{e:.1f}s" for e in r.hold_errors_s.values()) or "-"
        ang = ",".join(f"{e:.0f}" for e in r.angle_errors_deg) or "-"
        sug = "-" if r.suggested is None else f"{r.suggested}{'' if r.suggestion_ok else ' (x)'}"
        print(
            f"{r.file[:50]:50s} {r.split:8s} {r.exercise or 'none':18s} {fmt(r.true_reps):>10s} "
            f"{fmt(r.predicted_reps):>10s} {fmt(r.partial_reps):>8s} {hold:>9s} {ang:>10s} {sug:>18s}"
        )
    parts = by_split(results)
    for name, t in parts.items():
        print(
            f"\n{name.capitalize()}: {t.clips} clips, {t.count_items} counts: exact {t.exact_rate:.0%}, "
            f"OBO {t.obo:.0%}, MAE {t.mae:.3f}, max hold error {t.max_hold_error_s:.1f} s; "
            f"{t.angle_items} marked angles: median error {t.median_angle_error_deg:.1f} deg, "
            f"max {t.max_angle_error_deg:.1f} deg; suggestion right on {t.suggest_accuracy:.0%} of "
            f"{t.suggest_items} recordings"
        )
        print(
            f"  faults: {t.false_alarms} false alarms on {t.clean_clips} clean clips ({t.clean_reps} reps): "
            f"{t.false_alarms_per_rep:.3f} per rep; labelled faults found {t.faults_found}/{t.faults_labelled} "
            f"({t.fault_recall:.0%}), {t.unlabelled_faults} unlabelled"
            + (
                f"; semi-synthetic found {t.synthetic_found}/{t.synthetic_faults} ({t.synthetic_recall:.0%})"
                if args.synthetic_faults
                else ""
            )
        )
        if t.recall_by_criterion:
            print("  recall by criterion: " + ", ".join(f"{k} {v:.0%}" for k, v in t.recall_by_criterion.items()))
        if t.angle_items:
            print(f"  {angle_breakdown(t)}")
    if args.json:
        atomic_write(args.json, to_json(results))
        LOG.info("wrote %s", args.json)
    failures = _below_thresholds(parts["all"], args)
    for f in failures:
        print(f"BELOW THRESHOLD: {f}", file=sys.stderr)
    return 3 if failures else 0


def _below_thresholds(t: Totals, args: argparse.Namespace) -> list[str]:
    checks = [
        (t.obo < args.min_obo, f"OBO {t.obo:.0%} < {args.min_obo:.0%}"),
        (t.exact_rate < args.min_exact, f"exact {t.exact_rate:.0%} < {args.min_exact:.0%}"),
        (t.mae > args.max_mae, f"MAE {t.mae:.3f} > {args.max_mae:.3f}"),
        (t.max_hold_error_s > args.max_hold_error, f"hold error {t.max_hold_error_s:.1f} s > {args.max_hold_error} s"),
        (
            t.median_angle_error_deg > args.max_median_angle_error,
            f"median angle error {t.median_angle_error_deg:.1f} deg > {args.max_median_angle_error} deg",
        ),
        (
            t.max_angle_error_deg > args.max_angle_error,
            f"angle error {t.max_angle_error_deg:.1f} deg > {args.max_angle_error} deg",
        ),
        (
            t.suggest_accuracy < args.min_suggest_accuracy,
            f"suggestion accuracy {t.suggest_accuracy:.0%} < {args.min_suggest_accuracy:.0%}",
        ),
        (
            t.false_alarms_per_rep > args.max_false_alarms_per_rep,
            f"false alarms {t.false_alarms_per_rep:.3f} per rep > {args.max_false_alarms_per_rep}",
        ),
        (
            min(t.fault_recall, t.synthetic_recall) < args.min_fault_recall,
            f"fault recall {min(t.fault_recall, t.synthetic_recall):.0%} < {args.min_fault_recall:.0%} "
            f"(labelled {t.fault_recall:.0%}, semi-synthetic {t.synthetic_recall:.0%})",
        ),
    ]
    return [msg for failed, msg in checks if failed]


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction in [0, 1], got {text}")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0.0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def cmd_app(args: argparse.Namespace) -> int:
    """``formcheck app``: the web app on this machine (127.0.0.1), or on the network with ``--lan`` and a passcode;
    ``--https`` serves it with a self-signed certificate made here (what a phone needs for its camera)."""
    import signal
    import subprocess

    from formcheck import settings
    from formcheck.app.access import check_serving, serve_command

    script = Path(__file__).resolve().parents[1] / "ui" / "server.py"
    passcode = settings.passcode()
    check_serving(args.lan, args.port, passcode)  # before making anything
    cert = None
    if args.https:
        from formcheck.app.tls import ensure_certificate

        cert = ensure_certificate(settings.db_path().parent / "tls")
    command = serve_command(args.lan, args.port, passcode, settings.max_upload_mb(), script, cert)
    LOG.info("formcheck app on %s", "the network (sign-in with the passcode)" if args.lan else "this machine only")
    if cert is not None:
        from formcheck.app.tls import lan_addresses

        hosts = (lan_addresses() if args.lan else []) or ["localhost"]
        urls = " or ".join(f"https://{h}:{args.port}" for h in hosts)
        LOG.info("https with a self-signed certificate (%s): open %s", cert.cert, urls)
        LOG.info("the browser warns once about the certificate; its SHA-256 fingerprint is %s", cert.fingerprint)
    child = subprocess.Popen(command)
    signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))  # stopping us stops the server
    try:
        return child.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the server too: let it finish
        child.wait()
        return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """``formcheck batch DIR|GLOB``: every recording, one task each, with a progress bar and ``results.csv``."""
    from tqdm import tqdm

    from formcheck.app.batch import find_recordings, run_batch
    from formcheck.app.outputs import check_output_folder

    check_output_folder("--out", args.out)  # before anything is read: a results folder that cannot be is said first
    total = len(find_recordings(args.recordings))
    bar = tqdm(total=total, unit="rec", desc="batch", file=sys.stderr, disable=args.quiet or None)

    def on_row(row: dict, skipped: bool) -> None:
        status = "skip" if skipped else ("ok" if row.get("status") == "done" else "ERROR")
        what = row.get("error") if row.get("status") != "done" else _row_line(row)
        bar.write(f"{status:5s} {Path(row['file']).name}: {what}", file=sys.stdout)
        bar.set_postfix_str(Path(row["file"]).name[:30], refresh=False)
        bar.update(1)

    try:
        outcome = run_batch(
            args.recordings,
            args.out,
            exercise=args.exercise,
            model=args.model,
            engine=args.engine,
            jobs=args.jobs,
            address=args.address,
            retry_errors=args.retry_errors,
            on_row=on_row,
        )
    finally:
        bar.close()
    frames = sum(int(r.get("frames") or 0) for r in outcome.rows)
    print(
        f"{len(outcome.rows)} recordings: {outcome.analysed} analysed, {outcome.skipped} already done, "
        f"{outcome.failed} with an error; {outcome.seconds:.1f} s ({frames} frames in all). Wrote {outcome.csv_path}"
    )
    return 0


def _row_line(row: dict) -> str:
    reps = ", ".join(
        f"{side} {row.get(f'reps_full_{side}')}" for side in ("left", "right", "both") if row.get(f"reps_full_{side}")
    )
    holds = sum(int(row.get(f"holds_{side}") or 0) for side in ("left", "right", "both"))
    parts = [
        row.get("exercise") or "exercise unknown",
        f"reps {reps}" if reps else "",
        f"holds {holds}" if holds else "",
    ]
    return ", ".join(p for p in parts if p) + f" ({row.get('processing_s', 0)} s)"


def cmd_report(args: argparse.Namespace) -> int:
    """``formcheck report SESSION_ID``: the clinician report of a stored session as one HTML file."""
    from formcheck.app.clinician import history_report_html
    from formcheck.app.history import History
    from formcheck.app.outputs import check_outputs
    from formcheck.files import atomic_write

    out = Path(args.out or f"formcheck_session_{args.session_id}.html")
    history = History(args.db) if args.db else History()
    try:
        outputs = {"--out": out, "--pdf": out.with_suffix(".pdf") if args.pdf else None}
        check_outputs(history.path, outputs, what="history database")  # a report over it would destroy it
        doc = history_report_html(history, args.session_id)
    finally:
        history.close()
    atomic_write(out, doc)
    print(f"Wrote {out} (open it in a browser; print it to PDF from there)")
    if args.pdf:
        from formcheck.app.clinician import html_to_pdf

        print(f"Wrote {html_to_pdf(out, out.with_suffix('.pdf'))}")
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from formcheck.app.history import History

    history = History(args.db) if args.db else History()
    try:
        rows = history.sessions(profile=args.profile)
    finally:
        history.close()
    if not rows:
        print(f"No sessions of profile {args.profile!r} in {history.path}")
        return 0
    print(f"{'id':>5} {'started (UTC)':25s} {'exercise':22s} {'from':7s} {'reps':>5} {'holds':>5} {'faults':>6} report")
    for s in rows:
        print(
            f"{s.id:5d} {s.started_utc:25s} {s.exercise:22s} {s.source:7s} {s.reps:5d} {s.holds:5d} {s.faults:6d} "
            f"{'yes' if s.ended else 'no'}"
        )
    return 0


def _exercise_keys() -> list[str]:
    from formcheck.exercises import REGISTRY

    return list(REGISTRY)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="formcheck", description="Camera-based form checker (offline).")
    verbose_help = "debug logging, and MediaPipe's / TFLite's own log lines (hidden by default)"
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    common = argparse.ArgumentParser(add_help=False)  # so --verbose also works after the command
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser(
        "analyse", aliases=["analyze"], parents=[common], help="analyse a recorded video or a still image"
    )
    a.add_argument("video", help="video file (mp4, mov, webm, avi, gif...) or image (jpg, png)")
    a.add_argument("--out", help="write an annotated, browser-playable video (.mp4 = H.264, .webm = VP9)")
    fmt = a.add_mutually_exclusive_group()
    fmt.add_argument("--json", help="write per-frame angles and the summary as JSON")
    fmt.add_argument("--csv", help="write per-frame angles as CSV")
    a.add_argument("--model", choices=("full", "lite"), default="full", help="pose model (default: full)")
    a.add_argument(
        "--exercise",
        choices=["auto", *sorted(_exercise_keys())],
        help="check this exercise: reps, holds, faults ('auto': the one it looks like)",
    )
    a.add_argument("-q", "--quiet", action="store_true", help="print only the summary, not every frame")
    a.set_defaults(func=cmd_analyse)
    e = sub.add_parser("evaluate", parents=[common], help="accuracy of counts and holds against a ground-truth file")
    e.add_argument("ground_truth", help="JSON file listing clips, exercises, true reps and holds")
    e.add_argument(
        "--media",
        default=str(Path(__file__).resolve().parents[3] / "shared" / "media"),
        help="folder holding the clips (default: ../shared/media)",
    )
    e.add_argument("--model", choices=("full", "lite"), default="full")
    e.add_argument("--split", choices=("tune", "heldout", "negative"), help="score only the clips of this split")
    e.add_argument("--json", help="write per-clip and total figures as JSON")
    e.add_argument("--jobs", type=int, default=None, help="clips analysed at once (default: every core)")
    e.add_argument("--min-obo", type=_fraction, default=0.0, help="fail below this off-by-one accuracy (0-1)")
    e.add_argument("--min-exact", type=_fraction, default=0.0, help="fail below this exact-count rate (0-1)")
    e.add_argument("--max-mae", type=_non_negative, default=math.inf, help="fail above this relative MAE")
    e.add_argument("--max-hold-error", type=_non_negative, default=math.inf, help="fail above this hold error (s)")
    e.add_argument(
        "--max-angle-error",
        type=_non_negative,
        default=math.inf,
        help="fail above this worst joint-angle error (degrees)",
    )
    e.add_argument(
        "--max-median-angle-error",
        type=_non_negative,
        default=math.inf,
        help="fail above this median joint-angle error (degrees)",
    )
    e.add_argument(
        "--min-suggest-accuracy",
        type=_fraction,
        default=0.0,
        help="fail below this share of recordings whose exercise --exercise auto gets right (0-1)",
    )
    e.add_argument(
        "--synthetic-faults",
        action="store_true",
        help="also put a semi-synthetic fault for every criterion into each clean clip and score its recall",
    )
    e.add_argument(
        "--max-false-alarms-per-rep",
        type=_non_negative,
        default=math.inf,
        help="fail above this many faults reported per rep on clips marked clean",
    )
    e.add_argument(
        "--min-fault-recall",
        type=_fraction,
        default=0.0,
        help="fail below this share of labelled (and semi-synthetic) faults found (0-1)",
    )
    e.set_defaults(func=cmd_evaluate)
    w = sub.add_parser("app", parents=[common], help="start the web app (this machine only unless --lan)")
    w.add_argument(
        "--lan", action="store_true", help="serve on the network: needs FORMCHECK_PASSCODE; everybody signs in"
    )
    w.add_argument("--port", type=int, default=8501, help="port to listen on (default: 8501)")
    w.add_argument(
        "--https",
        action="store_true",
        help="serve https with a self-signed certificate made on first use (phones allow the camera only on https)",
    )
    w.set_defaults(func=cmd_app)
    b = sub.add_parser("batch", parents=[common], help="analyse many recordings at once into OUT/results.csv")
    b.add_argument(
        "recordings", nargs="+", help="folders of recordings (searched recursively), files, or globs ('clips/*.mp4')"
    )
    b.add_argument("--out", required=True, help="folder for results.csv (and what lets a re-run skip finished files)")
    b.add_argument(
        "--exercise",
        choices=["auto", *sorted(_exercise_keys())],
        default="auto",
        help="the exercise every recording shows, or 'auto' to pick it per recording (default)",
    )
    b.add_argument("--model", choices=("full", "lite"), default="full", help="pose model (default: full)")
    b.add_argument(
        "--engine",
        choices=("local", "serial", "dask"),
        default="local",
        help="local: a process pool on this machine (default); serial: one process; dask: a Dask cluster",
    )
    b.add_argument("-j", "--jobs", type=int, help="worker processes (default: every core); dask: local workers")
    b.add_argument("--address", help="with --engine dask: join the running cluster at this scheduler address")
    b.add_argument("--retry-errors", action="store_true", help="analyse again the recordings that failed before")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_batch)
    r = sub.add_parser("report", parents=[common], help="a stored session's report for a physiotherapist (HTML)")
    r.add_argument("session_id", type=int, help="the session's number (the History page and `formcheck sessions`)")
    r.add_argument("-o", "--out", help="the HTML file to write (default: formcheck_session_ID.html)")
    r.add_argument("--db", help="the history database (default: FORMCHECK_DB or ~/.formcheck/history.sqlite)")
    r.add_argument("--pdf", action="store_true", help="also print it to a PDF beside it (needs Chromium installed)")
    r.set_defaults(func=cmd_report)
    ls = sub.add_parser("sessions", parents=[common], help="list the stored sessions (for formcheck report)")
    ls.add_argument("--db", help="the history database (default: FORMCHECK_DB or ~/.formcheck/history.sqlite)")
    ls.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        help=f"whose sessions (the name signed in with on the LAN app; default: {DEFAULT_PROFILE!r}, this machine's)",
    )
    ls.set_defaults(func=cmd_sessions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s: %(message)s")
    if args.verbose:
        from formcheck.pose.estimator import show_native_logs

        show_native_logs(True)
    if args.command == "batch" and args.address and args.engine != "dask":
        print("formcheck: error: --address needs --engine dask", file=sys.stderr)
        return 2
    if args.command in ("analyse", "analyze") and args.out and not str(args.out).lower().endswith((".mp4", ".webm")):
        print("formcheck: error: --out must end in .mp4 (H.264) or .webm (VP9), formats browsers play", file=sys.stderr)
        return 2
    try:
        if args.func is cmd_analyse:  # a bad output is one error now, not after the whole analysis
            from formcheck.app.outputs import check_outputs

            check_outputs(args.video, {"--out": args.out, "--json": args.json, "--csv": args.csv})
        return args.func(args)
    except FormcheckError as exc:
        print(f"formcheck: error: {one_line(str(exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
