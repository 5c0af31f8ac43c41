"""End to end: the app in headless Debian Chromium, its fake camera fed from a real clip (runs in CI; .ci/run
installs chromium). Screenshots go to $FORMCHECK_SCREENSHOTS (default: the test's tmp dir); they show unlicensed
footage, so never commit them (scripts/readme_screenshots.py makes the README's from shippable media).

The march and bridge clips carry their frame index in a corner (bench/liveclip.py): the page's grab hook reads it
from every frame the live view sends, and stops the camera when Chromium's fake camera loops back to the start, so
exactly one pass of the clip is checked live and compared with `formcheck analyse` on the same file.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

import pytest

from bench.liveclip import CODE_JS, make_clip
from formcheck.app.camera import MSG_CAMERA_STOPPED
from formcheck.app.recording import analyse_recording
from formcheck.checking.session import ExerciseSession
from formcheck.exercises import REGISTRY, get
from tests.browser import CHROMIUM, chromium_flags, serving_app
from tests.conftest import media

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.media]
KNEELING = "kneeling_hip_flexor_stretch__side__skatefit.mp4"  # right leg forward, held from ~4 s
MARCH = "standing_knee_lift_march__oblique__skatefit.mp4"  # 3 left + 3 right knee lifts from ~7 s to ~16 s
BRIDGE = "glute_bridge__side__skatefit.mp4"  # bridges
VIEW = "iframe[title*='formcheck_live']"

# In every frame of the page: a record of what would be spoken and which tones start (nothing is really played),
# and the grab hook that reads the clip's frame index and stops the camera when the clip loops.
RECORDER = (
    CODE_JS
    + """
(() => {
  window.__spoken = []; window.__tones = [];
  if (window.speechSynthesis) {
    window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, at: performance.now()});
  }
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...a) {
    window.__tones.push(performance.now());
    return start.apply(this, a);
  };
  window.__loop = {codes: [], done: false};
  window.__formcheckGrabHook = (ctx, entry) => {
    const code = window.fcReadCode(ctx, ctx.canvas.width / 640, ctx.canvas.height / 480);
    const loop = window.__loop, last = loop.codes.length ? loop.codes[loop.codes.length - 1] : -1;
    entry.code = code;
    if (loop.capture && !loop.done) entry.jpeg = ctx.canvas.toDataURL("image/jpeg", 0.8);  // what is sent
    if (loop.stopAtLoop && !loop.done && code < last) {  // the fake camera started the clip again: one pass done
      loop.done = true;
      document.getElementById("start").click();
      return;
    }
    loop.codes.push(code);
  };
})();
"""
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "h.sqlite"
    with serving_app(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (.ci/run does)"
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """The fake cameras' clips: 640x480, 30 fps, frame index in the corner."""
    tmp = tmp_path_factory.mktemp("cam")
    spec = {"kneeling": (KNEELING, 3.5, 15.5), "march": (MARCH, 6.0, 17.2), "bridge": (BRIDGE, 0.0, 99.0)}
    out = {}
    for key, (name, start, end) in spec.items():
        out[key] = tmp / f"{key}.y4m"
        # the bridge clip is a portrait phone video of a person lying across it: a webcam beside the mat frames the
        # person in landscape (the 4:3 band where he lies), not a letterboxed sliver of a third of the picture
        make_clip(media(name), out[key], start, end, band=(0.36, 0.78) if key == "bridge" else None)
    return out


@pytest.fixture(scope="module")
def browsers(playwright, clips):
    """One Chromium per fake camera clip, started on first use."""
    started: dict = {}

    def get_browser(key: str):
        if key not in started:
            started[key] = playwright.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(clips[key]))
        return started[key]

    yield get_browser
    for b in started.values():
        b.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    path = Path(os.environ.get("FORMCHECK_SCREENSHOTS", tmp_path))
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_live(browser, url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(url)
    page.get_by_text("formcheck: live").wait_for(timeout=60_000)
    page.frame_locator(VIEW).get_by_role("button", name="Start camera").wait_for(timeout=60_000)
    return page


def view_frame(page):
    """The live view's frame (for evaluate)."""
    for _ in range(100):
        for f in page.frames:
            if "formcheck_live" in (f.url or ""):
                return f
        time.sleep(0.1)
    raise AssertionError("the live view did not load")


def pick_exercise(page, name: str) -> None:
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name=name).click()
    page.frame_locator(VIEW).get_by_text(name).first.wait_for(timeout=30_000)  # the view names the exercise


