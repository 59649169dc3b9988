// Deciding on the phone while the network is down, with the same rules as
// events.services.checkin (parse_code and _decide). The server stays the judge: every offline
// decision is uploaded with its original time, and a different verdict is flagged there.

import { sha256Hex } from "./sha256.js";

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE = new RegExp(`^[${ALPHABET}]{26}$`);
const PASS_PATH = /^(?:\/[a-z]{2})?\/p\/([^/]+)\/?$/;

/** The pass code in a bare code ("abcd efgh ...") or a pass URL of this site; null otherwise. */
export function parseCode(value, baseUrl) {
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
  return CODE.test(code) ? code : null;
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
 * What the server would answer, from the bundle: {result, admitted, remaining, party_size}.
 * `localIn` counts the people this phone admitted that the bundle does not know about yet.
 */
export function decideOffline({ bundle, hash, localIn = 0, now = new Date(), timeZone, headcount = null }) {
  const entry = hash ? bundle.byHash.get(hash) : null;
  if (!entry) return { result: "invalid", admitted: 0, remaining: 0, party_size: 0 };
  const party = entry.p;
  const remaining = Math.max(party - entry.a - localIn, 0);
  const refuse = (result) => ({ result, admitted: 0, remaining, party_size: party });
  if (entry.s === "x") return refuse("cancelled");
  if (entry.s === "w") return refuse("waiting");
  const { day, time } = localParts(now, timeZone);
  if (entry.d !== day) return refuse("wrong_day");
  const event = bundle.event;
  if (event.enforce_opening_hours && !(event.opens <= time && time < event.closes)) return refuse("not_open");
  if (remaining === 0) return { result: "already_admitted", admitted: 0, remaining: 0, party_size: party };
  const admitted = Math.min(headcount || remaining, remaining);
  return { result: "admitted", admitted, remaining: remaining - admitted, party_size: party };
}
