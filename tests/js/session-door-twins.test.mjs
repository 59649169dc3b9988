// decideSession against the one table of session door decisions the server's door_rule() is
// tested against too (tests/events/test_session_door_twins.py): the twins cannot drift apart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { decideSession, findSession, indexBundle } from "../../events/static/events/scanner/decide.js";

const TABLE = JSON.parse(readFileSync(new URL("../shared/session_door_cases.json", import.meta.url)));
const DAY = "2026-12-03";
const NEXT_DAY = "2026-12-04";
const HASH = "0123456789abcdef0123456789abcdef";

function bundleFor(item) {
  const found = item.pass;
  const passes = found ? [{ h: HASH, p: found.party, d: found.day ? NEXT_DAY : DAY, s: found.status, a: 0 }] : [];
  const own = item.booking;
  const bookings = [{ h: "other", p: item.others }].filter((booking) => booking.p > 0);
  if (own) bookings.push({ h: HASH, p: own.people, ...(own.waiting ? { w: 1 } : {}) });
  const ownBooked = own && !own.waiting ? own.people : 0;
  const session = {
    id: 9, date: DAY, places: item.places, walk_ins: item.walk_ins,
    free: item.places - item.others - ownBooked, bookings, in: item.in ? [HASH] : [],
  };
  return indexBundle({ salt: "s4lt", event: { id: 1 }, passes, sessions: [session] });
}

for (const item of TABLE.cases) {
  test(`the phone at a session's door decides as the table says: ${item.name}`, () => {
    const bundle = bundleFor(item);
    const { result, admitted, tone } = decideSession({ bundle, session: findSession(bundle, 9), hash: HASH });
    assert.deepEqual({ result, admitted, tone }, item.expect);
  });
}

test("what this phone did offline counts: a pass let in here is not let in twice, walk-ins take places", () => {
  const bundle = bundleFor({ pass: { status: "c", day: 0, party: 2 }, booking: null, places: 3, others: 0, walk_ins: true });
  const session = findSession(bundle, 9);
  assert.equal(decideSession({ bundle, session, hash: HASH, local: { in: new Set([HASH]), people: 2 } }).result, "already_admitted");
  const squeezed = decideSession({ bundle, session, hash: HASH, local: { in: new Set(), people: 2 } });
  assert.deepEqual([squeezed.result, squeezed.admitted], ["walk_in", 1]);
  assert.equal(decideSession({ bundle, session, hash: HASH, local: { in: new Set(), people: 3 } }).result, "full");
});
