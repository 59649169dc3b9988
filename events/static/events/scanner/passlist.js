// The pass list for deciding offline: the scanner bundle of the chosen event, kept on the
// phone and refreshed in the background (with its ETag, so an unchanged list costs nothing).

import { NetworkError } from "./api.js";
import { fmt } from "./format.js";
import { indexBundle } from "./decide.js";

export class PassList {
  /**
   * db: the store (store.js), bundles in its "bundles" store; storage: prefs (store.js);
   * admissions: Admissions (ledger.js), pruned of what a newer bundle counts already;
   * sync: Sync (sync.js), the network state.
   */
  constructor({ db, api, storage, admissions, sync, now = Date.now }) {
    Object.assign(this, { db, api, storage, admissions, sync, now });
    this.bundle = null; // indexed (decide.js indexBundle)
    this.meta = null; // {etag, fetched_at}
  }

  /** The pass list of `eventId`, or null: never another event's. */
  of(eventId) {
    return this.bundle?.event.id === eventId ? this.bundle : null;
  }

  /** The saved list of `eventId`, before the first scan: it may have to be decided offline. */
  async load(eventId) {
    if (this.of(eventId)) return;
    this.bundle = null;
    const saved = await this.db.get("bundles", eventId);
    if (saved) {
      this.bundle = indexBundle(saved.data);
      this.meta = this.storage.get(`bundle.${eventId}`) || { etag: null, fetched_at: 0 };
    }
  }

  /** A newer list from the server, if any; `chosen()` is the event chosen when it arrives. */
  async refresh(eventId, chosen = () => eventId) {
    if (!this.sync.connected()) return;
    const started = this.now();
    const etag = this.of(eventId) ? this.meta?.etag : null;
    let response;
    try {
      response = await this.api(`events/${eventId}/scanner-bundle/`, {
        headers: etag ? { "If-None-Match": etag } : {},
        timeout: 30_000,
      });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      this.sync.setOnline(false);
      return;
    }
    if (response.status === 401) return this.sync.loginLost();
    if (response.status === 200 && response.data) {
      await this.db.put("bundles", { event_id: eventId, data: response.data });
      if (chosen() !== eventId) return; // the staff member switched events meanwhile
      this.bundle = indexBundle(response.data);
    }
    if (response.status === 200 || response.status === 304) {
      this.meta = { etag: response.etag, fetched_at: started };
      this.storage.set(`bundle.${eventId}`, this.meta);
      await this.admissions.prune(started);
      this.sync.setOnline(true);
    }
  }

  /** "Pass list: 1,234 passes, updated 08:42." or that there is none yet. */
  status(strings, clock) {
    if (!this.bundle) return strings.bundle_missing;
    return fmt(strings.bundle_age, {
      n: this.bundle.passes.length,
      time: this.meta?.fetched_at ? clock(this.meta.fetched_at) : "–",
    });
  }
}