def wait_for(frame, expression: str, seconds: float = 60.0, what: str = ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = frame.evaluate(expression)
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what or expression}")


def analysed_counts(clip: Path, exercise: str) -> dict:
    """What `formcheck analyse CLIP --exercise EXERCISE --model lite` counts (the live page runs the lite model)."""
    session = ExerciseSession(get(exercise))
    analyse_recording(clip, "lite", session=session)
    report = session.report(include_pending=False)
    return {"reps": report.reps, "partial": report.partial_reps}


def one_pass_live(browsers, url: str, key: str, exercise: str, muted: bool = False) -> tuple[dict, dict, object]:
    """Play the clip once through the live view; the live counts, the view's log and the page."""
    page = open_live(browsers(key), url)
    pick_exercise(page, REGISTRY[exercise].name)
    view = page.frame_locator(VIEW)
    frame = view_frame(page)
    if muted:
        view.get_by_role("button", name="Sound on").click()
        view.get_by_role("button", name="Voice on").click()
    frame.evaluate("() => { window.__loop.stopAtLoop = true; }")
    view.get_by_role("button", name="Start camera").click()
    wait_for(frame, "() => window.__loop.done", 90, "one pass of the clip")
    time.sleep(0.5)  # the last answer lands
    result = frame.evaluate(
        """() => ({counts: window.formcheckLive.last.counts, codes: window.__loop.codes,
                   log: window.formcheckLive.log.filter(e => e.painted).map(e => [e.t, e.painted, e.code]),
                   spoken: window.__spoken, tones: window.__tones, frames: window.formcheckLive.last.frames,
                   said: window.formcheckLive.spoken})"""
    )
    return result["counts"], result, page


