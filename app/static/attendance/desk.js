/* Kennisagenda desk (balie): what the list and the scanner share.
 *
 * Every check-in or undo is an action with its own id and the device's time, stored on this
 * device first (store.js) and shown at once; it is then sent to the server, and sent again
 * until the server has answered it, so a lost connection loses nothing and a retry never
 * doubles (the server knows each id). The people list is polled every few seconds and kept
 * on the device too; what a desk shows is the server's list with its own unsent actions on
 * top. No framework, no build step. */

import { lists, queue } from "./store.js";

const POLL_MS = 3000;
const BATCH = 500; // the server takes at most this many actions per request
const SEND_TIMEOUT_MS = 15000; // a network that hangs counts as no network
const OFFLINE_HEADER = "X-Kennisagenda-Offline"; // set by sw.js on an answer from its cache

export function readJson(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

// Letters that decomposition does not reduce to a plain letter ("ı", "ø", "ß"...).
const FOLD = { ı: "i", ø: "o", đ: "d", ł: "l", æ: "ae", œ: "oe", ß: "ss", "’": "'", "-": " " };

/* "Şükrü Çelik-Öztürk" → "sukru celik ozturk": what the search compares. */
export function fold(text) {
  return (text || "").toLowerCase().replace(/[ıøđłæœß’-]/g, (c) => FOLD[c])
    .normalize("NFKD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim();
}

function newId() {
  if (crypto.randomUUID) { return crypto.randomUUID(); }
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // plain http on a LAN address
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function say(element, message) {
  // Emptied first, so the same words twice are announced twice.
  element.textContent = "";
  window.setTimeout(() => { element.textContent = message; }, 50);
}

export function createDesk(config, texts) {
  const key = `${config.event}:${config.session ?? ""}`;
  const clockFormat = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: config.timeZone,
  });
  let server = config.initial; // {people, counts, places_left}, as the server last sent it
  let etag = config.etag;
  let storedEtag = null; // the version of the list kept on this device
  let queued = []; // this event's unsent actions, oldest first
  const settled = new Map(); // registration → action the server took, until the next list
  const notes = new Map(); // registration → why the server refused
  const refusals = []; // refused actions and why, for the page to say aloud
  const inFlight = new Set(); // ids of actions being sent now
  let reachable = true; // the last request reached the server
  let problem = ""; // the server refuses the whole batch (logged out, ...)
  let pollSeq = 0;
  let running = false;
  let again = false;
  let timer = 0;
  const listeners = [];

  const csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function clock(iso) {
    return clockFormat.format(new Date(iso)).replace(":", config.clockSeparator);
  }

  function emit() { listeners.forEach((listener) => listener()); }

  function relevant(action) {
    // At the whole event, a check-in to any of its sessions counts too (as on the server).
    return action.session === config.session || (config.session === null && action.action === "in");
  }

  async function reloadQueue() {
    const all = await queue.all();
    queued = all.filter((a) => a.event === config.event).sort((a, b) => a.queuedAt - b.queuedAt);
  }

  /* The people as this desk should show them: the server's list, then what the server took
   * since, then what still waits on this device. */
  function people() {
    if (!server) { return []; }
    const byId = new Map(server.people.map((p) => [p.id, {
      ...p, pending: false, undoPending: false, note: notes.get(p.id) || "",
    }]));
    const waiting = new Set(queued.map((a) => a.id));
    const actions = [...settled.values()].map((entry) => entry.action).concat(queued);
    for (const action of actions) {
      const person = byId.get(action.registration);
      if (!person || !relevant(action)) { continue; }
      const unsent = waiting.has(action.id);
      if (action.action === "in") {
        if (!person.present || person.undoPending) {
          Object.assign(person, { present: true, at: clock(action.at), by: config.me, method: action.method });
        }
        person.pending = unsent;
        person.undoPending = false;
      } else {
        Object.assign(person, { present: false, at: null, by: null, pending: unsent, undoPending: unsent });
      }
    }
    return [...byId.values()];
  }

  function counts(list) {
    // Someone with a place in another workshop is not expected at this one's door.
    const withPlace = list.filter((p) => p.status === "confirmed" && !p.elsewhere);
    return {
      present: withPlace.filter((p) => p.present).length,
      expected: withPlace.length,
      walkIns: server ? server.counts.walk_ins : 0,
      waiting: list.filter((p) => p.status === "waitlisted").length,
    };
  }

  function banner() {
    const n = queued.length;
    if (!reachable || !navigator.onLine) {
      const text = n === 0 ? texts.offlineNone : n === 1 ? texts.offlineOne : fill(texts.offlineMany, { n });
      return { kind: "offline", text };
    }
    if (problem) { return { kind: "problem", text: problem }; }
    if (n > 0) { return { kind: "sending", text: n === 1 ? texts.sendingOne : fill(texts.sendingMany, { n }) }; }
    return null;
  }

  async function enqueue(kind, registration, method) {
    const action = {
      id: newId(), event: config.event, action: kind, registration, session: config.session,
      at: new Date().toISOString(), method, queuedAt: Date.now(),
    };
    notes.delete(registration);
    await queue.put(action);
    queued.push(action);
    emit();
    kick();
    return action;
  }

  function checkIn(registration, method = "list") {
    return enqueue("in", registration, method);
  }

  /* A tap on "Ongedaan maken". A check-in that never left this device is simply forgotten. */
  async function undo(registration) {
    const local = queued.filter((a) => a.registration === registration && a.action === "in"
      && a.session === config.session && !inFlight.has(a.id));
    if (local.length && local.length === queued.filter((a) => a.registration === registration).length) {
      await queue.remove(local.map((a) => a.id));
      await reloadQueue();
      notes.delete(registration);
      emit();
      return null;
    }
    return enqueue("undo", registration, "list");
  }

  function post(batch) {
    return fetch(config.actionsUrl, {
      method: "POST",
      credentials: "same-origin",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfMeta.content },
      body: JSON.stringify({
        actions: batch.map(({ id, action, registration, session, at, method }) => (
          { id, action, registration, session, at, method })),
      }),
    });
  }

  /* A desk left open all day outlives its CSRF token: fetch the page again for a new one. */
  async function renewToken() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector('meta[name="csrf-token"]');
      if (!fresh || fresh.content === csrfMeta.content) { return false; }
      csrfMeta.content = fresh.content;
      return true;
    } catch {
      return false;
    }
  }

  function isJson(response) {
    return !response.redirected && (response.headers.get("Content-Type") || "").includes("json");
  }

  async function flush() {
    await reloadQueue();
    if (!queued.length) { problem = ""; return; }
    const batch = queued.slice(0, BATCH);
    batch.forEach((a) => inFlight.add(a.id));
    try {
      let response = await post(batch);
      if (response.status === 400 && await renewToken()) { response = await post(batch); }
      reachable = true;
      if (!response.ok || !isJson(response)) {
        // 5xx: try again shortly. Anything else needs a person (a login, a reload).
        problem = response.status >= 500 ? "" : fill(texts.serverRefused, { status: response.status });
        return;
      }
      problem = "";
      const results = (await response.json()).results || [];
      const answered = [];
      for (const result of results) {
        const action = batch.find((a) => a.id === result.id);
        if (!action) { continue; }
        answered.push(action.id);
        if (result.status === "refused") {
          notes.set(action.registration, result.message || texts.scanRefused);
          refusals.push({ action, message: result.message || "" });
        } else {
          settled.set(`${action.registration}:${action.session ?? ""}`, { action, seq: pollSeq });
        }
      }
      await queue.remove(answered);
    } catch {
      reachable = false;
    } finally {
      batch.forEach((a) => inFlight.delete(a.id));
      await reloadQueue();
    }
  }

  async function keepList() {
    if (server && storedEtag !== etag) {
      storedEtag = etag;
      await lists.put(key, { data: server, etag, savedAt: Date.now() });
    }
  }

  async function poll() {
    const seq = ++pollSeq;
    let response;
    try {
      response = await fetch(config.stateUrl, {
        credentials: "same-origin", cache: "no-store", signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        headers: etag ? { "If-None-Match": etag, Accept: "application/json" } : { Accept: "application/json" },
      });
    } catch {
      reachable = false;
      return;
    }
    if (response.headers.get(OFFLINE_HEADER)) { reachable = false; return; }
    reachable = true;
    if (response.status === 304) {
      // nothing new
    } else if (response.ok && isJson(response)) {
      server = await response.json();
      etag = response.headers.get("ETag");
    } else {
      return;
    }
    for (const [id, entry] of settled) {
      if (entry.seq < seq) { settled.delete(id); }
    }
    await keepList();
  }

  async function cycle() {
    if (running) { again = true; return; }
    running = true;
    window.clearTimeout(timer);
    try {
      do {
        again = false;
        await flush();
        emit();
        await poll();
        emit();
      } while (again);
    } finally {
      running = false;
      timer = window.setTimeout(cycle, POLL_MS);
    }
  }

  function kick() { cycle(); }

  async function start() {
    registerServiceWorker(config);
    guardLogout(texts);
    await reloadQueue();
    const kept = await lists.get(key);
    if (!server && kept) {
      ({ data: server, etag } = kept);
      storedEtag = etag;
    } else if (server && !kept) {
      await keepList();
    } else if (kept) {
      storedEtag = kept.etag;
    }
    emit();
    window.addEventListener("online", kick);
    window.addEventListener("offline", () => { reachable = false; emit(); });
    // A page that needs the server (the walk-in form) says so offline, instead of the
    // browser's own error page.
    document.querySelectorAll("a[data-needs-connection]").forEach((link) => {
      link.addEventListener("click", (event) => {
        if (!navigator.onLine || !reachable) {
          event.preventDefault();
          window.alert(link.dataset.needsConnection);
        }
      });
    });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) { kick(); } });
    await cycle();
    if (!reachable && kept && kept.etag !== etag) {
      // Offline from the start: this page may come from the cache; the device's list is newer.
      ({ data: server, etag } = kept);
      storedEtag = etag;
      emit();
    }
  }

  return {
    start, checkIn, undo, people, counts, banner, clock, kick, refusals,
    onChange: (listener) => listeners.push(listener),
    get placesLeft() { return server ? server.places_left : null; },
    get loaded() { return Boolean(server); },
    get reachable() { return reachable && navigator.onLine; },
    isQueued: (id) => queued.some((a) => a.id === id),
    isNoted: (registration) => notes.has(registration),
  };
}

/* The service worker keeps the desk's pages and scripts for a reload without a connection. */
function registerServiceWorker(config) {
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.addEventListener("message", (event) => {
    // Both desk pages are kept: this desk now opens without a connection too.
    if (event.data && event.data.kept) { document.getElementById("desk").dataset.offlineReady = "true"; }
  });
  navigator.serviceWorker.register(config.swUrl, { scope: config.swScope })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      // This page was loaded before the worker ran the first time: have it keep this page
      // and the other desk page now, so both open without a connection.
      registration.active?.postMessage({ keep: [window.location.href, config.warmUrl] });
    })
    .catch(() => {});
}

/* Logging out on a shared device: the kept list (names) goes too, unless actions still wait. */
function guardLogout(texts) {
  for (const form of document.querySelectorAll('form[action$="/uitloggen"]')) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const waiting = (await queue.all()).length;
      if (waiting && !window.confirm(fill(texts.logoutWaiting, { n: waiting }))) { return; }
      if (!waiting) {
        await lists.clear();
        if (window.caches) {
          for (const name of await caches.keys()) {
            if (name.startsWith("balie-")) { await caches.delete(name); }
          }
        }
      }
      form.submit();
    });
  }
}
