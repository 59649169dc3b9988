// One scan, from the code to the answer on screen: the group question if needed, the server's
// answer, or the phone's own (decide.js, from the pass list) when the server cannot be reached
// in time, queued then for upload with the phone's decision.

import { NetworkError } from "./api.js";
import { codeDigest, decideOffline, localParts, parseCode, tone } from "./decide.js";

export const DEBOUNCE = 3000; // ms a code must be out of view before the camera reads it again
export const SCAN_TIMEOUT = 3000; // ms to wait for the server before deciding on the phone
const FORGET_AFTER = 60_000;

/** Which camera reads to scan: a code held in view, or just scanned, is read once. */
export class CameraDebounce {
  constructor() {
    this.seen = new Map(); // decoded text -> last time the camera saw it
  }

  /** Whether to scan `text` read at `now` (ms); `busy`: a scan or a question is open. */
  accept(text, now, busy) {
    const last = this.seen.get(text);
    if (busy) {
      // The pass being handled is still in view: keep it from being read again afterwards.
      if (last !== undefined) this.seen.set(text, now);
      return false;
    }
    this.seen.set(text, now);
    if (last !== undefined && now - last < DEBOUNCE) return false;
    for (const [key, seenAt] of this.seen) if (now - seenAt > FORGET_AFTER) this.seen.delete(key);
    return true;
  }
}

/**
 * A scan's answer from the server (at a gate or a session's door): its JSON with `offline: false`,
 * null when it cannot be reached in time (the phone decides then), or {refused, message} for a
 * request the server will never take.
 */
export async function askServer({ api, sync }, path, body) {
  if (!sync.reachable()) {
    if (!sync.connected()) sync.setOnline(false);
    return null;
  }
  try {
    const response = await api(path, { method: "POST", body, timeout: SCAN_TIMEOUT });
    if (response.status === 200) {
      sync.setOnline(true);
      return { ...response.data, offline: false };
    }
    if (response.status === 401) sync.loginLost();
    if ([401, 403, 408, 429].includes(response.status) || response.status >= 500 || !response.data) return null;
    return { refused: true, message: response.data.message };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    sync.setOnline(false);
    return null;
  }
}

export class Scanner {
  /**
   * config: the page's configuration (time_zone, base_url, alphabet and code_length through
   * `rule`); view: the screen (ui.js View); sync: Sync; admissions: Admissions; undo: Undo;
   * passList: PassList; place(): {choice: {event, gate}, gateName}; signal(tone): sound and
   * vibration; onAction(): an action was recorded (the undo button changes); timings: an
   * array to push scan timings to (browser tests), or null.
   */
  constructor({ config, rule, api, view, sync, admissions, undo, passList, place, signal, newId, onAction = () => {}, timings = null, now = () => new Date() }) {
    Object.assign(this, { config, rule, api, view, sync, admissions, undo, passList, place, signal, newId, onAction, timings, now });
    this.busy = false;
    this.groupOpen = false;
  }

  ready() {
    return !this.busy && !this.groupOpen;
  }

  /**
   * One scan. `hint` ({party, remaining}) asks the group question for a looked-up registration
   * when the phone has no pass list. Resolves with the outcome shown, or null when the staff
   * member cancelled.
   */
  async scan(text, timing, { method, hint = null }) {
    this.busy = true;
    const { choice } = this.place();
    const scannedAt = this.now();
    const times = { ...timing };
    const bundle = this.passList.of(choice.event);
    const zone = this.config.time_zone;
    let outcome = null;
    try {
      const code = parseCode(text, this.rule);
      const hash = code && bundle ? await codeDigest(bundle.salt, code) : null;
      const mine = this.admissions.of(hash, choice.event);
      const local = { people: mine.people, time: mine.at ? localParts(new Date(mine.at), zone).time : null, gate: mine.gate };
      const context = { bundle, hash, local, timeZone: zone, now: scannedAt };
      const guess = bundle ? decideOffline(context) : null;
      const group = guess ? { party: guess.party_size, remaining: guess.admitted } : hint;
      let headcount = null;
      if ((!guess || guess.result === "admitted") && group && group.remaining > 1) {
        // A group: the staff member says how many come in now (the rest may come later).
        this.view.hideResult();
        this.groupOpen = true;
        headcount = await this.view.askGroup({ party: group.party, inNow: group.party - group.remaining, remaining: group.remaining });
        this.groupOpen = false;
        if (headcount === null) return null;
        times.person = true; // someone decided in between: not a scan-to-screen time
      }
      const item = {
        type: "checkin", client_id: this.newId(), event_id: choice.event, gate: choice.gate,
        code: text.slice(0, 300), scanned_at: scannedAt.toISOString(), headcount, method,
      };
      times.requestAt = performance.now();
      outcome = await this.askServer(item);
      times.answeredAt = performance.now();
      if (outcome?.refused) {
        outcome = { result: null, message: outcome.message, party_size: 0, offline: false };
      } else if (!outcome) {
        const decided = bundle ? decideOffline({ ...context, headcount }) : null;
        await this.sync.add({ ...item, offline_result: decided?.result || null, h: hash, local_admitted: decided?.admitted || 0 });
        outcome = { ...(decided || { result: null, party_size: 0 }), offline: true };
      }
      const shown = this.view.showResult(outcome);
      this.signal(outcome.tone || tone(outcome));
      if (outcome.admitted > 0) await this.remember(item, outcome, hash);
      await shown;
      times.shownAt = performance.now();
      this.recordTiming(times, outcome);
    } finally {
      this.busy = false;
      this.groupOpen = false;
    }
    return outcome;
  }

  /** The server's answer, null when it cannot be reached, or {refused, message} for a bad request. */
  askServer(item) {
    const { type, ...body } = item; // the API takes the fields without "type"
    return askServer({ api: this.api, sync: this.sync }, "checkins/", body);
  }

  /** People let in: counted on the phone (not twice offline) and undoable as the last action. */
  async remember(item, outcome, hash) {
    const now = this.now().getTime();
    await this.admissions.add({
      client_id: item.client_id, h: hash, admitted: outcome.admitted, at: now, gate: this.place().gateName,
      synced: !outcome.offline, event_id: item.event_id,
    });
    this.undo.record({
      client_id: item.client_id, kind: "checkin", people: outcome.admitted, name: outcome.name || "", at: now, event_id: item.event_id,
    });
    this.onAction();
  }

  recordTiming(times, outcome) {
    if (!this.timings) return;
    this.timings.push({
      ...times,
      result: outcome.result,
      tone: outcome.tone || tone(outcome),
      offline: Boolean(outcome.offline),
      decodeMs: times.decodedAt - times.frameAt,
      serverMs: times.answeredAt - times.requestAt,
      totalMs: times.shownAt - times.frameAt,
    });
  }
}
