// One scan at a session's door (a signing, a workshop): the server's answer
// (POST /sessions/{id}/admissions/), or, when it cannot be reached in time, the phone's own from
// the pass list (decide.js decideSession), queued for upload through the same queue as the gate's
// scans (type "session"). The server stays the judge: a different verdict is flagged there.

import { codeDigest, decideSession, findSession, parseCode } from "./decide.js";
import { fmt, plural } from "./format.js";
import { askServer } from "./scan.js";

/**
 * What this phone let in at a session that the pass list does not know yet, kept in `storage`
 * (store.js prefs) so that a reload offline does not let a pass in twice: entries
 * {client_id, h, people (let in), walkIn (places a walk-in took), at, syncedAt}.
 */
export class DoorLedger {
  constructor(storage, sessionId) {
    this.storage = storage;
    this.key = `door.${sessionId}`;
    this.entries = storage.get(this.key) || [];
  }

  add(entry) {
    this.entries = [...this.entries.filter((item) => item.client_id !== entry.client_id), entry];
    this.storage.set(this.key, this.entries);
  }

  /** The server decided an uploaded scan: it counts from the next pass list on. */
  synced(clientId, at) {
    const entry = this.entries.find((item) => item.client_id === clientId);
    if (entry) this.add({ ...entry, syncedAt: at });
  }

  /** Forgets what a pass list fetched at `since` (ms) already counts. */
  prune(since) {
    this.entries = this.entries.filter((item) => !(item.syncedAt && item.syncedAt < since));
    this.storage.set(this.key, this.entries);
  }

  /** {in: Set of digests, people: walk-in places taken} for decideSession. */
  local() {
    return {
      in: new Set(this.entries.map((item) => item.h).filter(Boolean)),
      people: this.entries.reduce((sum, item) => sum + (item.walkIn || 0), 0),
    };
  }

  /** People this phone let in that the pass list does not count yet. */
  peopleIn() {
    return this.entries.reduce((sum, item) => sum + (item.people || 0), 0);
  }
}

/** The booking as the pass shows it ("Ký tặng - Nguyễn Nhật Ánh - số 37"), from the pass list. */
export function bookingLabel(session, booking, strings) {
  if (!booking || booking.n == null) return session.title;
  return fmt(strings.signing_label, { author: session.author || session.title, number: booking.n });
}

/** "37 of 50 places taken · 20 people let in", from the pass list and this phone's own scans. */
export function doorStatus(session, ledger, strings) {
  if (!session) return strings.bundle_missing;
  const taken = session.places - session.free + ledger.local().people;
  const people = (session.people_in || 0) + ledger.peopleIn();
  return fmt(strings.door_status, { booked: taken, places: session.places, in: people });
}

export class Door {
  /**
   * sessionId: the session worked at; passList: PassList (its event's bundle carries the
   * sessions); view: the screen (ui.js View); storage: prefs; signal(tone): sound and vibration.
   */
  constructor({ sessionId, eventId, rule, api, view, sync, passList, storage, strings, signal, newId, now = () => new Date() }) {
    Object.assign(this, { sessionId, eventId, rule, api, view, sync, passList, strings, signal, newId, now });
    this.ledger = new DoorLedger(storage, sessionId);
    this.busy = false;
  }

  ready() {
    return !this.busy;
  }

  session() {
    return findSession(this.passList.of(this.eventId), this.sessionId);
  }

  status() {
    return doorStatus(this.session(), this.ledger, this.strings);
  }

  /** One scan; resolves with the outcome shown. */
  async scan(text) {
    this.busy = true;
    try {
      const bundle = this.passList.of(this.eventId);
      const session = this.session();
      const code = parseCode(text, this.rule);
      const hash = code && bundle ? await codeDigest(bundle.salt, code) : null;
      const item = {
        type: "session", client_id: this.newId(), session_id: this.sessionId,
        code: text.slice(0, 300), scanned_at: this.now().toISOString(),
      };
      let outcome = await this.askServer(item);
      if (outcome?.refused) {
        outcome = { door: true, result: null, message: outcome.message, offline: false };
      } else if (!outcome) {
        const decided = session ? decideSession({ bundle, session, hash, local: this.ledger.local() }) : null;
        await this.sync.add({ ...item, offline_result: decided?.result || null });
        outcome = decided
          ? { ...decided, label: decided.admitted ? bookingLabel(session, decided.booking, this.strings) : "" }
          : { result: null };
        outcome = { ...outcome, door: true, offline: true };
      }
      if (outcome.admitted > 0) {
        this.ledger.add({
          client_id: item.client_id, h: hash, people: outcome.admitted, at: Date.now(),
          walkIn: outcome.result === "walk_in" ? outcome.admitted : 0,
          syncedAt: outcome.offline ? null : Date.now(),
        });
      }
      const shown = this.view.showResult(outcome);
      this.signal(outcome.tone || "red");
      await shown;
      return outcome;
    } finally {
      this.busy = false;
    }
  }

  /** The server's answer, null when it cannot be reached, or {refused, message} for a bad request. */
  async askServer({ code, client_id, scanned_at }) {
    const path = `sessions/${this.sessionId}/admissions/`;
    const answer = await askServer({ api: this.api, sync: this.sync }, path, { code, client_id, scanned_at });
    return answer && !answer.refused ? { ...answer, door: true } : answer;
  }
}

/** The texts of a door's answer on screen: {title, message, name}. */
export function describeDoor(outcome, strings) {
  if (!outcome.result) return { title: strings.no_bundle_title, message: outcome.message || strings.no_bundle, name: "" };
  const title = outcome.admitted > 0 ? plural(strings, "admit", outcome.admitted) : strings.refuse;
  const message = outcome.message || strings.session_messages[outcome.result] || "";
  return { title, message, name: [outcome.label, outcome.name].filter(Boolean).join(" · ") };
}
