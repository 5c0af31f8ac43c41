"""Make the README's screenshots from shippable media only (sample_videos/messi5.jpg, OpenCV's, Apache/BSD):
the live page with that photo as the camera, and the upload page after analysing it.

    .venv/bin/python scripts/readme_screenshots.py   # needs Debian's chromium at /usr/bin/chromium
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from formcheck.video import write_y4m  # noqa: E402
from tests.browser import CHROMIUM, chromium_flags, serving_app  # noqa: E402

LOG = logging.getLogger("screenshots")
OUT = ROOT / "docs" / "screenshots"
PHOTO = ROOT / "sample_videos" / "messi5.jpg"


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cam = Path(tmp) / "cam.y4m"
        write_y4m((cv2.imread(str(PHOTO)) for _ in range(90)), cam)
        with serving_app(Path(tmp) / "shots.sqlite") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(cam))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.frame_locator("iframe[title*='webrtc']").get_by_role("button", name="START").click(timeout=60_000)
            page.get_by_text("frames processed").wait_for(timeout=60_000)
            time.sleep(4)
            page.screenshot(path=str(OUT / "live.png"))
            page.get_by_text("Analyse a recording").click()
            page.locator("input[type=file]").set_input_files(str(PHOTO))
            page.get_by_text("Angles per frame (CSV)").wait_for(timeout=120_000)
            time.sleep(1)
            page.screenshot(path=str(OUT / "upload.png"), full_page=True)
            browser.close()
    LOG.info("wrote %s and %s", OUT / "live.png", OUT / "upload.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
