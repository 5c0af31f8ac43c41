"""End to end: the app in headless Debian Chromium, its fake camera fed from a real clip (runs in CI; .ci/run
installs chromium). Screenshots go to $FORMCHECK_SCREENSHOTS (default: the test's tmp dir); they show unlicensed
footage, so never commit them (scripts/readme_screenshots.py makes the README's from shippable media)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from formcheck.media.video import VideoSource, write_y4m
from tests.browser import CHROMIUM, chromium_flags, serving_app
from tests.conftest import media

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.media]
KNEELING = "kneeling_hip_flexor_stretch__side__skatefit.mp4"  # right leg forward, held from ~4 s


def clip_frames(src: Path, start_s: float, seconds: float):
    for f in VideoSource(src):
        if f.timestamp_s > start_s + seconds:
            break
        if f.timestamp_s >= start_s:
            yield f.image


MARCH = "standing_knee_lift_march__oblique__skatefit.mp4"  # knee lifts, left and right, from ~6 s


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app")
    with serving_app(tmp / "h.sqlite") as url:
        yield url


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (.ci/run does)"
    with sync_playwright() as p:
        yield p


def launch(playwright, tmp_path_factory, name: str, start_s: float, seconds: float):
    """Chromium whose fake camera plays ``seconds`` of a real clip (looping)."""
    clip = tmp_path_factory.mktemp("cam") / "clip.y4m"
    write_y4m(clip_frames(media(name), start_s, seconds), clip)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(clip))


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory, app_url):
    chromium = launch(playwright, tmp_path_factory, KNEELING, 3.5, 12.0)
    yield chromium, app_url
    chromium.close()


@pytest.fixture(scope="module")
def march_browser(playwright, tmp_path_factory, app_url):
    chromium = launch(playwright, tmp_path_factory, MARCH, 6.0, 6.0)
    yield chromium, app_url
    chromium.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    path = Path(os.environ.get("FORMCHECK_SCREENSHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def watch(page, patterns: dict[str, str], done, seconds: float = 90) -> dict[str, list[tuple[str, ...]]]:
    """Poll the page's text; collect every match of each pattern until ``done(seen)`` or the time is up."""
    seen: dict[str, list[tuple[str, ...]]] = {k: [] for k in patterns}
    deadline = time.time() + seconds
    while time.time() < deadline:
        body = page.inner_text("body")
        for k, pat in patterns.items():
            m = re.search(pat, body)
            if m:
                seen[k].append(m.groups())
        seen["sounds"] = [(str(page.locator("[class*='st-key-fc-sound'] audio").count()),)]
        if done(seen):
            break
        time.sleep(0.5)
    return seen


def start_camera(page, tries: int = 3) -> None:
    """Press START until the stream is on its way (a click while the page is rerunning can be ignored, and a person
    would simply press again)."""
    webrtc = page.frame_locator("iframe[title*='webrtc']")
    for _ in range(tries):
        webrtc.get_by_role("button", name="START").click(timeout=60_000)
        try:
            webrtc.get_by_role("button", name="STOP").wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the stream did not start after {tries} presses of START")


def test_live_webcam_shows_a_person_and_a_running_hold(browser, shots):
    chromium, url = browser
    page = chromium.new_page(viewport={"width": 1280, "height": 1300})
    page.goto(url)
    page.get_by_text("formcheck: live").wait_for(timeout=60_000)
    start_camera(page)
    seen = watch(
        page,
        {"stats": r"frames processed: (\d+) - with a person: (\d+)", "hold": r"right leg \d/3 - (\d+) s / 30 s"},
        lambda s: s["stats"] and int(s["stats"][-1][1]) > 30 and len(set(s["hold"])) >= 3,
    )
    page.screenshot(path=str(shots / "live.png"), full_page=True)
    page.close()
    assert seen["stats"], "no processed frames arrived"
    frames, with_person = map(int, seen["stats"][-1])
    assert frames > 30 and with_person > 0.5 * frames, f"no person in most frames: {frames}, {with_person}"
    holds = [int(h[0]) for h in seen["hold"]]
    assert len(set(holds)) >= 3 and max(holds) > min(holds), f"hold timer did not move: {holds[-10:]}"


