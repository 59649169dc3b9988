// What the phone keeps: choices in localStorage; the upload queue, the pass list (bundle) and
// the ledger of people it admitted in IndexedDB, so nothing is lost when the page closes.
//
// queue:    scans and walk-ins not yet acknowledged by the server, with their original time
// rejected: items the server refused for good (kept for the record, never silently dropped)
// bundles:  the last scanner bundle per event, with its ETag
// ledger:   admissions the bundle does not include yet, so a pass is not admitted twice offline

const PREFIX = "bookday.scanner.";
const STORES = { queue: "client_id", rejected: "client_id", bundles: "event_id", ledger: "client_id" };

export const prefs = {
  get(name, fallback = null) {
    try {
      const value = localStorage.getItem(PREFIX + name);
      return value === null ? fallback : JSON.parse(value);
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(PREFIX + name);
      else localStorage.setItem(PREFIX + name, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the choice is simply not remembered.
    }
  },
};

/** A new id for one action: `${device}-${time}-${counter}`, unique per phone, safe to retry. */
export function newClientId() {
  let device = prefs.get("device");
  if (!device) {
    const random = new Uint32Array(2);
    crypto.getRandomValues(random);
    device = Array.from(random, (n) => n.toString(36).padStart(7, "0")).join("").slice(0, 12);
    prefs.set("device", device);
  }
  const counter = (prefs.get("counter", 0) || 0) + 1;
  prefs.set("counter", counter);
  return `${device}-${Date.now().toString(36)}-${counter}`;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

class Database {
  constructor(db) {
    this.db = db;
  }

  async run(name, mode, work) {
    const transaction = this.db.transaction(name, mode);
    const done = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    done.catch(() => {}); // reported through `work` when a request fails
    const result = await work(transaction.objectStore(name));
    await done;
    return result;
  }

  all(name) {
    return this.run(name, "readonly", (store) => request(store.getAll()));
  }

  get(name, key) {
    return this.run(name, "readonly", (store) => request(store.get(key)));
  }

  put(name, ...values) {
    return this.run(name, "readwrite", (store) => Promise.all(values.map((value) => request(store.put(value)))));
  }

  delete(name, ...keys) {
    return this.run(name, "readwrite", (store) => Promise.all(keys.map((key) => request(store.delete(key)))));
  }
}

/** Stand-in when IndexedDB cannot be opened (some private modes): works until the page closes. */
class MemoryDatabase {
  constructor() {
    this.stores = Object.fromEntries(Object.keys(STORES).map((name) => [name, new Map()]));
    this.persistent = false;
  }

  async all(name) {
    return [...this.stores[name].values()].map((value) => structuredClone(value));
  }

  async get(name, key) {
    const value = this.stores[name].get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async put(name, ...values) {
    for (const value of values) this.stores[name].set(value[STORES[name]], structuredClone(value));
  }

  async delete(name, ...keys) {
    for (const key of keys) this.stores[name].delete(key);
  }
}

export async function openStore() {
  try {
    const open = indexedDB.open("bookday-scanner", 1);
    open.onupgradeneeded = () => {
      for (const [name, keyPath] of Object.entries(STORES)) {
        if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name, { keyPath });
      }
    };
    const db = await request(open);
    const database = new Database(db);
    database.persistent = true;
    return database;
  } catch (error) {
    console.warn("IndexedDB unavailable, the queue lives in memory only", error);
    return new MemoryDatabase();
  }
}
