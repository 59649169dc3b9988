// Today's totals for the gate and the event: the server's figures plus what this phone did
// that has not reached the server yet, so staff see their own taps counted at once.

import { NetworkError } from "./api.js";

/**
 * People waiting in the queue, by kind and place. An undo takes away the people of its target
 * (`people` is noted on the undo item when it is made), whether the target is queued or uploaded.
 */
export function pendingTotals(queue, choice) {
  const pending = { gateAdmitted: 0, gateWalkIns: 0, eventAdmitted: 0, eventWalkIns: 0 };
  for (const item of queue) {
    if (item.event_id !== choice.event) continue;
    const here = item.gate === choice.gate;
    const add = (key, n) => {
      pending[`event${key}`] += n;
      if (here) pending[`gate${key}`] += n;
    };
    if (item.type === "checkin") add("Admitted", item.local_admitted || 0);
    else if (item.type === "walkin") add("WalkIns", item.count);
    else if (item.type === "undo") add(item.kind === "walkin" ? "WalkIns" : "Admitted", -(item.people || 0));
  }
  return pending;
}

/** The figures to show: never below zero (an undo of something the server has not counted). */
export function shownTotals(totals, pending) {
  const n = (value) => Math.max(value, 0);
  return {
    gateAdmitted: n(totals.gate_admitted + pending.gateAdmitted),
    gateWalkIns: n(totals.gate_walk_ins + pending.gateWalkIns),
    eventAdmitted: n(totals.event_admitted + pending.eventAdmitted),
    eventWalkIns: n(totals.event_walk_ins + pending.eventWalkIns),
    eventVisits: n(totals.event_visits + pending.eventAdmitted + pending.eventWalkIns),
  };
}

/** Today's figures from the server, kept on the phone so that they show at once after a reload. */
export class Totals {
  /** api: the API (api.js); storage: prefs (store.js); sync: Sync (sync.js), the network state. */
  constructor({ api, storage, sync, now = Date.now }) {
    Object.assign(this, { api, storage, sync, now });
    this.saved = storage.get("totals");
  }

  /** Asks the server for the figures of `choice` ({event, gate}) when there is a network. */
  async refresh(choice) {
    if (!choice || !this.sync.connected()) return;
    let response;
    try {
      response = await this.api(`events/${choice.event}/totals/?gate=${choice.gate}`);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      this.sync.setOnline(false);
      return;
    }
    if (response.status === 401) this.sync.loginLost();
    if (response.ok && response.data) {
      this.saved = { ...response.data, event: choice.event, gate: choice.gate, updated_at: this.now() };
      this.storage.set("totals", this.saved);
      this.sync.setOnline(true);
    }
  }

  /**
   * {figures, updatedAt} to show for `choice`, or null when the phone has none for it. Scans,
   * walk-ins and undos waiting to upload count already: the staff see what they did.
   */
  shown(queued, choice) {
    const totals = this.saved;
    if (!totals || !choice || totals.event !== choice.event || totals.gate !== choice.gate) return null;
    return { figures: shownTotals(totals, pendingTotals(queued, choice)), updatedAt: totals.updated_at };
  }
}
