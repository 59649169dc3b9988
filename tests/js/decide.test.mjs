// The scanner's offline decision (decide.js): node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { codeDigest, codePattern, decideOffline, indexBundle, parseCode, tone } from "../../events/static/events/scanner/decide.js";

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE = "ABCDEFGHJKMNPQRSTUVWXYZ234";
const rule = { baseUrl: "https://ngaysach.example", pattern: codePattern(ALPHABET, 26) };
const ZONE = "Asia/Ho_Chi_Minh";
// 09:30 in Hanoi on 3 December 2026
const NOW = new Date("2026-12-03T02:30:00Z");

test("parseCode reads bare codes, spaced lower-case codes and pass URLs of this site only", () => {
  assert.equal(parseCode(CODE, rule), CODE);
  assert.equal(parseCode(" abcd efgh jkmn pqrs tuvw xyz2 34 ", rule), CODE);
  assert.equal(parseCode(`https://ngaysach.example/p/${CODE}/`, rule), CODE);
  assert.equal(parseCode(`ngaysach.example/en/p/${CODE}`, rule), CODE);
  assert.equal(parseCode(`/p/${CODE}/`, rule), CODE);
  assert.equal(parseCode(`https://other.example/p/${CODE}/`, rule), null);
  assert.equal(parseCode("KHONG PHAI VE", rule), null);
  assert.equal(parseCode(CODE.slice(1), rule), null); // one character short
  assert.equal(parseCode(CODE.replace("A", "1"), rule), null); // 1 is not in the alphabet
});

test("the alphabet and length come from the configuration", () => {
  const short = { ...rule, pattern: codePattern("AB1", 4) };
  assert.equal(parseCode("ab1a", short), "AB1A");
  assert.equal(parseCode(CODE, short), null);
});

async function bundle(entry, event = {}) {
  const salt = "s4lt";
  const h = await codeDigest(salt, CODE);
  return {
    hash: h,
    bundle: indexBundle({
      salt,
      event: { id: 1, opens: "08:00", closes: "21:00", enforce_opening_hours: true, allow_reentry: false, ...event },
      passes: [{ h, p: 1, d: "2026-12-03", s: "c", a: 0, ...entry }],
    }),
  };
}

const decide = async (entry, extra = {}, event = {}) => {
  const { bundle: b, hash } = await bundle(entry, event);
  return decideOffline({ bundle: b, hash, now: NOW, timeZone: ZONE, ...extra });
};

test("a confirmed pass of today is admitted, green", async () => {
  const answer = await decide({});
  assert.deepEqual(
    [answer.result, answer.admitted, answer.remaining, answer.party_size, answer.tone],
    ["admitted", 1, 0, 1, "green"],
  );
});

test("unknown, cancelled, waiting, another day, closed hours: red with the day for wrong_day", async () => {
  const { bundle: b } = await bundle({});
  assert.equal(decideOffline({ bundle: b, hash: "nope", now: NOW, timeZone: ZONE }).result, "invalid");
  assert.equal((await decide({ s: "x" })).result, "cancelled");
  assert.equal((await decide({ s: "w" })).result, "waiting");
  const wrongDay = await decide({ d: "2026-12-04" });
  assert.deepEqual([wrongDay.result, wrongDay.day, wrongDay.tone], ["wrong_day", "2026-12-04", "red"]);
  const late = await decide({}, { now: new Date("2026-12-03T14:30:00Z") }); // 21:30
  assert.equal(late.result, "not_open");
  const open = await decide({}, { now: new Date("2026-12-03T14:30:00Z") }, { enforce_opening_hours: false });
  assert.equal(open.result, "admitted");
  for (const entry of [{ s: "x" }, { s: "w" }, { d: "2026-12-04" }]) assert.equal((await decide(entry)).tone, "red");
});

test("a group: the headcount admits part, amber with the rest still to come", async () => {
  const answer = await decide({ p: 5 }, { headcount: 3 });
  assert.deepEqual([answer.result, answer.admitted, answer.remaining, answer.tone], ["admitted", 3, 2, "amber"]);
  const rest = await decide({ p: 5, a: 3, t: "08:42", g: "Cổng A" });
  assert.deepEqual([rest.result, rest.admitted, rest.remaining, rest.tone], ["admitted", 2, 0, "amber"]);
  assert.deepEqual(rest.previous, [{ time: "08:42", gate: "Cổng A" }]);
});

test("people this phone let in count: the second scan offline is already_admitted with its time", async () => {
  const answer = await decide({}, { local: { people: 1, time: "09:12", gate: "Cổng B" } });
  assert.deepEqual([answer.result, answer.tone], ["already_admitted", "red"]);
  assert.deepEqual(answer.previous, [{ time: "09:12", gate: "Cổng B" }]);
  const used = await decide({ a: 1, t: "08:42", g: "Cổng A" });
  assert.deepEqual(used.previous, [{ time: "08:42", gate: "Cổng A" }]);
});

test("re-entry follows the event's setting", async () => {
  const entry = { a: 1, t: "08:42", g: "Cổng A" };
  assert.equal((await decide(entry)).result, "already_admitted");
  const again = await decide(entry, {}, { allow_reentry: true });
  assert.deepEqual([again.result, again.admitted, again.tone], ["reentry", 0, "amber"]);
});

test("tone() of answers as the server and the phone give them", () => {
  const cases = [
    [{ result: "admitted", remaining: 0, previous: [] }, "green"],
    [{ result: "admitted", remaining: 2, previous: [] }, "amber"],
    [{ result: "admitted", remaining: 0, previous: [{ at: "x", gate: "A", admitted: 2 }] }, "amber"],
    [{ result: "reentry", remaining: 0, previous: [{}] }, "amber"],
    [{ result: "already_admitted" }, "red"],
    [{ result: "waiting" }, "red"],
    [{ result: "cancelled" }, "red"],
    [{ result: "wrong_day" }, "red"],
    [{ result: "wrong_event" }, "red"],
    [{ result: "not_open" }, "red"],
    [{ result: "invalid" }, "red"],
    [{ result: null }, "red"],
  ];
  for (const [answer, expected] of cases) assert.equal(tone(answer), expected, JSON.stringify(answer));
});