def test_guided_routine_skips_to_the_right_leg_and_times_it(browser, shots):
    chromium, url = browser
    page = chromium.new_page(viewport={"width": 1280, "height": 1300})
    page.goto(url)
    page.get_by_text("Guided routine").click(timeout=60_000)
    page.get_by_text(re.compile(r"Step 1/\d+: Kneeling hip-flexor stretch - left side - 0/3")).wait_for(timeout=30_000)
    page.get_by_role("button", name="Skip this step").click()
    page.get_by_text(re.compile(r"Step 2/\d+: Kneeling hip-flexor stretch - right side")).wait_for(timeout=30_000)
    assert page.get_by_text("Next: Lying psoas stretch (dangling leg) - left side").count() == 1
    start_camera(page)
    seen = watch(page, {"hold": r"right leg \d/3 - (\d+) s / 30 s"}, lambda s: len(set(s["hold"])) >= 3)
    page.screenshot(path=str(shots / "routine.png"), full_page=True)
    page.close()
    holds = [int(h[0]) for h in seen["hold"]]
    assert len(set(holds)) >= 3 and max(holds) > min(holds), f"hold timer did not move in the routine: {holds[-10:]}"


def test_stream_that_drops_right_after_start_is_restarted(browser, shots):
    """The streamlit-webrtc start-up race, reproduced by stopping the stream as soon as it plays: the page
    asks for it to play again, and frames flow without the person pressing anything."""
    chromium, url = browser
    page = chromium.new_page(viewport={"width": 1280, "height": 1300})
    page.goto(url)
    page.get_by_text("formcheck: live").wait_for(timeout=60_000)
    webrtc = page.frame_locator("iframe[title*='webrtc']")
    start_camera(page)
    page.get_by_text(re.compile(r"hold it|Get into position")).wait_for(timeout=60_000)  # cues: the page saw it play
    webrtc.get_by_role("button", name="STOP").click(timeout=30_000)  # and it drops at once
    seen = watch(page, {"stats": r"frames processed: (\d+)"}, lambda s: len({x[0] for x in s["stats"]}) >= 4, 60)
    page.screenshot(path=str(shots / "restarted.png"), full_page=True)
    assert webrtc.get_by_role("button", name="STOP").count() == 1, "the stream was not restarted"
    counts = [int(x[0]) for x in seen["stats"]]
    assert len(set(counts)) >= 4 and counts[-1] > counts[0], f"frames did not flow after the restart: {counts[-8:]}"
    page.close()


def test_reps_sound_a_blip_that_the_mute_switch_silences(march_browser, shots):
    chromium, url = march_browser
    page = chromium.new_page(viewport={"width": 1280, "height": 1300})
    page.goto(url)
    page.get_by_text("formcheck: live").wait_for(timeout=60_000)
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name="Standing march (knee lifts)").click()
    page.get_by_text("20 alternating reps").wait_for(timeout=30_000)
    start_camera(page)
    seen = watch(
        page,
        {"reps": r"reps: left (\d+), right (\d+)"},
        lambda s: s["reps"] and sum(map(int, s["reps"][-1])) >= 2 and s["sounds"][-1][0] != "0",
    )
    page.screenshot(path=str(shots / "sound.png"), full_page=True)
    audio = page.locator("[class*='st-key-fc-sound'] audio")
    assert seen["reps"] and sum(map(int, seen["reps"][-1])) >= 2, f"no reps counted: {seen['reps'][-5:]}"
    assert audio.count() == 1, "no sound element after a rep"
    assert audio.evaluate("a => a.autoplay && a.src.length > 0 && (!a.paused || a.ended || a.currentTime > 0)"), (
        "the sound did not play"
    )
    page.get_by_text("Sound", exact=True).click()  # mute
    page.wait_for_timeout(1500)
    assert page.locator("[class*='st-key-fc-sound'] audio").count() == 0
    page.close()