def check_one_pass(result: dict, clip_frames: int) -> None:
    codes = result["codes"]
    assert codes == sorted(codes), f"not one pass of the clip: {codes}"
    assert codes[-1] >= clip_frames - 30, f"the clip's last second was missed: it ended at frame {codes[-1]}"
    assert codes[0] < 30, f"the first second of the clip was missed: it began at frame {codes[0]}"
    assert len(codes) >= 0.3 * clip_frames, f"only {len(codes)} of {clip_frames} frames were checked"
    delays = sorted(painted - t for t, painted, _ in result["log"])
    assert delays[len(delays) // 2] < 500, f"median camera-to-overlay delay {delays[len(delays) // 2]:.0f} ms"


def test_knee_lifts_live_count_what_formcheck_analyse_counts_and_the_counts_are_spoken(app_url, browsers, clips):
    url, _ = app_url
    expected = analysed_counts(clips["march"], "standing_march")
    assert expected["reps"] == {"left": 3, "right": 3}  # the clip's six lifts
    counts, result, page = one_pass_live(browsers, url, "march", "standing_march")
    page.close()
    check_one_pass(result, 336)
    assert counts == expected, f"live {counts} != analysed {expected}"
    spoken = [s["text"] for s in result["spoken"]]
    numbers = [s for s in spoken if s.isdigit()]
    assert numbers == ["1", "2", "3", "4", "5", "6"], f"spoken: {spoken}"
    assert [s["text"] for s in result["said"]] == spoken  # what the view said is what reached speechSynthesis
    times = [s["t"] for s in result["said"]]  # the capture time of the frame each phrase came with
    assert all(b - a >= 899 for a, b in zip(times, times[1:])), f"two phrases at once: {result['said']}"
    late = [s["at"] - s["t"] for s in result["said"]]
    assert max(late) < 1500, f"a phrase came {max(late):.0f} ms after its frame"
    assert len(result["tones"]) >= 6  # a blip per rep


def replayed_counts(frames: list[tuple[float, str]], exercise: str) -> dict:
    """The file pipeline (``FramePipeline`` + ``ExerciseSession``, as `formcheck analyse` runs it) on the very
    frames the live page sent, with their capture times."""
    import base64

    import cv2
    import numpy as np

    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.pipeline import FramePipeline
    from formcheck.pose.smoothing import PoseSmoother

    session = ExerciseSession(get(exercise))
    estimator = PoseEstimator("lite", mode="video")
    pipeline = FramePipeline(estimator, PoseSmoother(), checker=session)
    try:
        t0 = frames[0][0]
        for t_ms, url in frames:
            data = np.frombuffer(base64.b64decode(url.split(",", 1)[1]), np.uint8)
            pipeline.process(cv2.imdecode(data, cv2.IMREAD_COLOR), (t_ms - t0) / 1000)
    finally:
        estimator.close()
    last = session.report(include_pending=False)
    return {"reps": last.reps, "partial": last.partial_reps}


def test_bridges_live_count_what_formcheck_analyse_counts_muted(app_url, browsers, clips):
    """Bridges: live = the file pipeline on exactly the frames the live view sent (its timestamps, the frames it
    dropped), and the full reps ("did I do my 3") = `formcheck analyse --model lite` on the clip. The clip is the
    portrait phone video cropped to the band a landscape webcam beside the mat would frame; the bridge is counted on
    the hip's gravity-signed distance below the shoulder-knee line, so a face the lite model loses at the top no
    longer flips the signal (on hip flexion it did, splitting a rep into a partial and a full one); a skeleton the
    model folds up for a few frames is skipped. On this clip analysed from the y4m, lite and full give 3 full reps."""
    url, _ = app_url
    expected = analysed_counts(clips["bridge"], "bridge")
    assert expected["reps"] == {"both": 3}  # the clip's three bridges
    page = open_live(browsers("bridge"), url)
    pick_exercise(page, REGISTRY["bridge"].name)
    view = page.frame_locator(VIEW)
    frame = view_frame(page)
    view.get_by_role("button", name="Sound on").click()
    view.get_by_role("button", name="Voice on").click()
    frame.evaluate("() => { window.__loop.stopAtLoop = true; window.__loop.capture = true; }")
    view.get_by_role("button", name="Start camera").click()
    wait_for(frame, "() => window.__loop.done", 90, "one pass of the clip")
    time.sleep(0.5)
    result = frame.evaluate(
        """() => ({counts: window.formcheckLive.last.counts, codes: window.__loop.codes,
                   sent: window.formcheckLive.log.filter(e => e.jpeg).map(e => [e.t, e.jpeg]),
                   log: window.formcheckLive.log.filter(e => e.painted).map(e => [e.t, e.painted, e.code]),
                   spoken: window.__spoken, tones: window.__tones})"""
    )
    page.close()
    check_one_pass(result, 404)
    assert len(result["sent"]) == len(result["log"])  # every frame sent was answered and drawn
    live, replayed = result["counts"], replayed_counts(result["sent"], "bridge")
    assert live == replayed, f"live {live} != the file pipeline on the same frames {replayed}"
    assert live["reps"] == expected["reps"], f"live {live} != analysed {expected}"
    assert result["spoken"] == [] and result["tones"] == []  # muted: nothing said, nothing played


LAPTOPS = [(1366, 768), (1280, 900)]
PHONE = (390, 844)


# A long cue and a scene notice shown at once (a frame's answer could carry both), then a resize,
# as the page does on a new layout; returns the count's type and box, the cue's type and how far the panel overflows.
CROWD_PANEL = """() => {
  const cue = document.getElementById("cue"), people = document.getElementById("people");
  cue.textContent = "Push your hips forward until the back thigh is behind your trunk, and keep your chest lifted";
  people.textContent = "Your camera leans about 9 deg. formcheck corrects for it, but upright is best.";
  people.hidden = false;
  window.dispatchEvent(new Event("resize"));
  const count = document.getElementById("count"), panel = document.getElementById("panel");
  return {count_px: parseFloat(getComputedStyle(count).fontSize), count_box: count.getBoundingClientRect().height,
          cue_px: parseFloat(getComputedStyle(cue).fontSize), overflow: panel.scrollHeight - panel.clientHeight};
}"""


@pytest.mark.parametrize(("width", "height"), [*LAPTOPS, PHONE])
def test_cue_count_and_progress_are_readable_from_the_mat_without_scrolling(app_url, browsers, shots, width, height):
    url, _ = app_url
    page = open_live(browsers("kneeling"), url, width, height)
    view = page.frame_locator(VIEW)
    frame = view_frame(page)
    view.get_by_role("button", name="Start camera").click()
    wait_for(frame, "() => /\\d+ s/.test(document.getElementById('count').textContent)", 60, "the hold timer")
    wait_for(frame, "() => window.formcheckLive.log.length > 60", 60, "frames")
    page.screenshot(path=str(shots / f"live_{width}x{height}.png"))
    assert view.locator("#people").is_hidden()  # one person in a lit room: no notice (two people, a dim room)
    laptop = (width, height) in LAPTOPS
    for part in ("cue", "count", "progress"):
        box = view.locator(f"#{part}").bounding_box()
        assert box is not None and box["width"] > 0, f"#{part} is not shown"
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"#{part} is off screen at {width}x{height}: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"#{part} is off screen at {width}x{height}: {box}"
        style = view.locator(f"#{part}").evaluate(
            "e => { const s = getComputedStyle(e); return [parseFloat(s.fontSize), s.color]; }"
        )
        smallest = {"cue": 40 if laptop else 30, "count": 40 if laptop else 44, "progress": 22}[part]
        assert style[0] >= smallest, f"#{part} at {width}x{height}: {style[0]} px < {smallest} px"
        assert style[1] in ("rgb(255, 255, 255)", "rgb(230, 237, 243)"), f"#{part} is not white on black: {style[1]}"
    # the cue is shown once, crisp (read in one go: the next frame's panel may change it)
    cue, shown = frame.evaluate(
        "() => { const t = document.getElementById('cue').innerText;"
        " return [t, document.body.innerText.split(t).length - 1]; }"
    )
    assert cue and shown == 1, f"the cue {cue!r} is shown {shown} times"
    count_px = view.locator("#count").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    crowded = frame.evaluate(CROWD_PANEL)  # the longest cue and a notice at once: the count keeps its size
    assert crowded["count_box"] >= 0.95 * crowded["count_px"], f"the count is squeezed at {width}x{height}: {crowded}"
    assert crowded["overflow"] <= 1 and crowded["cue_px"] >= 28, f"the panel overflows at {width}x{height}: {crowded}"
    assert page.evaluate("() => window.scrollY") == 0
    assert page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".every(e => e.scrollTop === 0)"
    ), "the page had to scroll"
    if not laptop:  # a phone without element full screen (iPhone Safari): the mat view covers the page
        frame.evaluate("() => { Element.prototype.requestFullscreen = undefined; }")
    view.get_by_role("button", name="Mat view").click()
    view.get_by_role("button", name="Leave mat view").wait_for(timeout=5_000)
    time.sleep(0.5)
    page.screenshot(path=str(shots / f"mat_{width}x{height}.png"))
    box = page.locator(VIEW).bounding_box()
    assert box["x"] <= 0 and box["y"] <= 0 and box["width"] >= width - 1 and box["height"] >= height - 1, box
    size = view.locator("#count").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= (80 if laptop else 60), f"mat view count at {size} px"
    assert size > count_px, f"the mat view's count ({size} px) is no bigger than the page's ({count_px} px)"
    view.get_by_role("button", name="Leave mat view").click()
    view.get_by_role("button", name="Mat view").wait_for(timeout=5_000)
    page.close()


