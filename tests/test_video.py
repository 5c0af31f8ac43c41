import cv2
import numpy as np
import pytest

from formcheck.errors import InputError
from formcheck.media.video import AnnotatedVideoWriter, VideoSource
from tests.conftest import ROOT


def test_reads_frames_with_increasing_timestamps(small_video):
    src = VideoSource(small_video)
    assert (src.info.width, src.info.height) == (320, 240)
    frames = list(src)
    assert len(frames) == 60
    ts = [f.timestamp_s for f in frames]
    assert all(b > a for a, b in zip(ts, ts[1:]))
    assert ts[-1] == pytest.approx(59 / 30, abs=0.02)


@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_writer_output_is_decodable_in_browser_codecs(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    with AnnotatedVideoWriter(path, 25.0, max_side=200) as w:
        for i in range(10):
            w.write(np.full((300, 400, 3), i * 20, np.uint8))
    cap = cv2.VideoCapture(str(path))
    fourcc = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode(errors="replace").lower()
    n = 0
    while cap.read()[0]:
        n += 1
    assert n == 10
    assert (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (200, 150)
    assert fourcc in ({"avc1", "h264"} if suffix == ".mp4" else {"vp90", "vp09"})


def test_writer_rejects_non_browser_formats(tmp_path):
    with pytest.raises(ValueError, match="path must end in .mp4"):
        AnnotatedVideoWriter(tmp_path / "x.avi", 30)
    with pytest.raises(ValueError, match="fps"):
        AnnotatedVideoWriter(tmp_path / "x.mp4", 0)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty \\(0 bytes\\)"):
        VideoSource(p)


def test_text_renamed_mp4(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("shopping list: eggs, milk\n" * 20)
    with pytest.raises(InputError, match="text file, not a video"):
        VideoSource(p)


def test_truncated_video_is_flagged(tmp_path):
    full = tmp_path / "full.mp4"
    with AnnotatedVideoWriter(full, 30.0) as w:
        for i in range(60):
            w.write(np.random.default_rng(i).integers(0, 255, (240, 320, 3), dtype=np.uint8))
    whole = VideoSource(full)
    assert len(list(whole)) == 60 and not whole.truncated
    cut = tmp_path / "cut.mp4"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # moov atom at the front (faststart), frame data cut off
    src = VideoSource(cut)
    frames = list(src)
    assert 0 < len(frames) < 60
    assert src.truncated


def test_random_bytes(tmp_path):
    p = tmp_path / "noise.mp4"
    p.write_bytes(np.random.default_rng(1).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match="noise.mp4: (not a readable video|no frame could be decoded)"):
        list(VideoSource(p))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        VideoSource(tmp_path / "nope.mp4")


def test_still_image_is_one_frame(tmp_path):
    src = VideoSource(ROOT / "sample_videos" / "messi5.jpg")
    frames = list(src)
    assert src.info.is_image and len(frames) == 1 and frames[0].image.shape == (342, 548, 3)


def test_gif_is_read(tmp_path, small_video):
    gif = tmp_path / "anim.gif"
    import av

    with av.open(str(gif), "w") as c:
        s = c.add_stream("gif", rate=10)
        s.width, s.height, s.pix_fmt = 64, 48, "rgb8"
        for i in range(5):
            for pkt in s.encode(av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 40, np.uint8), format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    assert len(list(VideoSource(gif))) == 5
