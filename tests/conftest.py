from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.media.video import AnnotatedVideoWriter

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT.parent / "shared" / "media"
logging.getLogger("formcheck").setLevel(logging.INFO)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest runs a page as ``__main__`` and leaves it there; a process pool started later (formcheck
    batch, evaluate --jobs) would then re-run that page in every spawned worker. Put pytest's own back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def media(name: str) -> Path:
    """A real clip from ../shared/media. Missing media is a failure, not a skip: CI always has ../shared."""
    path = MEDIA / name
    assert path.is_file(), f"{path} is missing: tests need ../shared/media beside the project"
    return path


@pytest.fixture(scope="session")
def small_video(tmp_path_factory) -> Path:
    """A 2-second 320x240 H.264 clip of a moving bar, made by formcheck's own writer."""
    path = tmp_path_factory.mktemp("vid") / "bar.mp4"
    with AnnotatedVideoWriter(path, 30.0) as w:
        for i in range(60):
            img = np.zeros((240, 320, 3), np.uint8)
            img[:, (i * 5) % 320 : (i * 5) % 320 + 20] = 255
            w.write(img)
    return path
