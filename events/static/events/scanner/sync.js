// Queue and sync: the upload queue as last read, whether the server can be reached, and what
// the server decided for uploaded items (the phone's records of admissions follow it).

import { fmt } from "./format.js";
import { Queue } from "./queue.js";

export class Sync {
  /**
   * db, api: the store (store.js) and the API (api.js); admissions: Admissions (ledger.js);
   * connected(): whether the device has a network (navigator.onLine); on: what the screen does
   * {network(online, queued), note(text), undoSettled(item, answer), doorSettled(item, answer),
   * changed(), settled(), back(), loginLost()}; queueOptions: passed to the Queue (tests give it a fake clock).
   */
  constructor({ db, api, admissions, strings, connected, on, queueOptions = {} }) {
    Object.assign(this, { db, admissions, strings, connected, on });
    this.online = connected();
    this.queued = [];
    this.queue = new Queue({
      db, api, connected,
      onSettled: (outcome) => this.settled(outcome),
      onFailure: (status) => this.failed(status),
      onChange: () => this.refresh(),
      ...queueOptions,
    });
  }

  /**
   * Whether to ask the server now. After a failure, no: a dead network must not slow the gate,
   * so the phone decides at once until a background request gets through again.
   */
  reachable() {
    return this.connected() && this.online;
  }

  add(item) {
    return this.queue.add(item);
  }

  flush(options) {
    return this.queue.flush(options);
  }

  wait() {
    return this.queue.wait();
  }

  loginLost() {
    this.on.loginLost();
  }

  /** Reads the queue again: the network line and the totals count what waits in it. */
  async refresh() {
    this.queued = await this.queue.items();
    this.on.network(this.online, this.queued.length);
    this.on.changed();
  }

  setOnline(online) {
    // An answer to a request sent before the network dropped does not make the phone online.
    if (online && !this.connected()) return;
    if (this.online === online) return;
    this.online = online;
    this.on.network(online, this.queued.length);
    if (online) {
      this.queue.flush({ force: true });
      this.on.back();
    }
  }

  /** What the server decided for uploaded items: the phone's records follow. */
  async settled({ done, rejected }) {
    let differed = 0;
    for (const { item, answer } of done) {
      if (item.type === "undo") this.on.undoSettled(item, answer);
      if (item.type === "session") {
        if (item.offline_result && answer.body?.result !== item.offline_result) differed += 1;
        this.on.doorSettled?.(item, answer);
      }
      if (item.type !== "checkin") continue;
      const body = answer.body || {};
      if (item.offline_result && body.result !== item.offline_result) differed += 1;
      const entry = this.admissions.get(item.client_id);
      if (entry && body.admitted > 0) {
        await this.admissions.add({ ...entry, admitted: body.admitted, synced: true, at: Date.now() });
      } else if (entry) await this.admissions.drop(item.client_id);
    }
    for (const { item, answer } of rejected) {
      if (item.type === "undo") this.on.undoSettled(item, answer);
      if (item.type === "checkin") await this.admissions.drop(item.client_id);
    }
    this.setOnline(true);
    const s = this.strings;
    const notes = [fmt(s.uploaded, { n: done.length })];
    if (differed) notes.push(fmt(s.differed, { n: differed }));
    const allRejected = (await this.db.all("rejected")).length;
    if (allRejected) notes.push(fmt(s.rejected, { n: allRejected }));
    this.on.note(notes.join(" "));
    await this.refresh();
    this.on.settled();
  }

  /** A whole upload failed (status null: no answer): say when it is tried again. */
  failed(status) {
    if (status === 401) this.loginLost();
    if (status === null && !this.connected()) this.setOnline(false);
    this.on.note(fmt(this.strings.retry_in, { n: Math.ceil(this.queue.wait() / 1000) }));
  }
}