def test_the_guided_routine_shows_the_side_each_step_wants_and_skips_from_the_view(app_url, browsers, shots):
    url, _ = app_url
    page = open_live(browsers("kneeling"), url)
    page.get_by_text("Guided routine").click()
    view = page.frame_locator(VIEW)
    view.get_by_text(re.compile(r"Step 1/\d+: Kneeling hip-flexor stretch - left side")).wait_for(timeout=30_000)
    assert view.locator("#side").inner_text() == "LEFT SIDE"
    view.get_by_role("button", name="Skip this step").click()
    view.get_by_text(re.compile(r"Step 2/\d+: Kneeling hip-flexor stretch - right side")).wait_for(timeout=30_000)
    assert view.locator("#side").inner_text() == "RIGHT SIDE"
    assert view.get_by_text("Next: Lying psoas stretch (dangling leg) - left side").count() == 1
    frame = view_frame(page)
    view.get_by_role("button", name="Start camera").click()
    holds = set()
    deadline = time.monotonic() + 60
    while len(holds) < 3 and time.monotonic() < deadline:
        progress = frame.evaluate("() => document.getElementById('progress').textContent")
        holds |= set(re.findall(r"right leg \d/3 - (\d+) s / 30 s", progress))
        time.sleep(0.3)
    page.screenshot(path=str(shots / "routine.png"))
    assert len(holds) >= 3, f"the right leg's hold timer did not run in the routine: {holds}"
    assert view.locator("#side").inner_text() == "RIGHT SIDE"
    page.close()


