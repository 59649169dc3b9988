// Deciding on the phone while the network is down: the twin of events.services.checkin
// (parse_code, the decision and tone()). The server stays the judge: every offline decision is
// uploaded with its original time, and a different verdict is flagged there. Both twins are
// tested against the same table of cases; change them together.

import { sha256Hex } from "./sha256.js";

const PASS_PATH = /^(?:\/[a-z]{2})?\/p\/([^/]+)\/?$/;

/** The pattern of a bare pass code; alphabet and length come from the page's configuration. */
export function codePattern(alphabet, length) {
  const safe = alphabet.replace(/[\\\]^-]/g, "\\$&");
  return new RegExp(`^[${safe}]{${Number(length)}}$`);
}

/**
 * The pass code in a bare code ("abcd efgh ...") or a pass URL of this site; null otherwise.
 * `rule` is {baseUrl, pattern} (pattern from codePattern()).
 */
export function parseCode(value, { baseUrl, pattern }) {
  value = (value || "").trim();
  if (value.includes("/")) {
    let url;
    try {
      url = value.startsWith("/") ? new URL(value, baseUrl)
        : new URL(value.includes("://") ? value : `https://${value}`);
    } catch {
      return null;
    }
    if (url.host && url.host.toLowerCase() !== new URL(baseUrl).host.toLowerCase()) return null;
    const match = PASS_PATH.exec(url.pathname);
    if (!match) return null;
    value = match[1];
  }
  const code = value.replace(/\s+/g, "").toUpperCase();
  return pattern.test(code) ? code : null;
}

/** Salted digest of a code, as in the scanner bundle: first 32 hex characters of SHA-256. */
export async function codeDigest(salt, code) {
  return (await sha256Hex(salt + code)).slice(0, 32);
}

/** "YYYY-MM-DD" and "HH:MM" of a moment in the event's time zone. */
export function localParts(date, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  for (const { type, value } of format.formatToParts(date)) parts[type] = value;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The bundle with a lookup table by digest. */
export function indexBundle(bundle) {
  return { ...bundle, byHash: new Map(bundle.passes.map((entry) => [entry.h, entry])) };
}

/**
 * The colour of an answer, exactly as events.services.checkin.tone():
 * green  admitted, the whole rest of the party now, nobody of it in earlier that day;
 * amber  let in with something to notice (people still to come, part came earlier, re-entry);
 * red    every other result, and no result at all: do not let them in.
 */
export function tone({ result, remaining = 0, previous = [] } = {}) {
  if (result === "reentry") return "amber";
  if (result !== "admitted") return "red";
  return remaining > 0 || (previous && previous.length > 0) ? "amber" : "green";
}

/**
 * What the server would answer, from the bundle:
 * {result, admitted, remaining, party_size, day, previous: [{time, gate}], tone}.
 * `local` is what this phone admitted that the bundle does not know about yet:
 * {people, time, gate} (time "HH:MM" and gate name of the latest, or null).
 */
export function decideOffline({ bundle, hash, local = null, now = new Date(), timeZone, headcount = null }) {
  const entry = hash ? bundle.byHash.get(hash) : null;
  const answer = (fields) => ({ ...fields, tone: tone(fields) });
  if (!entry) return answer({ result: "invalid", admitted: 0, remaining: 0, party_size: 0, day: null, previous: [] });
  const party = entry.p;
  const localPeople = local?.people || 0;
  const earlier = entry.a + localPeople;
  const remaining = Math.max(party - earlier, 0);
  // The latest admission that counts today: this phone's own if it has one, else the bundle's.
  const previous = [];
  if (localPeople && local.time) previous.push({ time: local.time, gate: local.gate || "" });
  else if (entry.a && entry.t) previous.push({ time: entry.t, gate: entry.g || "" });
  else if (earlier) previous.push({ time: "", gate: "" });
  const refuse = (result) => answer({ result, admitted: 0, remaining, party_size: party, day: entry.d, previous });
  if (entry.s === "x") return refuse("cancelled");
  if (entry.s === "w") return refuse("waiting");
  const { day, time } = localParts(now, timeZone);
  if (entry.d !== day) return refuse("wrong_day");
  const event = bundle.event;
  if (event.enforce_opening_hours && !(event.opens <= time && time < event.closes)) return refuse("not_open");
  if (remaining === 0) return refuse(event.allow_reentry ? "reentry" : "already_admitted");
  const admitted = Math.min(headcount || remaining, remaining);
  return answer({ result: "admitted", admitted, remaining: remaining - admitted, party_size: party, day: entry.d, previous });
}

/** The bundle's session `id` with its bookings and admissions by digest, or null. */
export function findSession(bundle, id) {
  const session = bundle?.sessions?.find((item) => item.id === Number(id));
  if (!session) return null;
  if (!session.byHash) {
    session.byHash = new Map(session.bookings.map((booking) => [booking.h, booking]));
    session.seen = new Set(session.in);
  }
  return session;
}

/** The colour of a session door's answer, as events.services.session_door.door_tone(). */
export function doorTone(result) {
  if (result === "booked") return "green";
  return result === "walk_in" ? "amber" : "red";
}

/**
 * At a session's door without network: the twin of events.services.session_door.door_rule()
 * (tested against tests/shared/session_door_cases.json). `local` is what this phone did at the
 * session that the bundle does not know yet: {in: Set of digests let in, people: walk-in
 * places taken}. Returns {result, admitted, tone, booking}.
 */
export function decideSession({ bundle, session, hash, local = { in: new Set(), people: 0 } }) {
  const answer = (result, admitted = 0, booking = null) => ({ result, admitted, tone: doorTone(result), booking });
  const entry = hash ? bundle.byHash.get(hash) : null;
  if (!entry || entry.s !== "c" || entry.d !== session.date) return answer("not_valid");
  if (session.seen.has(hash) || local.in.has(hash)) return answer("already_admitted");
  const booking = session.byHash.get(hash) || null;
  if (booking && !booking.w) return answer("booked", booking.p, booking);
  if (!session.walk_ins) return answer(booking ? "waiting_list" : "not_booked", 0, booking);
  const free = session.free - local.people;
  const people = Math.min(booking ? booking.p : entry.p, free);
  if (people < 1) return answer("full", 0, booking);
  return answer("walk_in", people, booking);
}
