"""Shared by the browser tests and scripts/readme_screenshots.py: serve the app on a free port and launch Debian's
Chromium with a fake camera fed from a y4m file (never `playwright install`: no downloads at run time)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def chromium_flags(fake_video: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        f"--use-file-for-fake-video-capture={fake_video}",
    ]


@contextmanager
def serving_app(db: Path, timeout_s: float = 30.0) -> Iterator[str]:
    """Run ``streamlit run app.py`` (history in ``db``) until the block ends; yields its URL."""
    with app_process(db, timeout_s) as (url, _proc):
        yield url


@contextmanager
def app_process(db: Path, timeout_s: float = 30.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """``serving_app`` that also yields the server's process (the live benchmark reads its CPU time)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = os.environ.get("FORMCHECK_APP_LOG")  # the server's output, for debugging a browser test
    log = open(log_path, "a") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ | {"FORMCHECK_DB": str(db)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start within {timeout_s:.0f} s") from None
                time.sleep(0.5)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(10)
        if log_path:
            log.close()