def ended(db: Path, exercise: str) -> list[tuple]:
    """(id, ended_utc) of the live sessions of ``exercise`` in the history (none before the app first writes one).
    By exercise, because an earlier test's tab may still be closing: its last faults open a session of its own."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        try:
            return con.execute(
                "SELECT id, ended_utc FROM sessions WHERE source = 'live' AND exercise = ? ORDER BY id", (exercise,)
            ).fetchall()
        except sqlite3.OperationalError:  # no table yet
            return []


def settled(db: Path, exercise: str, quiet_s: float = 1.5, timeout_s: float = 15.0) -> list[tuple]:
    """``ended(db, exercise)`` once it has not changed for ``quiet_s`` (an earlier tab's closing writes are in)."""
    rows, since, deadline = ended(db, exercise), time.monotonic(), time.monotonic() + timeout_s
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.25)
        if (now := ended(db, exercise)) != rows:
            rows, since = now, time.monotonic()
    return rows


def test_stopping_restarting_the_camera_and_a_lost_connection_keep_the_counts(app_url, browsers, shots):
    url, db = app_url
    before = {row[0] for row in settled(db, "standing_march")}
    page = open_live(browsers("march"), url)
    pick_exercise(page, REGISTRY["standing_march"].name)
    view = page.frame_locator(VIEW)
    frame = view_frame(page)
    view.get_by_role("button", name="Start camera").click()
    wait_for(frame, "() => window.formcheckLive.last && window.formcheckLive.last.counts.reps.left > 0", 60, "a rep")
    view.get_by_role("button", name="Stop camera").click()
    view.get_by_text(MSG_CAMERA_STOPPED).wait_for(timeout=10_000)  # what the server says about the camera
    last = frame.evaluate("() => window.formcheckLive.last")
    time.sleep(1.0)
    [(session, stopped_at)] = [row for row in ended(db, "standing_march") if row[0] not in before]
    assert stopped_at is not None, "the stop did not give the history session its end time"
    view.get_by_role("button", name="Start camera").click()  # again: same session, counts kept
    wait_for(frame, f"() => window.formcheckLive.last.frames > {last['frames'] + 30}", 60, "frames after the restart")
    assert view.get_by_text(MSG_CAMERA_STOPPED).count() == 0
    frame.evaluate("() => window.formcheckLive.ws.close()")  # the connection drops (Wi-Fi, server hiccup)
    wait_for(frame, "() => window.formcheckLive.drops === 1 && window.formcheckLive.connected", 30, "the reconnect")
    count = frame.evaluate("() => window.formcheckLive.last.frames")
    wait_for(frame, f"() => window.formcheckLive.last.frames > {count + 30}", 60, "frames after the reconnect")
    page.screenshot(path=str(shots / "reconnected.png"))
    assert view.locator("#notice").is_hidden()
    after = frame.evaluate("() => window.formcheckLive.last.counts.reps")
    assert all(after[side] >= last["counts"]["reps"][side] for side in after), f"counts lost: {last} -> {after}"
    time.sleep(1.0)
    page.context.close()  # the tab closes: the session gets its (later) end time
    time.sleep(1.5)
    [(again, closed_at)] = [row for row in ended(db, "standing_march") if row[0] not in before]
    assert again == session and closed_at is not None and closed_at > stopped_at


@pytest.mark.parametrize(
    ("break_camera", "key"),
    [
        (
            "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotAllowedError'))",
            "NotAllowedError",
        ),
        (
            "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('busy', 'NotReadableError'))",
            "NotReadableError",
        ),
        ("Object.defineProperty(window, 'isSecureContext', {value: false})", "insecure"),  # a LAN address over http
    ],
)
def test_a_camera_that_cannot_start_is_one_message_a_person_can_act_on(app_url, browsers, break_camera, key):
    from formcheck.app.camera import BROWSER_CAMERA_ERRORS

    url, _ = app_url
    page = open_live(browsers("kneeling"), url)
    view = page.frame_locator(VIEW)
    view_frame(page).evaluate(f"() => {{ {break_camera}; }}")
    view.get_by_role("button", name="Start camera").click()
    notice = view.locator("#notice")
    notice.wait_for(timeout=10_000)
    assert notice.inner_text() == BROWSER_CAMERA_ERRORS[key]
    assert view.get_by_role("button", name="Start camera").count() == 1  # nothing started: press again when fixed
    page.close()
