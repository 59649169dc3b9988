// What this phone did, for two purposes:
//
// ActionLedger: the actions at a gate (a scan that let people in, or walk-ins), newest last, so
//   that "undo" always means the LAST action, names it and targets it by its client_id.
// Admissions: the people this phone let in that the scanner bundle does not count yet (queued,
//   or uploaded after the bundle was made), so a pass is not admitted twice while offline.

import { fmt } from "./format.js";

const KEEP = 20;

export class ActionLedger {
  /** storage: {get(name), set(name, value)} (store.js prefs); one ledger per gate. */
  constructor(storage, gateId) {
    this.storage = storage;
    this.key = `actions.${gateId}`;
    this.actions = storage.get(this.key) || [];
  }

  /** action: {client_id, kind: "checkin" | "walkin", people, name, at (ms), event_id}. */
  record(action) {
    this.actions = [...this.actions, { ...action, undone: false }].slice(-KEEP);
    this.save();
  }

  last() {
    return this.actions.at(-1) || null;
  }

  /** The last action if it can still be undone at `now`: never an older one instead. */
  undoable(now, windowSeconds) {
    const last = this.last();
    if (!last || last.undone || now - last.at >= windowSeconds * 1000) return null;
    return last;
  }

  markUndone(clientId, undone = true) {
    this.actions = this.actions.map((action) => (action.client_id === clientId ? { ...action, undone } : action));
    this.save();
  }

  find(clientId) {
    return this.actions.find((action) => action.client_id === clientId) || null;
  }

  save() {
    this.storage.set(this.key, this.actions);
  }
}

/** "Trần Văn Bình, 5 people" / "12 visitors without registration" / "the admission at 08:42, 1 person". */
export function describeAction(action, strings, clock) {
  const n = action.people;
  const key = action.kind === "walkin" ? "action_walkins" : action.name ? "action_scan" : "action_scan_offline";
  const template = (n === 1 && strings[`${key}_one`]) || strings[key];
  return fmt(template, { n, name: action.name, time: clock(action.at) });
}

/** "Undo: Trần Văn Bình, 5 people": the button and the question name what is undone. */
export function undoLabel(action, strings, clock) {
  return fmt(strings.undo_label, { what: describeAction(action, strings, clock) });
}

export class Admissions {
  /** db: the store (store.js), entries in its "ledger" store. */
  constructor(db) {
    this.db = db;
    this.entries = new Map();
  }

  async load() {
    for (const entry of await this.db.all("ledger")) this.entries.set(entry.client_id, entry);
  }

  /** entry: {client_id, h (pass digest), admitted, at (ms), gate (name), synced, event_id}. */
  async add(entry) {
    this.entries.set(entry.client_id, entry);
    await this.db.put("ledger", entry);
  }

  async drop(clientId) {
    if (!this.entries.has(clientId)) return;
    this.entries.delete(clientId);
    await this.db.delete("ledger", clientId);
  }

  get(clientId) {
    return this.entries.get(clientId);
  }

  /** {people, at, gate} this phone admitted on the pass with digest `hash` at `eventId`. */
  of(hash, eventId) {
    let people = 0;
    let latest = null;
    for (const entry of this.entries.values()) {
      if (!hash || entry.h !== hash || entry.event_id !== eventId) continue;
      people += entry.admitted;
      if (!latest || entry.at > latest.at) latest = entry;
    }
    return { people, at: latest?.at ?? null, gate: latest?.gate ?? "" };
  }

  /** Forgets uploaded entries a bundle fetched after them counts already. */
  async prune(bundleStarted) {
    const old = [...this.entries.values()].filter((entry) => entry.synced && entry.at < bundleStarted);
    for (const entry of old) this.entries.delete(entry.client_id);
    if (old.length) await this.db.delete("ledger", ...old.map((entry) => entry.client_id));
  }
}
