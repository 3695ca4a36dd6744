/* The desk's scanner (/balie/<event>): the camera reads a QR code (jsQR, vendored) about
 * seven times a second. The code in it is matched on this device against the people list,
 * by the start of its SHA-256, and checked in exactly as a tap in the list would be, so it
 * works without a connection too; a code this device does not know is asked of the server.
 * A big panel says what happened, in colour, words and a short tone. */

import { createDesk, fill, readJson } from "./desk.js";

const config = readJson("desk-config");
const texts = readJson("desk-texts");
const desk = createDesk(config, texts);

const video = document.getElementById("scanner-video");
const canvas = document.getElementById("scanner-canvas");
const cameraLine = document.getElementById("scanner-camera");
const problemBox = document.getElementById("scanner-problem");
const panel = document.getElementById("scan-result");
const part = (id) => document.getElementById(id);
const syncLine = document.getElementById("desk-sync");
const SCAN_MS = 150;
const SAME_CODE_MS = 3000; // one code held up is one scan
const MAX_WIDTH = 960; // frames are scaled down to this before decoding
const CODE_PREFIX = 24; // hex characters of SHA-256 the desk list carries per code

let stream = null;
let timer = 0;
let busy = false;
let lastText = "";
let lastSeen = 0;
let shownAction = null; // the check-in the panel shows, until the server has it
let shownSaved = false; // the panel shows what the server itself stored
let ready = false; // the people list is loaded (or could not be): codes are matched here first
let byCode = new Map(); // code hash prefix → registration id
let audio = null;
const context = canvas.getContext("2d", { willReadFrequently: true });

/* --- what the panel shows -------------------------------------------------------------- */

function showResult(kind, { headline, person = null, text = "", workshops = [], action = null, saved = false }) {
  panel.className = `scan-result is-${kind}`;
  panel.querySelector(".scan-icon").textContent = { new: "✓", repeat: "!", bad: "✕" }[kind];
  part("scan-headline").textContent = headline;
  part("scan-name").textContent = person ? person.name : "";
  part("scan-org").textContent = person?.organisation || "";
  part("scan-text").textContent = text;
  part("scan-workshops").replaceChildren(...workshops.map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));
  shownAction = action;
  shownSaved = saved;
  renderSync();
  // Restart the flash: remove the class, let the browser see it gone, add it again.
  panel.classList.remove("flash");
  void panel.offsetWidth;
  panel.classList.add("flash");
  beep(kind);
}

function renderSync() {
  const line = part("scan-sync");
  if (!shownAction && !shownSaved) { line.textContent = ""; return; }
  const waiting = Boolean(shownAction) && desk.isQueued(shownAction.id);
  line.textContent = waiting ? `… ${texts.scanWaiting}` : `✓ ${texts.scanSaved}`;
  line.className = `scan-sync${waiting ? " is-waiting" : " is-saved"}`;
}

function already(person, at, by) {
  return by ? fill(texts.scanAlreadyBy, { at, by }) : fill(texts.scanAlready, { at });
}

/* A short tone: high for a new check-in, two for a repeat, low for a refusal. */
function beep(kind) {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") { audio.resume(); }
    const tones = { new: [[880, 0, 0.12]], repeat: [[660, 0, 0.09], [660, 0.16, 0.09]], bad: [[220, 0, 0.35]] }[kind];
    for (const [frequency, delay, length] of tones) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      const start = audio.currentTime + delay;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + length + 0.02);
    }
  } catch {
    // no sound on this device: the panel says it all
  }
}

/* --- from a QR code to a person ---------------------------------------------------------- */

function codeFrom(text) {
  try {
    const url = new URL(text);
    if (!url.pathname.includes("/balie/c/")) { return null; }
    const code = decodeURIComponent(url.pathname.split("/").filter(Boolean).pop() || "");
    return code && code.length <= 64 ? code : null;
  } catch {
    return null;
  }
}

async function hashPrefix(code) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
    .join("").slice(0, CODE_PREFIX);
}

async function onCode(text) {
  const code = codeFrom(text);
  if (!code) {
    showResult("bad", { headline: texts.scanNotOurs, text: texts.scanNotOursText });
    return;
  }
  const id = byCode.get(await hashPrefix(code));
  const person = id && desk.people().find((p) => p.id === id);
  if (person) {
    await known(person);
  } else if (desk.reachable) {
    await askServer(code);
  } else {
    showResult("bad", { headline: texts.scanUnknown, text: texts.scanUnknownOffline });
  }
}

