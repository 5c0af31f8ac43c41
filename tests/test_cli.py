"""The CLI end to end on real clips from ../shared/media (runs in CI)."""

import json

import numpy as np
import pytest

from formcheck.app.cli import main
from tests.conftest import ROOT, media

pytestmark = [pytest.mark.model, pytest.mark.media]


@pytest.fixture(scope="module")
def kneeling(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    js, vid = out / "kneel.json", out / "kneel.mp4"
    assert (
        main(
            [
                "analyse",
                "-q",
                str(media("kneeling_hip_flexor_stretch__side__skatefit.mp4")),
                "--json",
                str(js),
                "--out",
                str(vid),
            ]
        )
        == 0
    )
    return json.loads(js.read_text()), vid


def test_kneeling_stretch_person_found_in_most_frames(kneeling):
    doc, _ = kneeling
    assert doc["summary"]["frames"] == 543
    assert doc["summary"]["person_fraction"] >= 0.9


def test_kneeling_stretch_front_knee_during_hold(kneeling):
    """He faces image left, right leg in front, left knee down; from ~5 s to ~16 s he holds the stretch, rocking
    gently (front knee ~90 deg upright, ~50 deg at the forward end). Watched frame by frame."""
    doc, _ = kneeling
    hold = [f for f in doc["frames"] if 5.0 <= f["timestamp_s"] <= 16.0]
    knee = np.array([f["right_knee"] for f in hold], dtype=float)
    assert np.isnan(knee).sum() == 0
    assert 70.0 <= np.median(knee) <= 110.0
    upright = np.array(
        [f["right_knee"] for f in hold if f["trunk_vs_vertical"] is not None and f["trunk_vs_vertical"] < 5.0],
        dtype=float,
    )
    assert len(upright) > 30 and 80.0 <= np.median(upright) <= 100.0
    # the rear (kneeling) thigh is in line with or behind the trunk, the front thigh forward at ~90
    assert np.median([f["left_hip_flexion"] for f in hold]) < 10.0
    assert 70.0 <= np.median([f["right_hip_flexion"] for f in hold]) <= 110.0
    assert {f["near_side"] for f in hold} == {"left"}


def test_annotated_video_written(kneeling):
    import cv2

    _, vid = kneeling
    cap = cv2.VideoCapture(str(vid))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) == 543
    assert max(cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == 1280


def test_no_person_clip(tmp_path, capsys):
    csv = tmp_path / "tree.csv"
    assert (
        main(
            ["analyse", str(ROOT / "sample_videos" / "no_person_tree_hand_at_end__opencv_tree.avi"), "--csv", str(csv)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "frames with person:  0 (0%)" in out or "No person was found" in out or "found in" in out
    rows = csv.read_text().splitlines()[1:]
    tree_part = [r for r in rows if float(r.split(",")[1]) < 25.0]  # the hand only enters in the last seconds
    assert tree_part and all(r.split(",")[2] == "False" for r in tree_part)
    assert "nan" not in csv.read_text().lower()
    assert "Traceback" not in out


def test_still_image(capsys):
    assert main(["analyse", str(ROOT / "sample_videos" / "messi5.jpg")]) == 0
    assert "landmarks per person: 33" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content,expect",
    [
        (b"", "empty (0 bytes)"),
        (b"just some text, renamed\n" * 10, "text file, not a video"),
        (bytes(range(256)) * 40, "not a readable video"),
    ],
)
def test_bad_files_give_one_line_error(tmp_path, capsys, content, expect):
    p = tmp_path / "upload.mp4"
    p.write_bytes(content)
    assert main(["analyse", str(p)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and expect in err and err.startswith("formcheck: error: upload.mp4")


def test_truncated_file_is_reported(tmp_path, capsys):
    data = media("reverse_lunge__side__gymtastic.mp4").read_bytes()
    cut = tmp_path / "lunge_cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    code = main(["analyse", "-q", str(cut)])
    captured = capsys.readouterr()
    if code == 1:  # the index sat at the end of the file: nothing decodable
        assert "lunge_cut.mp4" in captured.err and captured.err.count("\n") == 1
    else:
        assert "looks cut off or damaged" in captured.out


@pytest.mark.model
@pytest.mark.media
def test_exercise_auto_checks_the_exercise_it_looks_like(tmp_path, capsys):
    out = tmp_path / "bridge.webm"
    assert (
        main(
            [
                "analyse",
                str(media("glute_bridge__side__skatefit.mp4")),
                "--exercise",
                "auto",
                "--model",
                "lite",
                "-q",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Exercise: looks like Ground bridge with pelvic tilt" in text and "full reps:           both 3" in text
    assert out.stat().st_size > 10_000  # drawn after the suggestion, with the bridge's cues


@pytest.mark.parametrize("verbose", [False, True])
def test_mediapipe_log_lines_are_hidden_unless_verbose(verbose, tmp_path):
    """MediaPipe / TFLite print C++ INFO and W0000 lines on start-up: silent by default, shown with --verbose."""
    import subprocess
    import sys

    clip = tmp_path / "clip.mp4"
    from formcheck.media.video import AnnotatedVideoWriter

    with AnnotatedVideoWriter(clip, 10) as w:  # a few plain frames: nobody in view, but the model starts up
        for i in range(5):
            w.write(np.full((240, 320, 3), 40 * i, np.uint8))
    cmd = [sys.executable, "-m", "formcheck", "analyse", str(clip), "-q", *(["--verbose"] if verbose else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    native = [line for line in done.stderr.splitlines() if line.startswith(("W0000", "I0000", "INFO: Created"))]
    assert "Summary for clip.mp4" in done.stdout
    assert bool(native) is verbose, done.stderr
