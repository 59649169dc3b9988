// decideOffline against the one table of gate decisions the server's _decide() and tone() are
// tested against too (tests/events/test_scanner_twins.py): the twins cannot drift apart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { codeDigest, decideOffline, indexBundle } from "../../events/static/events/scanner/decide.js";

const TABLE = JSON.parse(readFileSync(new URL("../shared/scanner_cases.json", import.meta.url)));
const ZONE = "Asia/Ho_Chi_Minh"; // settings.TIME_ZONE
const TODAY = "2026-12-03"; // as in the Python test
const CODE = "ABCDEFGHJKMNPQRSTUVWXYZ234";

function plusDays(isoDay, days) {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

for (const item of TABLE.cases) {
  test(`the phone decides as the table says: ${item.name}`, async () => {
    const salt = "s4lt";
    const hash = await codeDigest(salt, CODE);
    const found = item.pass;
    const passes = found
      ? [{ h: hash, p: found.party, d: plusDays(TODAY, found.day), s: found.status, a: found.in, ...(found.in ? { t: "09:00", g: "Cổng A" } : {}) }]
      : [];
    const bundle = indexBundle({ salt, event: { id: 1, ...TABLE.event, ...(item.event || {}) }, passes });
    const now = new Date(`${TODAY}T${item.at}:00+07:00`);
    const answer = decideOffline({ bundle, hash, now, timeZone: ZONE, headcount: item.headcount ?? null });
    const { result, admitted, remaining, tone } = answer;
    assert.deepEqual({ result, admitted, remaining, tone }, item.expect);
  });
}
