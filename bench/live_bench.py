"""What a person sees on the live page, measured in headless Chromium with a fake camera fed by a real clip.

    .venv/bin/python bench/live_bench.py                  # 60 s of the bridge clip, bridge exercise
    .venv/bin/python bench/live_bench.py --seconds 300    # several minutes: is the delay flat?
    .venv/bin/python bench/live_bench.py --clip standing_knee_lift_march__oblique__skatefit.mp4 \
        --exercise standing_march

It serves the app (`streamlit run app.py`, as the tests do), opens the live page in Debian's Chromium whose fake
camera plays the clip (640x480, 30 fps, the frame index burned into a corner: bench/liveclip.py), presses Start
camera, and measures for ``--seconds``:

- overlays shown per second: skeleton + cue updates painted (each for one camera frame), and the camera's own rate;
- camera-to-screen delay, for each overlay painted: from its camera frame's capture (the frame's ``captureTime``
  from ``requestVideoFrameCallback``) to the animation frame that painted its overlay; median, p90, and the median of
  each 30 s, to see whether it grows. Also, independently of the view's own log, from the moment the frame's
  corner code first appeared in the page's <video> to the paint of its overlay;
- time per checked frame in each stage (browser JPEG encode, server decode, model, checker, answer encode/send,
  the rest of the round trip) and the CPU each process used (browser, server), from /proc;
- the raw landmarker's rate on the same frames in this process, just before and just after, as the baseline:
  on a busy machine every figure drops together, and this says by how much.

Prints the figures (and the machine's load average before and after); nothing is asserted.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.liveclip import CODE_JS, make_clip  # noqa: E402
from tests.browser import CHROMIUM, app_process, chromium_flags  # noqa: E402

LOG = logging.getLogger("live_bench")
MEDIA = ROOT.parent / "shared" / "media"
VIEW = "iframe[title*='formcheck_live']"
WINDOW_S = 30.0

# In the view's frame: read the corner code of each frame sent (the view's grab hook) and of each camera frame as
# the <video> presents it (our own frame callback), with times on performance.now()'s clock.
PROBE = (
    CODE_JS
    + """
(() => {
  window.__bench = {shown: {}};
  window.__formcheckGrabHook = (ctx, entry) => {
    entry.code = window.fcReadCode(ctx, ctx.canvas.width / 640, ctx.canvas.height / 480);
  };
  const corner = document.createElement("canvas");
  corner.width = 120; corner.height = 48;
  const cctx = corner.getContext("2d", {willReadFrequently: true});
  window.__benchWatch = (video) => {
    const each = (now, meta) => {
      const sx = video.videoWidth / 640, sy = video.videoHeight / 480;
      cctx.drawImage(video, 0, 0, 120 * sx, 48 * sy, 0, 0, 120, 48);
      const code = window.fcReadCode(cctx, 1, 1);
      const seen = window.__bench.shown[code] || (window.__bench.shown[code] = []);
      if (!seen.length || now - seen[seen.length - 1] > 5000) seen.push(now);  // first shown, in each loop of the clip
      video.requestVideoFrameCallback(each);
    };
    video.requestVideoFrameCallback(each);
  };
})();
"""
)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def browser_pids(clip: Path) -> list[int]:
    """Chromium's processes for this run: the one started with our fake camera clip, and its children."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"--use-file-for-fake-video-capture=" + str(clip).encode() in cmd and b"--type=" not in cmd:
                return descendants(int(entry.name))
    return []


def total_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            pass  # a process that ended
    return total


def landmarker_rate(clip: Path, seconds: float = 8.0) -> float:
    """Frames per second of the lite landmarker alone (VIDEO mode) on the clip's 640x480 frames, in this process."""
    from formcheck.media.video import VideoSource
    from formcheck.pose.estimator import PoseEstimator

    images = [f.image for f in VideoSource(clip)]
    estimator = PoseEstimator("lite", mode="video")
    try:
        for i, img in enumerate(images[:10]):  # warm up
            estimator(img, i / 30)
        n, start = 10, time.perf_counter()
        while time.perf_counter() - start < seconds:
            estimator(images[n % len(images)], n / 30)
            n += 1
        return (n - 10) / (time.perf_counter() - start)
    finally:
        estimator.close()


