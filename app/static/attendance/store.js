/* The desk's own storage on this device (IndexedDB): the actions not yet confirmed by the
 * server ("queue", by client id) and the last people list per event and session ("lists").
 * Both survive a reload and a lost connection. Where IndexedDB is unavailable (a private
 * window that forbids it) the desk still works, in memory only. */

const NAME = "kennisagenda-balie";
const VERSION = 1;
let opening = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("queue", { keyPath: "id" });
      req.result.createObjectStore("lists");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("IndexedDB blocked"));
  }).catch(() => null);
  return opening;
}

const memory = { queue: new Map(), lists: new Map() };

/* One transaction on one store; `work` gets the store and returns a request (or nothing). */
async function withStore(name, mode, work, fallback) {
  const db = await open();
  if (!db) { return fallback(memory[name]); }
  const tx = db.transaction(name, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  const result = work(tx.objectStore(name));
  const [value] = await Promise.all([result ? request(result) : undefined, done]);
  return value;
}

export const queue = {
  all: () => withStore("queue", "readonly", (s) => s.getAll(), (m) => [...m.values()]),
  put: (action) => withStore("queue", "readwrite", (s) => s.put(action),
    (m) => { m.set(action.id, action); }),
  remove: (ids) => withStore("queue", "readwrite", (s) => { ids.forEach((id) => s.delete(id)); },
    (m) => { ids.forEach((id) => m.delete(id)); }),
};

export const lists = {
  get: (key) => withStore("lists", "readonly", (s) => s.get(key), (m) => m.get(key)),
  put: (key, value) => withStore("lists", "readwrite", (s) => s.put(value, key),
    (m) => { m.set(key, value); }),
  clear: () => withStore("lists", "readwrite", (s) => s.clear(), (m) => { m.clear(); }),
};
