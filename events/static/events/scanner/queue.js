// The upload queue: every scan (at a gate or a session's door), walk-in and undo the server has not decided yet, kept in
// IndexedDB in the order it was made and uploaded through POST /api/v1/sync/.
//
// An item leaves the queue only with an answer that says `final` (the rules decided). A
// retryable answer (final: false) or a whole-request failure (no answer, timeout, 5xx, 408,
// 429, 401, 403, anything but a list) keeps it, and the next try waits longer: 2 s, 4 s, 8 s...
// up to a minute, back to 2 s after a success. An undo is an item of its own that names its
// target, so an answer arriving for an older upload can never erase it.

import { NetworkError } from "./api.js";

export const MAX_BATCH = 200;
export const FIRST_DELAY = 2000;
export const MAX_DELAY = 60_000;
const FIELDS = {
  checkin: ["type", "client_id", "event_id", "gate", "code", "scanned_at", "headcount", "offline_result", "method"],
  walkin: ["type", "client_id", "event_id", "gate", "count", "at"],
  undo: ["type", "client_id", "event_id", "target", "at"],
  session: ["type", "client_id", "session_id", "code", "scanned_at", "offline_result"],
};

/** Milliseconds to wait after `failures` failed tries in a row (0 when none failed). */
export function backoff(failures) {
  if (failures <= 0) return 0;
  return Math.min(FIRST_DELAY * 2 ** (failures - 1), MAX_DELAY);
}

/** What the server receives for a queued item: its own fields, none of the phone's notes. */
export function payload(item) {
  return Object.fromEntries((FIELDS[item.type] || []).filter((f) => item[f] != null).map((f) => [f, item[f]]));
}

/** True when the server decided for good (answers without `final` only when they are ok). */
export function isFinal(answer) {
  return answer.final === true || (answer.final === undefined && answer.ok === true);
}

/**
 * Sorts the items of an uploaded batch by their answers:
 * done (decided, ok), rejected (decided, refused: kept aside, never resent), retry (stay queued).
 */
export function settle(batch, answers) {
  const byId = new Map((Array.isArray(answers) ? answers : []).map((answer) => [answer?.client_id, answer]));
  const out = { done: [], rejected: [], retry: [] };
  for (const item of batch) {
    const answer = byId.get(item.client_id);
    if (!answer || !isFinal(answer)) out.retry.push(item);
    else if (answer.ok) out.done.push({ item, answer });
    else out.rejected.push({ item, answer });
  }
  return out;
}

export class Queue {
  /**
   * db: the store (store.js); api: makeApi(); onSettled({done, rejected, retry}) after each
   * answered batch; onFailure(status | null) after a whole-request failure (null: no answer);
   * onChange() whenever the queue may have changed; connected() false: no try (the device
   * knows it has no network).
   */
  constructor({
    db, api, onSettled = async () => {}, onFailure = () => {}, onChange = () => {}, connected = () => true,
    now = () => Date.now(), timers = globalThis,
  }) {
    Object.assign(this, { db, api, onSettled, onFailure, onChange, connected, now, timers });
    this.failures = 0;
    this.nextAt = 0;
    this.running = null;
    this.again = false;
    this.timer = null;
    this.sequence = 0;
  }

  async add(item) {
    const seq = this.now() * 1000 + (this.sequence++ % 1000);
    await this.db.put("queue", { ...item, seq });
    this.onChange();
  }

  async items() {
    return (await this.db.all("queue")).sort((a, b) => a.seq - b.seq);
  }

  /** Milliseconds until the next try is due (0: now). */
  wait() {
    return Math.max(this.nextAt - this.now(), 0);
  }

  /**
   * Uploads the queue. While an upload runs, a second call waits for it and then uploads what
   * was added meanwhile. `force` ignores the back-off (a tap on "Upload now", the network back).
   * Resolves with "empty", "done", "waiting" (backing off), "offline", "retry" or "failed".
   */
  flush({ force = false } = {}) {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let state;
      try {
        do {
          this.again = false;
          const result = await this.upload(force);
          state = result === "empty" && state === "done" ? state : result;
        } while (this.again && (state === "done" || state === "empty"));
      } finally {
        this.running = null;
      }
      return state;
    })();
    return this.running;
  }

  async upload(force) {
    if (!this.connected()) return "offline";
    if (!force && this.wait() > 0) return "waiting";
    let state = "empty";
    for (;;) {
      const batch = (await this.items()).slice(0, MAX_BATCH);
      if (!batch.length) return state;
      let response;
      try {
        response = await this.api("sync/", { method: "POST", body: { items: batch.map(payload) }, timeout: 30_000 });
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        this.failed(null);
        return "failed";
      }
      if (response.status !== 200 || !Array.isArray(response.data)) {
        this.failed(response.status);
        return "failed";
      }
      const outcome = settle(batch, response.data);
      if (outcome.rejected.length) {
        await this.db.put("rejected", ...outcome.rejected.map(({ item, answer }) => ({ ...item, answer })));
      }
      const gone = [...outcome.done, ...outcome.rejected].map(({ item }) => item.client_id);
      if (gone.length) await this.db.delete("queue", ...gone);
      await this.onSettled(outcome);
      this.onChange();
      if (outcome.retry.length) {
        this.failed(503);
        return "retry";
      }
      this.succeeded();
      state = "done";
    }
  }

  failed(status) {
    this.failures += 1;
    const delay = backoff(this.failures);
    this.nextAt = this.now() + delay;
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.flush(), delay);
    this.onFailure(status);
  }

  succeeded() {
    this.failures = 0;
    this.nextAt = 0;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
