// Undo: the last action at this gate (a scan that let people in, or walk-ins), named, asked,
// and queued as an item of its own that names its target, so that whatever upload is running,
// the undo is sent after it.

import { fmt } from "./format.js";
import { ActionLedger, describeAction, undoLabel } from "./ledger.js";

export class Undo {
  /**
   * storage: prefs (store.js); clock(ms): "08:42"; windowSeconds: how long an action can be
   * undone (the server's UNDO_WINDOW); admissions: Admissions (ledger.js); sync: Sync (sync.js).
   */
  constructor({ storage, strings, clock, windowSeconds, admissions, sync, newId }) {
    Object.assign(this, { storage, strings, clock, windowSeconds, admissions, sync, newId });
    this.ledger = null;
  }

  /** Each gate has its own ledger: undo at gate A never takes back what gate B did. */
  atGate(gateId) {
    this.ledger = new ActionLedger(this.storage, gateId);
  }

  /** action: {client_id, kind: "checkin" | "walkin", people, name, at (ms), event_id}. */
  record(action) {
    this.ledger.record(action);
  }

  /** The last action if it can still be undone at `now` (ms), else null. */
  current(now) {
    return this.ledger?.undoable(now, this.windowSeconds) ?? null;
  }

  label(action) {
    return undoLabel(action, this.strings, this.clock);
  }

  describe(action) {
    return describeAction(action, this.strings, this.clock);
  }

  /**
   * Queues the undo of `action` if it is still the last action at `now` (the staff member may
   * have scanned again while the question was open). Resolves with the queued item, or null.
   */
  async undo(action, { now, gate }) {
    if (this.current(now)?.client_id !== action.client_id) return null;
    const item = {
      type: "undo", client_id: this.newId(), event_id: action.event_id, target: action.client_id,
      at: new Date(now).toISOString(), gate, kind: action.kind, people: action.people,
    };
    this.ledger.markUndone(action.client_id);
    if (action.kind === "checkin") await this.admissions.drop(action.client_id); // the pass may come back
    await this.sync.add(item);
    return item;
  }

  /** What to tell the staff member once the server answered an undo. */
  settledText(item, answer) {
    if (answer.ok) {
      const action = this.ledger?.find(item.target);
      return fmt(this.strings.undone, { what: action ? this.describe(action) : "" });
    }
    return fmt(this.strings.undo_failed, { reason: answer.body?.message || "" });
  }
}
