"""Make the README's screenshots from shippable media only (sample_videos/messi5.jpg, OpenCV's, Apache/BSD):
the live page with that photo as the camera, the upload page after analysing it, and the History page with three
sessions from the synthetic marcher.

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
from formcheck.media.video import write_y4m  # noqa: E402
from tests.browser import CHROMIUM, chromium_flags, serving_app  # noqa: E402

LOG = logging.getLogger("screenshots")
OUT = ROOT / "docs" / "screenshots"
PHOTO = ROOT / "sample_videos" / "messi5.jpg"


def seed_history(db: Path) -> None:
    """Three live sessions of growing length from the synthetic marcher (tests/factory.py), so the History page has
    something to show without anyone's footage."""
    import numpy as np

    from formcheck.app.history import History
    from formcheck.app.live import LiveProcessor
    from tests.factory import MarchingEstimator

    blank = np.zeros((120, 160, 3), np.uint8)
    for seconds in (12, 20, 30):
        proc = LiveProcessor("standing_march", history=History(db), estimator_factory=MarchingEstimator)
        for i in range(seconds * 30):
            proc.process(blank, i / 30)
        proc.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        seed_history(Path(tmp) / "shots.sqlite")
        cam = Path(tmp) / "cam.y4m"
        write_y4m((cv2.imread(str(PHOTO)) for _ in range(90)), cam)
        with serving_app(Path(tmp) / "shots.sqlite") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(cam))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.frame_locator("iframe[title*='formcheck_live']").get_by_role("button", name="Start camera").click(
                timeout=60_000
            )
            view = next(f for f in page.frames if "formcheck_live" in (f.url or ""))
            view.wait_for_function("() => window.formcheckLive.log.length > 30", timeout=60_000)
            time.sleep(2)
            page.screenshot(path=str(OUT / "live.png"))
            page.get_by_text("Analyse a recording").click()
            page.locator("input[type=file]").set_input_files(str(PHOTO))
            page.get_by_text("Angles per frame (CSV)").wait_for(timeout=120_000)
            time.sleep(1)
            page.screenshot(path=str(OUT / "upload.png"), full_page=True)
            page.get_by_text("History").first.click()
            page.get_by_text("formcheck: history").wait_for(timeout=30_000)
            page.get_by_role("combobox").first.click()
            page.get_by_role("option", name="Standing march (knee lifts)").click()
            time.sleep(2)
            page.screenshot(path=str(OUT / "history.png"), full_page=True)
            browser.close()
    LOG.info("wrote live.png, upload.png and history.png in %s", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