@dataclass
class Run:
    seconds: float
    log: list[dict]  # the view's entries for the overlays painted in the window
    shown: dict[int, list[float]]  # corner code -> when the <video> first presented it, in each loop of the clip
    camera_frames: int
    browser_cpu_s: float
    server_cpu_s: float


def measure(url: str, server_pid: int, clip: Path, exercise: str, seconds: float) -> Run:
    from playwright.sync_api import sync_playwright

    from formcheck.exercises import REGISTRY

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(clip))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(url)
        page.get_by_role("combobox").first.click(timeout=60_000)
        page.get_by_role("option", name=REGISTRY[exercise].name).click()
        view = page.frame_locator(VIEW)
        view.get_by_text(REGISTRY[exercise].name).first.wait_for(timeout=30_000)
        frame = next(f for f in page.frames if "formcheck_live" in (f.url or ""))
        view.get_by_role("button", name="Start camera").click()
        frame.wait_for_function("() => window.formcheckLive.log.length > 30", timeout=60_000)
        frame.evaluate("() => window.__benchWatch(document.getElementById('camera'))")
        time.sleep(3.0)  # settled
        pids = browser_pids(clip)
        b0, s0 = total_cpu(pids), cpu_seconds(server_pid)
        start = frame.evaluate(
            "() => [performance.now(), document.getElementById('camera').getVideoPlaybackQuality"
            " ? document.getElementById('camera').getVideoPlaybackQuality().totalVideoFrames : 0]"
        )
        t0 = time.monotonic()
        time.sleep(seconds)
        end = frame.evaluate(
            "() => [performance.now(), document.getElementById('camera').getVideoPlaybackQuality"
            " ? document.getElementById('camera').getVideoPlaybackQuality().totalVideoFrames : 0]"
        )
        wall = time.monotonic() - t0
        b1, s1 = total_cpu(browser_pids(clip) or pids), cpu_seconds(server_pid)
        data = frame.evaluate(
            "([a, b]) => ({log: window.formcheckLive.log.filter(e => e.painted >= a && e.painted <= b)"
            ".map(e => ({t: e.t, grabbed: e.grabbed, sent: e.sent, answered: e.answered, painted: e.painted,"
            " code: e.code, srv: e.srv})), shown: window.__bench.shown})",
            [start[0], end[0]],
        )
        browser.close()
    return Run(
        (end[0] - start[0]) / 1000,
        data["log"],
        {int(k): v for k, v in data["shown"].items()},
        int(end[1] - start[1]),
        (b1 - b0) * (end[0] - start[0]) / 1000 / wall,
        (s1 - s0) * (end[0] - start[0]) / 1000 / wall,
    )


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def report(run: Run, rates: tuple[float, float], loads: tuple[str, str], clip_name: str, exercise: str) -> None:
    log, secs = run.log, run.seconds
    delays = [e["painted"] - e["t"] for e in log]
    seen = []
    for e in log:
        shown = [t for t in run.shown.get(e.get("code", -1), []) if t <= e["painted"]]
        if shown and e["painted"] - shown[-1] < 5000:
            seen.append(e["painted"] - shown[-1])
    t_first = log[0]["painted"] if log else 0.0
    windows: dict[int, list[float]] = {}
    for e in log:
        if e["painted"] - t_first <= secs * 1000 // (WINDOW_S * 1000) * WINDOW_S * 1000:  # whole windows only
            windows.setdefault(int((e["painted"] - t_first) / 1000 // WINDOW_S), []).append(e["painted"] - e["t"])

    def stage(key: str) -> list[float]:
        return [e["srv"][key] for e in log]

    server = [e["srv"]["decode_ms"] + e["srv"]["model_ms"] + e["srv"]["check_ms"] for e in log]
    rest = [e["answered"] - e["sent"] - s for e, s in zip(log, server)]
    out = [
        f"live bench: {clip_name}, exercise {exercise}, {secs:.0f} s measured; load average before {loads[0]}, "
        f"after {loads[1]} ({os.cpu_count()} cores)",
        f"raw landmarker (lite, 640x480, this process): {rates[0]:.1f} fps before, {rates[1]:.1f} fps after",
        f"camera: {run.camera_frames / secs:.1f} frames/s in the <video>; overlays shown: {len(log) / secs:.1f} per s "
        f"({len(log) / max(1, run.camera_frames):.0%} of camera frames checked)",
        f"camera-to-screen delay (capture -> overlay painted): median {statistics.median(delays):.0f} ms, "
        f"p90 {pct(delays, 0.9):.0f} ms, max {max(delays):.0f} ms (n={len(delays)})",
        f"  from the frame first on screen (corner code) to its overlay: median {statistics.median(seen):.0f} ms, "
        f"p90 {pct(seen, 0.9):.0f} ms (n={len(seen)})",
        "  median per 30 s: " + ", ".join(f"{statistics.median(v):.0f}" for _, v in sorted(windows.items())) + " ms",
        "per checked frame, median ms: browser JPEG encode "
        f"{statistics.median(e['sent'] - e['grabbed'] for e in log):.1f}, server decode "
        f"{statistics.median(stage('decode_ms')):.1f}, model {statistics.median(stage('model_ms')):.1f}, checker "
        f"{statistics.median(stage('check_ms')):.1f}, answer encode+send {statistics.median(stage('encode_ms')):.2f}, "
        f"transport+queueing {statistics.median(rest):.1f}, answer -> paint "
        f"{statistics.median(e['painted'] - e['answered'] for e in log):.1f}",
        f"CPU, cores used (of {os.cpu_count()}): browser {run.browser_cpu_s / secs:.2f}, server "
        f"{run.server_cpu_s / secs:.2f}; server stage busy share of one core: decode "
        f"{sum(stage('decode_ms')) / secs / 10:.1f}%, model {sum(stage('model_ms')) / secs / 10:.1f}%, checker "
        f"{sum(stage('check_ms')) / secs / 10:.1f}%, encode/send {sum(stage('encode_ms')) / secs / 10:.1f}%",
    ]
    for e in sorted(log, key=lambda e: e["t"] - e["painted"])[:3]:  # the three slowest, and where it went
        srv, at = e["srv"], (e["painted"] - t_first) / 1000
        out.append(
            f"  slow overlay at {at:.1f} s: {e['painted'] - e['t']:.0f} ms = capture->grab {e['grabbed'] - e['t']:.0f}"
            f", encode {e['sent'] - e['grabbed']:.0f}, round trip {e['answered'] - e['sent']:.0f} (decode "
            f"{srv['decode_ms']:.0f}, model {srv['model_ms']:.0f}, checker {srv['check_ms']:.0f}), paint "
            f"{e['painted'] - e['answered']:.0f}"
        )
    for line in out:
        LOG.info("%s", line)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clip", default="glute_bridge__side__skatefit.mp4", help="a clip in ../shared/media")
    ap.add_argument("--exercise", default="bridge", help="the exercise picked on the page (a registry key)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to measure")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "camera.y4m"
        frames = make_clip(MEDIA / args.clip, clip)
        LOG.info("fake camera: %s, %d frames (%.1f s, looped)", args.clip, frames, frames / 30)
        loads = [load()]
        before = landmarker_rate(clip)
        with app_process(Path(tmp) / "h.sqlite") as (url, server):
            run = measure(url, server.pid, clip, args.exercise, args.seconds)
        after = landmarker_rate(clip)
        loads.append(load())
    report(run, (before, after), (loads[0], loads[1]), args.clip, args.exercise)
    return 0


if __name__ == "__main__":
    sys.exit(main())
