/* Kennisagenda desk (balie) service worker, scope {{ url_for('attendance.index') }}.
 * Keeps the desk pages this device opened (list, scanner), their styles and scripts and
 * jsQR, so a desk reloaded without a connection still opens. Pages and the people list are
 * network first: the cache answers only when the network does not, and says so in a header.
 * Sending (POST) is never kept or retried here: the pages keep unsent actions themselves
 * (IndexedDB) and send them again.
 * Rendered from a template for its URLs; no personal data in it. */

const CACHE = "balie-v1";
const OFFLINE_HEADER = "X-Kennisagenda-Offline";
const ASSETS = {{ [
  url_for('static', filename='css/app.css'),
  url_for('static', filename='attendance/desk.css'),
  url_for('static', filename='attendance/desk.js'),
  url_for('static', filename='attendance/store.js'),
  url_for('static', filename='attendance/list.js'),
  url_for('static', filename='attendance/scanner.js'),
  url_for('static', filename='vendor/jsqr/jsQR.js'),
  url_for('static', filename='js/copy.js'),
  url_for('static', filename='favicon.svg'),
]|tojson }};
const DESK = {{ url_for('attendance.index')|tojson }};
const STATIC = {{ url_for('static', filename='')|tojson }};
// The pages worth keeping: the desk's start page, an event's scanner, list and people list.
// Not the QR landing page (/c/<code>), not the walk-in form.
const KEPT_PAGE = new RegExp("^" + DESK.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "(\\d+(/lijst|/stand\\.json)?)?$");

self.addEventListener("install", (event) => {
  // One missing file must not keep the worker from installing: each is kept on its own.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(ASSETS.map((asset) => cache.add(asset).catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("balie-") && name !== CACHE) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

function keptUrl(url) {
  return url.origin === self.location.origin
    && (KEPT_PAGE.test(url.pathname) || url.pathname.startsWith(STATIC));
}

/* The cache key: without If-None-Match and the like, so it is one entry per address. */
function cacheKey(url) {
  return url.pathname.startsWith(STATIC) ? url.origin + url.pathname : url.href;
}

async function keep(key, response) {
  // Only whole answers of our own: not a redirect to the login page, not an error, not a 304.
  if (response.status === 200 && !response.redirected && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(key, response);
  }
}

async function fromCache(key) {
  const cached = await caches.match(key);
  if (!cached) { return null; }
  const headers = new Headers(cached.headers);
  headers.set(OFFLINE_HEADER, "1");
  return new Response(await cached.blob(), { status: cached.status, statusText: cached.statusText, headers });
}

async function networkFirst(event, url) {
  const key = cacheKey(url);
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(key, response.clone()));
    return response;
  } catch (error) {
    const cached = await fromCache(key);
    if (cached) { return cached; }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET") {
    // The desk's own sending (fetch, not a form): passed on as it is, never kept. Forwarded
    // here rather than left to the browser, because a request a worker leaves alone escapes
    // Chromium's DevTools offline mode, which the tests use. Forms go their own way.
    if (event.request.mode !== "navigate" && url.origin === self.location.origin
        && url.pathname.startsWith(DESK)) {
      event.respondWith(fetch(event.request));
    }
    return;
  }
  if (!keptUrl(url)) { return; }
  event.respondWith(networkFirst(event, url));
});

/* A desk page asks to keep pages it did not load through this worker (its own first load,
 * and the other desk page), so both open without a connection later. */
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil((async () => {
    for (const href of urls) {
      const url = new URL(href, self.location.origin);
      if (!keptUrl(url)) { continue; }
      try {
        await keep(cacheKey(url), await fetch(url.href, { credentials: "same-origin" }));
      } catch {
        return; // offline now: kept on the next visit
      }
    }
    event.source?.postMessage({ kept: urls });
  })());
});
