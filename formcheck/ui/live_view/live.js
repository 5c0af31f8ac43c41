// formcheck's live view (a Streamlit component, plain JavaScript, no build step).
//
// The camera is shown here at its full rate. Each camera frame the server can take goes to it as a JPEG over one
// WebSocket, with the frame's capture time; ONE frame is in flight at a time (the next goes when this one's answer
// is back), so frames the server cannot take are dropped here and the delay cannot grow. Each answer says what to
// draw (the skeleton), show (cue, count, progress, side), play (a tone) and say (speechSynthesis, offline). Every
// decision is the server's (formcheck/app/channel.py, panel.py, speech.py); this file only shows and sends.
//
// window.formcheckLive holds the last answers and a log of every overlay painted (capture, sent, answered, painted
// times on performance.now()'s clock): the benchmark and the browser tests read it.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const video = $("camera"), overlay = $("overlay"), octx = overlay.getContext("2d");
  const grab = document.createElement("canvas"), gctx = grab.getContext("2d", { willReadFrequently: true });
  const GRAB_MAX_SIDE = 640, JPEG_QUALITY = 0.8, LOG_SIZE = 20000;
  const live = (window.formcheckLive = {
    log: [], last: null, hello: null, spoken: [], connected: false, sent: 0, drops: 0,
  });

  let args = null, ws = null, bones = [], tones = {}, messages = {};
  let helloDone = false, fatal = null, retry = 0, reconnectTimer = null;
  let stream = null, running = false, inFlight = null, seq = 0, latestMeta = null, sentFrame = -1;
  let pose = null, paintPending = false, audio = null, idlePanel = null;
  let soundOn = localStorage.getItem("formcheck.sound") !== "off";
  let voiceOn = localStorage.getItem("formcheck.voice") !== "off";

  // ---- Streamlit's component protocol (what streamlit-component-lib does) -----------------------------------
  const post = (type, data) => window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
  window.addEventListener("message", (event) => {
    if (event.data && event.data.type === "streamlit:render") render(event.data.args);
  });
  post("streamlit:componentReady", { apiVersion: 1 });

  function render(newArgs) {
    const first = args === null, tokenChanged = !first && newArgs.token !== args.token;
    args = newArgs;
    messages = args.messages || {};
    $("steps").hidden = !args.routine;
    idlePanel = args.panel;
    if (!running || !live.last) showPanel(idlePanel);
    if (first) {
      setUpButtons();
      fitHeight();
      window.addEventListener("resize", () => { fitHeight(); fitOneLine($("count"), 40); fitPanel(); });
      try { window.parent.addEventListener("resize", fitHeight); } catch (e) { /* another origin: keep ours */ }
    }
    if (first || tokenChanged) { fatal = null; connect(); }
  }

  // The view fills the browser window below where it starts, so nothing needs scrolling while exercising.
  function fitHeight() {
    let height = 640;
    try {
      const top = window.frameElement.getBoundingClientRect().top + window.parent.scrollY;
      height = Math.max(360, Math.min(1100, window.parent.innerHeight - Math.max(0, top) - 12));
    } catch (e) { /* not same-origin: a fixed height */ }
    if (document.fullscreenElement) height = window.innerHeight;
    if (coverStyle !== null) height = window.parent.innerHeight;
    post("streamlit:setFrameHeight", { height });
  }

  // ---- the WebSocket -------------------------------------------------------------------------------------------
  function connect() {
    clearTimeout(reconnectTimer);
    if (ws) { ws.onclose = null; ws.close(); }
    helloDone = false;
    inFlight = null;
    const url = new URL(args.socket_path, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: args.token }));
    ws.onmessage = (event) => onMessage(JSON.parse(event.data));
    ws.onclose = () => {
      live.connected = helloDone = false;
      live.drops++;
      inFlight = null;
      if (fatal) return notice(fatal);
      notice(messages.reconnecting);
      reconnectTimer = setTimeout(connect, Math.min(4000, 250 * 2 ** retry++));
    };
    live.ws = ws;
  }

  function onMessage(msg) {
    if (msg.type === "hello") {
      helloDone = live.connected = true;
      retry = 0;
      bones = msg.bones;
      tones = msg.tones;
      live.hello = msg;
      if (!running) showPanel(msg.panel);
      notice(null);
      if (running) {
        ws.send(JSON.stringify({ type: "camera", state: "started" }));
        pump();
      }
    } else if (msg.type === "frame") {
      answered(msg);
    } else if (msg.type === "panel") {
      showPanel(msg.panel);
    } else if (msg.type === "status") {
      notice(msg.camera);
    } else if (msg.type === "error") {
      if (msg.fatal) fatal = msg.message;
      notice(msg.message);
      if (msg.frame) { inFlight = null; pump(); }  // that frame could not be read: send the next
    }
  }

  // ---- the camera ----------------------------------------------------------------------------------------------
  let starting = false;
  async function startCamera() {
    if (starting) return;  // a second press while the browser is still asking for the camera
    starting = true;
    try {
      await openCamera();
    } finally {
      starting = false;
    }
  }

  async function openCamera() {
    unlockAudio();
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return notice(messages.camera_errors.insecure);
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 }, facingMode: "user" },
        audio: false,
      });
    } catch (err) {
      const text = messages.camera_errors[err.name] || messages.camera_errors.other.replace("{detail}", err.name);
      return notice(text);
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    running = true;
    live.last = null;
    sentFrame = -1;
    $("start").textContent = "Stop camera";
    notice(null);
    if (helloDone) ws.send(JSON.stringify({ type: "camera", state: "started" }));
    watchFrames();
  }

  function stopCamera() {
    running = false;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    latestMeta = null;
    pose = null;
    schedulePaint();
    $("start").textContent = "Start camera";
    if (helloDone) ws.send(JSON.stringify({ type: "camera", state: "stopped" }));
  }

  // Each new camera frame: remember it (its capture time) and send it if nothing is in flight.
  function watchFrames() {
    if (!running) return;
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback((now, meta) => {
        latestMeta = { frame: meta.presentedFrames, t: meta.captureTime || now };
        pump();
        watchFrames();
      });
    } else {
      requestAnimationFrame((now) => {  // no frame callbacks: poll at the display rate
        if (video.readyState >= 2) latestMeta = { frame: (latestMeta ? latestMeta.frame : 0) + 1, t: now };
        pump();
        watchFrames();
      });
    }
  }

  function pump() {
    if (!running || !helloDone || inFlight || !latestMeta || latestMeta.frame === sentFrame) return;
    if (!video.videoWidth) return;
    const meta = latestMeta, s = Math.min(1, GRAB_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    grab.width = Math.round(video.videoWidth * s);
    grab.height = Math.round(video.videoHeight * s);
    gctx.drawImage(video, 0, 0, grab.width, grab.height);
    const entry = { seq: ++seq, t: meta.t, grabbed: performance.now() };
    if (window.__formcheckGrabHook) window.__formcheckGrabHook(gctx, entry);
    inFlight = entry;
    sentFrame = meta.frame;
    grab.toBlob((blob) => {
      if (!blob || !running || inFlight !== entry || ws.readyState !== WebSocket.OPEN) {
        if (inFlight === entry) inFlight = null;
        return;
      }
      const header = new TextEncoder().encode(JSON.stringify({ seq: entry.seq, t: entry.t }));
      const size = new Uint8Array(4);
      new DataView(size.buffer).setUint32(0, header.length, true);
      entry.sent = performance.now();
      ws.send(new Blob([size, header, blob]));
      live.sent++;
    }, "image/jpeg", JPEG_QUALITY);
  }

  function answered(msg) {
    const entry = inFlight && inFlight.seq === msg.seq ? inFlight : null;
    inFlight = null;
    live.last = msg;
    if (!running) return;
    pose = msg.pose;
    showPanel(msg.panel);
    if (msg.sound && soundOn) playTone(msg.sound);
    if (msg.say && voiceOn) say(msg.say, msg.t);
    if (entry) {
      entry.answered = performance.now();
      entry.srv = msg.srv;
      entry.frames = msg.frames;
      entry.painting = true;
      live.log.push(entry);
      if (live.log.length > LOG_SIZE) live.log.splice(0, live.log.length - LOG_SIZE);
    }
    schedulePaint(entry);
    pump();
    showRate();
  }

  let rateShownAt = 0;
  function showRate() {  // a small readout: how many camera frames a second are being checked
    const now = performance.now();
    if (now - rateShownAt < 1000) return;
    rateShownAt = now;
    const recent = live.log.filter((e) => now - e.answered < 2000).length / 2;
    setText("speed", `${recent.toFixed(0)} frames/s checked`);
  }

  // ---- drawing ---------------------------------------------------------------------------------------------------
  let paintEntries = [];
  function schedulePaint(entry) {
    if (entry) paintEntries.push(entry);
    if (paintPending) return;
    paintPending = true;
    requestAnimationFrame((now) => {
      paintPending = false;
      paint();
      for (const e of paintEntries) { e.painted = now; delete e.painting; }
      paintEntries = [];
    });
  }

  function paint() {
    const w = overlay.clientWidth, h = overlay.clientHeight, dpr = window.devicePixelRatio || 1;
    if (overlay.width !== Math.round(w * dpr) || overlay.height !== Math.round(h * dpr)) {
      overlay.width = Math.round(w * dpr);
      overlay.height = Math.round(h * dpr);
    }
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, w, h);
    if (!pose || !video.videoWidth) return;
    const s = Math.min(w / video.videoWidth, h / video.videoHeight);  // object-fit: contain
    const vw = video.videoWidth * s, vh = video.videoHeight * s, x0 = (w - vw) / 2, y0 = (h - vh) / 2;
    const at = (p) => [x0 + p[0] * vw, y0 + p[1] * vh];
    const pts = pose.points, line = Math.max(3, vh / 140);
    octx.lineCap = "round";
    octx.strokeStyle = "#3cc8ff";
    octx.lineWidth = line;
    octx.beginPath();
    for (const [a, b] of bones) {
      if (!pts[a] || !pts[b]) continue;
      const [ax, ay] = at(pts[a]), [bx, by] = at(pts[b]);
      octx.moveTo(ax, ay);
      octx.lineTo(bx, by);
    }
    octx.stroke();
    octx.fillStyle = "#fff";
    for (const p of pts) {
      if (!p) continue;
      const [x, y] = at(p);
      octx.beginPath();
      octx.arc(x, y, line * 0.9, 0, 2 * Math.PI);
      octx.fill();
    }
    octx.font = `700 ${Math.max(16, Math.round(vh / 22))}px system-ui, sans-serif`;
    octx.lineWidth = 4;
    for (const label of pose.labels) {
      const [x, y] = at(label.at);
      octx.strokeStyle = "#000";
      octx.strokeText(label.text, x + 10, y - 10);
      octx.fillStyle = label.bad ? "#ff6b6b" : "#7ee787";
      octx.fillText(label.text, x + 10, y - 10);
    }
  }

  // ---- the panel -------------------------------------------------------------------------------------------------
  function setText(id, text) {
    const el = $(id);
    if (el.textContent === (text || "")) return false;
    el.textContent = text || "";
    return true;
  }

  // The count stays on one line: smaller type when "L 10  R 10" would not fit, never under minPx.
  function fitOneLine(el, minPx) {
    el.style.fontSize = "";
    let size = parseFloat(getComputedStyle(el).fontSize);
    while (el.scrollWidth > el.clientWidth && size > minPx) {
      size = Math.max(minPx, size * 0.9);
      el.style.fontSize = `${size}px`;
    }
  }

  // A panel too full for its box (a long cue, a notice, a short screen) gets a smaller cue, never under 28 px,
  // rather than a squeezed count or a cut-off notice.
  function fitPanel() {
    const panel = $("panel"), cue = $("cue");
    cue.style.fontSize = "";
    let size = parseFloat(getComputedStyle(cue).fontSize);
    while (panel.scrollHeight > panel.clientHeight + 1 && size > 28) {
      size = Math.max(28, size * 0.9);
      cue.style.fontSize = `${size}px`;
    }
  }

  function showPanel(p) {
    if (!p) return;
    let changed = setText("exercise", p.exercise);
    if (setText("count", p.count)) { fitOneLine($("count"), 40); changed = true; }
    changed = setText("cue", p.cue) || changed;
    $("cue").className = `cue level-${p.level || "info"}`;
    for (const id of ["detail", "progress", "step", "next"]) changed = setText(id, p[id]) || changed;
    setText("side", p.side);
    $("side").hidden = !p.side;
    changed = setText("people", p.notice) || changed;
    $("people").hidden = !p.notice;
    if (changed) fitPanel();
  }

  function notice(text) {
    setText("notice", text);
    $("notice").hidden = !text;
  }

  // ---- sound and speech ------------------------------------------------------------------------------------------
  function unlockAudio() {  // browsers allow sound after a click: Start camera is one
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
    } catch (e) { audio = null; }
  }

  function playTone(name) {
    const tone = tones[name];
    if (!tone || !audio) return;
    const [freqs, noteS] = tone;
    let t = audio.currentTime + 0.01;
    for (const f of freqs) {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.4, t + 0.01);
      gain.gain.linearRampToValueAtTime(0, t + noteS);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + noteS);
      t += noteS + 0.03;
    }
  }

  function say(text, frameT) {
    if (!window.speechSynthesis) return;
    window.speechSynthesis.cancel();  // one at a time: the server spaced them, the newest is the one that matters
    const u = new SpeechSynthesisUtterance(text);
    u.rate = 1.05;
    window.speechSynthesis.speak(u);
    live.spoken.push({ text, at: performance.now(), t: frameT });  // t: the capture time of the frame that said it
    if (live.spoken.length > 1000) live.spoken.splice(0, live.spoken.length - 1000);
  }

  // ---- buttons ---------------------------------------------------------------------------------------------------
  function setUpButtons() {
    $("start").onclick = () => (running ? stopCamera() : startCamera());
    $("back").onclick = () => helloDone && ws.send(JSON.stringify({ type: "routine", command: "back" }));
    $("skip").onclick = () => helloDone && ws.send(JSON.stringify({ type: "routine", command: "skip" }));
    const toggle = (id, label, get, set) => {
      const show = () => {
        $(id).textContent = `${label} ${get() ? "on" : "off"}`;
        $(id).setAttribute("aria-pressed", String(get()));
      };
      $(id).onclick = () => { set(!get()); show(); };
      show();
    };
    toggle("sound", "Sound", () => soundOn, (v) => { soundOn = v; localStorage.setItem("formcheck.sound", v ? "on" : "off"); });
    toggle("voice", "Voice", () => voiceOn, (v) => {
      voiceOn = v;
      localStorage.setItem("formcheck.voice", v ? "on" : "off");
      if (!v && window.speechSynthesis) window.speechSynthesis.cancel();
    });
    $("mat").onclick = matView;
    document.addEventListener("fullscreenchange", () => matChanged(!!document.fullscreenElement));
    window.addEventListener("pagehide", () => { if (running && helloDone) ws.send(JSON.stringify({ type: "camera", state: "stopped" })); });
  }

  // Mat view: the whole screen. Full screen where the browser allows it; elsewhere (iPhone Safari) the view
  // covers the page it sits in.
  let coverStyle = null;
  function matView() {
    if (document.fullscreenElement) return document.exitFullscreen();
    if (coverStyle !== null) return cover(false);
    const root = document.documentElement;
    const asked = root.requestFullscreen ? root.requestFullscreen() : Promise.reject(new Error("no full screen"));
    asked.catch(() => cover(true));
  }

  function cover(on) {
    const frame = window.frameElement;
    if (!frame) return;
    if (on) {
      coverStyle = frame.getAttribute("style") || "";
      frame.style.cssText = `${coverStyle};position:fixed;inset:0;width:100vw;height:100vh;z-index:1000000;` +
        "background:#0b0d12";
    } else {
      frame.setAttribute("style", coverStyle);
      coverStyle = null;
    }
    matChanged(on);
  }

  function matChanged(on) {
    $("root").classList.toggle("mat", on);
    $("mat").textContent = on ? "Leave mat view" : "Mat view";
    fitHeight();
    requestAnimationFrame(() => fitOneLine($("count"), 40));
  }
})();