async function known(person) {
  if (person.status !== "confirmed") {
    showResult("bad", { headline: texts.scanWaitlisted, person, text: texts.scanWaitlistedText });
  } else if (person.present) {
    showResult("repeat", { headline: already(person, person.at, person.pending ? "" : person.by), person,
      workshops: person.workshops });
  } else {
    const action = await desk.checkIn(person.id, "qr");
    showResult("new", { headline: texts.scanNew, person, workshops: person.workshops, action });
  }
}

async function askServer(code) {
  let response;
  try {
    response = await fetch(config.scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json", Accept: "application/json",
        "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content,
      },
      body: JSON.stringify({ code }),
    });
  } catch {
    showResult("bad", { headline: texts.scanUnknown, text: texts.scanUnknownOffline });
    return;
  }
  const body = await response.json().catch(() => ({}));
  const person = body.person || null;
  const workshops = person?.workshops
    || (person && desk.people().find((p) => p.id === person.id)?.workshops) || [];
  if (response.ok && body.status === "stored") {
    showResult("new", { headline: texts.scanNew, person, workshops, saved: true });
  } else if (response.ok && body.status === "already") {
    showResult("repeat", { headline: already(person, body.at, body.by), person, workshops });
  } else if (response.status === 409) {
    showResult("bad", { headline: texts.scanRefused, person, text: body.message || "" });
  } else {
    showResult("bad", { headline: texts.scanUnknown, text: texts.scanUnknownText });
  }
  desk.kick(); // the list and the counts, now
}

/* --- the camera -------------------------------------------------------------------------- */

function cameraProblem(message) {
  part("scanner-problem-text").textContent = message;
  problemBox.hidden = false;
  document.querySelector(".scanner").hidden = true; // no camera, no scanner: the list instead
}

async function startCamera() {
  if (stream) { return; }
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    cameraProblem(texts.cameraInsecure);
    return;
  }
  cameraLine.textContent = texts.cameraStarting;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    const name = error && error.name;
    cameraProblem(name === "NotAllowedError" || name === "SecurityError" ? texts.cameraDenied
      : name === "NotFoundError" || name === "OverconstrainedError" ? texts.cameraMissing
        : texts.cameraFailed);
    return;
  }
  problemBox.hidden = true;
  document.querySelector(".scanner").hidden = false;
  video.srcObject = stream;
  try { await video.play(); } catch { /* muted inline video plays; a refusal shows as no frames */ }
  cameraLine.textContent = texts.cameraOn;
  timer = window.setTimeout(scan, SCAN_MS);
}

function stopCamera() {
  window.clearTimeout(timer);
  stream?.getTracks().forEach((track) => track.stop());
  stream = null;
  video.srcObject = null;
}

async function scan() {
  try {
    if (ready && !busy && video.readyState >= 2 && video.videoWidth && window.jsQR) {
      const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height,
        { inversionAttempts: "dontInvert" });
      const now = Date.now();
      if (found && found.data) {
        const repeat = found.data === lastText && now - lastSeen < SAME_CODE_MS;
        lastText = found.data;
        lastSeen = now;
        if (!repeat) {
          busy = true;
          try { await onCode(found.data); } finally { busy = false; }
        }
      } else if (lastText && now - lastSeen >= SAME_CODE_MS) {
        lastText = "";
        cameraLine.textContent = texts.scanReady;
      }
    }
  } finally {
    if (stream) { timer = window.setTimeout(scan, SCAN_MS); }
  }
}

/* --- the page ------------------------------------------------------------------------------ */

desk.onChange(() => {
  const people = desk.people();
  byCode = new Map();
  for (const person of people) {
    for (const prefix of person.codes || []) { byCode.set(prefix, person.id); }
  }
  const counts = desk.counts(people);
  part("count-present").textContent = desk.loaded ? counts.present : "–";
  part("count-expected").textContent = desk.loaded ? counts.expected : "–";
  part("count-walk-ins").textContent = desk.loaded ? counts.walkIns : "–";
  part("count-waiting").textContent = desk.loaded ? counts.waiting : "–";
  const banner = desk.banner();
  syncLine.hidden = !banner;
  syncLine.className = `desk-sync${banner ? ` is-${banner.kind}` : ""}`;
  syncLine.textContent = banner ? banner.text : "";
  renderSync();
});
// Browsers let a page make sound only after a tap: any tap on the page will do.
document.addEventListener("pointerdown", () => {
  try { audio ??= new AudioContext(); audio.resume(); } catch { /* no sound */ }
}, { once: true });
document.addEventListener("visibilitychange", () => {
  if (document.hidden) { stopCamera(); } else { startCamera(); }
});
startCamera();
desk.start().finally(() => { ready = true; });
