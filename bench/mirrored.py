"""Mirrored recordings: each clip flipped left-right (the camera on the person's other side, or a selfie camera),
analysed as an upload, against its ground truth (counts per side swap with the mirror; totals must not change).

    python bench/mirrored.py CLIP [CLIP ...] [--truth tests/data/ground_truth.json] [--media DIR]

The flipped frames go to a temporary MJPG file (never into the project). Prints, per clip, the marked counts or
hold and what formcheck finds on the mirrored clip (reps per side, longest hold per side, faults, the suggested
exercise). Figures are measured, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.app.recording import analyse_recording, apply_session  # noqa: E402
from formcheck.checking.suggest import suggest_exercise  # noqa: E402

LOG = logging.getLogger("mirrored")


def mirror(src: Path, out: Path) -> None:
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    writer = None
    try:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            if writer is None:
                size = (image.shape[1], image.shape[0])
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
            writer.write(cv2.flip(image, 1))
    finally:
        cap.release()
        if writer is not None:
            writer.release()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--truth", type=Path, default=ROOT / "tests" / "data" / "ground_truth.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    args = parser.parse_args()
    truth = {c["file"]: c for c in json.loads(args.truth.read_text())["clips"]}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.clips:
            clip = truth[name]
            flipped = Path(tmp) / f"{Path(name).stem}.avi"
            mirror(args.media / name, flipped)
            results = analyse_recording(flipped, "full")[0]
            report = apply_session(results, clip["exercise"]).report()
            reps = {k: report.reps.get(k, 0) + report.partial_reps.get(k, 0) for k in report.reps}
            holds: dict[str, float] = {}
            for h in report.holds:
                holds[h.side or "both"] = max(holds.get(h.side or "both", 0.0), round(h.duration_s, 1))
            best = suggest_exercise(results)[0]
            LOG.info(
                "%-44s marked %s | mirrored: reps %s, holds %s, %d faults (%s), suggested %s",
                name[:44],
                clip.get("reps") or clip.get("hold_s"),
                reps,
                holds,
                len(report.fault_events),
                ", ".join(sorted({e.criterion for e in report.fault_events})) or "none",
                best.exercise if best.confident else "can't tell",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
