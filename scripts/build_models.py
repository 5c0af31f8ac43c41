"""Rebuild models/pose_landmarker_{full,lite}.task from upstream MediaPipe artefacts.

Provenance (see models/README.md):
  pose_detector.tflite            <- mediapipe==0.10.21 wheel: mediapipe/modules/pose_detection/pose_detection.tflite
  pose_landmarks_detector.tflite  <- full:  same wheel, mediapipe/modules/pose_landmark/pose_landmark_full.tflite
                                     lite:  npm @mediapipe/pose, pose_landmark_lite.tflite
Both get NormalizationOptions metadata (detector mean/std 127.5/127.5, landmark model 0/255), without which the
Tasks API refuses a float32 input tensor. A .task bundle is a stored (uncompressed) zip of the two files.

Needs network access to PyPI and the npm registry (install time only) and `npm` on PATH:
    python scripts/build_models.py --out models [--check] [--heavy-to DIR]
``--heavy-to`` also writes the heavy landmark model (npm ``pose_landmark_heavy.tflite``), which is not shipped: it is
3.4x slower than full and, on the hand-marked frames, not much more accurate (bench/model_angles.py).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from pathlib import Path

LOG = logging.getLogger("build_models")

WHEEL_SPEC = "mediapipe==0.10.21"
NPM_SPEC = "@mediapipe/pose"
DESCRIPTION = "BlazePose (MediaPipe, Apache-2.0) with normalization metadata"
# zip entry timestamps of the shipped bundles, so that a rebuild is byte-identical
ZIP_DATE = {"full": (2026, 11, 24, 5, 46, 32), "lite": (2026, 11, 24, 5, 47, 34)}
EXPECTED_SHA256 = {
    "full": "ea3bc17e81d909c5719320a92fe59da161dcf5bd3e2209f1338a40f0d681a1ea",
    "lite": "5c941ba4a4d34bb478f265874fadb26bd9e309f9acfc7e1469523fea660df7aa",
}
DETECTOR_OUTPUTS = 2
LANDMARKER_OUTPUTS = 5


def _stub_metadata_version() -> None:
    """mediapipe 1.x ships metadata_writers without its compiled version helper; provide the one function used."""
    names = ["mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata", "mediapipe.tasks.cc.metadata.python"]
    for name in names:
        sys.modules.setdefault(name, types.ModuleType(name))
    stub = types.ModuleType("_pywrap_metadata_version")
    stub.GetMinimumMetadataParserVersion = lambda _buf: "1.0.0"  # what the schema used here requires
    sys.modules["mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"] = stub


def _fetch_wheel_files(workdir: Path) -> dict[str, bytes]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.11",
            "--platform",
            "manylinux_2_28_x86_64",
            "--platform",
            "manylinux2014_x86_64",
            "-d",
            str(workdir),
            WHEEL_SPEC,
        ],
        check=True,
    )
    wheel = next(workdir.glob("mediapipe-0.10.21-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return {
            "detector": zf.read("mediapipe/modules/pose_detection/pose_detection.tflite"),
            "full": zf.read("mediapipe/modules/pose_landmark/pose_landmark_full.tflite"),
        }


def _fetch_npm_files(workdir: Path) -> dict[str, bytes]:
    out = (
        subprocess.run(
            ["npm", "pack", NPM_SPEC, "--pack-destination", str(workdir)], check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    with tarfile.open(workdir / out) as tf:
        return {name: tf.extractfile(f"package/pose_landmark_{name}.tflite").read() for name in ("lite", "heavy")}


def _with_metadata(model: bytes, name: str, mean: float, std: float, n_outputs: int) -> bytes:
    _stub_metadata_version()
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, DESCRIPTION)
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in range(n_outputs):
        writer.add_feature_output()
    buf, _json = writer.populate()
    del writer  # its __del__ removes a temp folder; run it now, not at interpreter exit when tempfile is gone
    return bytes(buf)


def _bundle(detector: bytes, landmarker: bytes, date: tuple[int, ...]) -> bytes:
    """A .task bundle as mediapipe's create_model_asset_bundle writes it (stored, 4-byte aligned), fixed dates."""
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    out = io.BytesIO()
    with AlignZipFile(out, mode="w", alignment=4) as zf:
        for name, data in (("pose_detector.tflite", detector), ("pose_landmarks_detector.tflite", landmarker)):
            info = zipfile.ZipInfo(name, date_time=date)
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return out.getvalue()


def build(out_dir: Path, check: bool, heavy_to: Path | None = None) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = _fetch_wheel_files(Path(tmp)) | _fetch_npm_files(Path(tmp))
    detector = _with_metadata(raw["detector"], "pose_detector", 127.5, 127.5, DETECTOR_OUTPUTS)
    mismatches = 0
    for variant in ("full", "lite"):
        landmarker = _with_metadata(raw[variant], "pose_landmarks_detector", 0.0, 255.0, LANDMARKER_OUTPUTS)
        data = _bundle(detector, landmarker, ZIP_DATE[variant])
        digest = hashlib.sha256(data).hexdigest()
        ok = digest == EXPECTED_SHA256[variant]
        mismatches += not ok
        LOG.info("%s: sha256 %s (%s)", variant, digest, "matches" if ok else "DIFFERS from the shipped bundle")
        if not check:
            (out_dir / f"pose_landmarker_{variant}.task").write_bytes(data)
    if heavy_to is not None:  # not shipped: 3.4x slower than full, for measuring (bench/model_angles.py)
        heavy_to.mkdir(parents=True, exist_ok=True)
        landmarker = _with_metadata(raw["heavy"], "pose_landmarks_detector", 0.0, 255.0, LANDMARKER_OUTPUTS)
        (heavy_to / "pose_landmarker_heavy.task").write_bytes(_bundle(detector, landmarker, ZIP_DATE["full"]))
        LOG.info("heavy: written to %s (not shipped)", heavy_to)
    return 1 if check and mismatches else 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "models")
    parser.add_argument("--check", action="store_true", help="rebuild in memory and compare sha256; write nothing")
    parser.add_argument("--heavy-to", type=Path, help="also write the heavy model (not shipped) into this folder")
    args = parser.parse_args()
    return build(args.out, args.check, args.heavy_to)


if __name__ == "__main__":
    sys.exit(main())
