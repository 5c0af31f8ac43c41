from __future__ import annotations

import functools
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from formcheck.media.video import AnnotatedVideoWriter
from formcheck.values import FrameResult

if TYPE_CHECKING:
    from formcheck.pose.estimator import Variant

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT.parent / "shared" / "media"
TRUTH = ROOT / "tests" / "data" / "ground_truth.json"
LOG = logging.getLogger(__name__)
logging.getLogger("formcheck").setLevel(logging.INFO)

# The pose cache: a recording's frames (``analyse_recording(path, model)[0]``) stored the first time a test needs them,
# so each real clip goes through MediaPipe once per test run, and every later test (or `evaluate`'s worker process)
# that only needs those frames reads them back. Its folder is this run's temporary one, unless
# FORMCHECK_TEST_POSE_CACHE names a folder to keep across runs; a file is keyed by the clip's and the model's sha256
# and the code that makes the frames (POSE_CODE, and the mediapipe, OpenCV and numpy versions).
POSE_CACHE = "FORMCHECK_TEST_POSE_CACHE"
POSE_CODE = (
    "formcheck/pose",
    "formcheck/media/video.py",
    "formcheck/landmarks.py",
    "formcheck/values.py",
    "formcheck/app/recording.py",
    "formcheck/settings.py",
)
_WARM_UP = pytest.StashKey[bool]()
_WARMING = pytest.StashKey[multiprocessing.process.BaseProcess]()


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest runs a page as ``__main__`` and leaves it there; a process pool started later (formcheck
    batch, evaluate --jobs) would then re-run that page in every spawned worker. Put pytest's own back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_WARM_UP] = any(item.get_closest_marker("truth_clips") for item in items)


@pytest.fixture(scope="session", autouse=True)
def _pose_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The pose cache's folder for this run (in the environment, so worker processes find it too). When a test that
    scores every ground-truth clip is selected (marked ``truth_clips``), a background process at the lowest priority
    fills the cache with those clips from the start of the run, last clip first (``evaluate``'s workers start from
    the first), until that test ends: on a machine with a core to spare the model's work overlaps the tests before,
    and where there is none it gets next to no CPU and ``evaluate`` analyses the clips itself. Each clip still goes
    through the model once (one or two twice, where the two meet)."""
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get(POSE_CACHE):
            mp.setenv(POSE_CACHE, str(tmp_path_factory.mktemp("pose-cache")))
        if request.config.stash.get(_WARM_UP, False):
            clips = [str(MEDIA / c["file"]) for c in json.loads(TRUTH.read_text())["clips"]]
            warm_up = multiprocessing.get_context("spawn").Process(
                target=_fill_pose_cache, args=(clips[::-1],), name="pose-cache-warm-up", daemon=True
            )
            warm_up.start()
            request.config.stash[_WARMING] = warm_up
        yield
        _stop_warm_up(request.config)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    if item.get_closest_marker("truth_clips"):  # every truth clip is in the cache now
        _stop_warm_up(item.config)


def _stop_warm_up(config: pytest.Config) -> None:
    warm_up = config.stash.get(_WARMING, None)
    if warm_up is not None:
        warm_up.terminate()
        warm_up.join()
        del config.stash[_WARMING]


def _fill_pose_cache(paths: list[str]) -> None:
    os.nice(19)
    for path in paths:
        try:
            if not _cache_file(Path(path), "full").is_file():
                analysed(Path(path))
        except Exception:  # a clip that cannot be analysed fails its test, which analyses it again and says why
            LOG.debug("pose cache warm-up: %s failed", path, exc_info=True)


@functools.cache
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@functools.cache
def _code_sha256() -> str:
    import cv2
    import mediapipe

    h = hashlib.sha256(f"{mediapipe.__version__} {cv2.__version__} {np.__version__}".encode())
    for top in POSE_CODE:
        for f in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else [ROOT / top]:
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _cache_file(path: Path, model: Variant) -> Path:
    from formcheck.pose.estimator import model_path

    key = f"{_sha256(path)[:20]}-{model}-{_sha256(model_path(model))[:12]}-{_code_sha256()[:12]}"
    return Path(os.environ[POSE_CACHE]) / f"{key}.pickle"


def analysed(path: Path, model: Variant = "full") -> list[FrameResult]:
    """``analyse_recording(path, model)[0]`` through the pose cache (the real model the first time in a run); a
    fresh copy each call. Picklable, so ``evaluate``'s worker processes share it."""
    from formcheck.app.recording import analyse_recording

    stored = _cache_file(Path(path), model) if os.environ.get(POSE_CACHE) else None
    if stored is not None and stored.is_file():
        return pickle.loads(stored.read_bytes())
    results = analyse_recording(path, model)[0]
    if stored is not None:
        tmp = stored.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(stored)
        LOG.debug("pose cache: %s analysed with the %s model, stored as %s", Path(path).name, model, stored.name)
    return results


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
