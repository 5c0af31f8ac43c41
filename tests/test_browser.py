"""End to end: the app in headless Debian Chromium, its fake camera fed from a real clip (runs in CI; .ci/run
installs chromium). Screenshots go to $FORMCHECK_SCREENSHOTS (default: the test's tmp dir); they show unlicensed footage, so never
commit them (scripts/readme_screenshots.py makes the README's from shippable media)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from formcheck.video import VideoSource, write_y4m
from tests.conftest import ROOT, media

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.media]
CHROMIUM = "/usr/bin/chromium"


def clip_frames(src: Path, start_s: float, seconds: float):
    for f in VideoSource(src):
        if f.timestamp_s > start_s + seconds:
            break
        if f.timestamp_s >= start_s:
            yield f.image


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
                             "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ | {"FORMCHECK_DB": str(tmp_path_factory.mktemp("db") / "h.sqlite")})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not start within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_live_webcam_shows_a_person_and_a_running_hold(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (.ci/run does)"
    clip = tmp_path / "clip.y4m"
    write_y4m(clip_frames(media("kneeling_hip_flexor_stretch__side__skatefit.mp4"), 3.5, 12.0), clip)
    shots = Path(os.environ.get("FORMCHECK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-video-capture={clip}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(app_url)
            page.get_by_text("formcheck: live").wait_for(timeout=60_000)
            webrtc = page.frame_locator("iframe[title*='webrtc']")
            webrtc.get_by_role("button", name="START").click(timeout=60_000)
            stats, holds = None, []
            deadline = time.time() + 90
            while time.time() < deadline:
                body = page.inner_text("body")
                m = re.search(r"frames processed: (\d+) - with a person: (\d+)", body)
                h = re.search(r"leg \d/3 - (\d+) s / 30 s", body)
                if m:
                    stats = (int(m.group(1)), int(m.group(2)))
                if h:
                    holds.append(int(h.group(1)))
                if stats and stats[1] > 30 and len(set(holds)) >= 3:
                    break
                time.sleep(0.5)
            page.screenshot(path=str(shots / "live.png"), full_page=True)
        finally:
            browser.close()
    assert stats is not None and stats[0] > 30, f"no processed frames arrived: {stats}"
    assert stats[1] > 0.5 * stats[0], f"no person detected in most frames: {stats}"
    assert len(set(holds)) >= 3 and max(holds) > min(holds), f"hold timer did not move: {holds[-10:]}"
