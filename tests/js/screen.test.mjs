// Undo ledger, totals, scanner-gun keys, sounds and the texts of an answer.
import assert from "node:assert/strict";
import { test } from "node:test";

import { KINDS, SOUNDS, VIBRATIONS } from "../../events/static/events/scanner/feedback.js";
import { BurstDetector, FieldTimer } from "../../events/static/events/scanner/keys.js";
import { ActionLedger, undoLabel } from "../../events/static/events/scanner/ledger.js";
import { matchFacts } from "../../events/static/events/scanner/lookup.js";
import { pendingTotals, shownTotals } from "../../events/static/events/scanner/totals.js";
import { describe as describeAnswer } from "../../events/static/events/scanner/ui.js";

const STRINGS = {
  undo_label: "Hoàn tác: %(what)s",
  action_scan: "%(name)s, %(n)s người",
  action_scan_one: "%(name)s, 1 người",
  action_scan_offline: "lượt vào lúc %(time)s, %(n)s người",
  action_walkins: "%(n)s khách vào tự do",
  admit: "Cho vào %(n)s người",
  admit_one: "Cho vào 1 người",
  refuse: "Không cho vào",
  reentry_title: "Cho vào lại",
  wrong_day_on: "Vé của ngày %(day)s.",
  used_at: "Đã dùng lúc %(time)s tại %(gate)s.",
  reentry_at: "Vào lại: đã vào lúc %(time)s tại %(gate)s.",
  in_of_party: "Đã vào: %(in)s/%(party)s",
  still_to_come: "%(n)s người còn có thể vào.",
  earlier: "Trước đó: %(time)s tại %(gate)s (%(n)s)",
  no_bundle_title: "Không kiểm tra được",
  no_bundle: "Không có mạng",
  result_messages: { admitted: "Chào mừng!", waiting: "Danh sách chờ: chưa xác nhận." },
  lookup_party: "%(n)s người",
  lookup_party_one: "1 người",
  lookup_all_in: "đã vào hôm nay",
  lookup_remaining: "còn %(n)s người",
  status_names: { waiting: "Danh sách chờ", cancelled: "Đã hủy" },
};
const clock = (ms) => new Date(ms).toISOString().slice(11, 16);

function storage() {
  const data = new Map();
  return { get: (k) => structuredClone(data.get(k) ?? null), set: (k, v) => data.set(k, structuredClone(v)) };
}

test("undo is the LAST action, whatever it was, named; never an older one", () => {
  const ledger = new ActionLedger(storage(), 7);
  const t = Date.UTC(2026, 11, 3, 1, 42);
  ledger.record({ client_id: "a", kind: "checkin", people: 5, name: "Trần Văn Bình", at: t, event_id: 1 });
  assert.equal(undoLabel(ledger.undoable(t + 1000, 300), STRINGS, clock), "Hoàn tác: Trần Văn Bình, 5 người");
  ledger.record({ client_id: "b", kind: "walkin", people: 5, name: "", at: t + 1000, event_id: 1 });
  ledger.record({ client_id: "c", kind: "walkin", people: 12, name: "", at: t + 2000, event_id: 1 });
  const last = ledger.undoable(t + 3000, 300);
  assert.equal(last.client_id, "c");
  assert.equal(undoLabel(last, STRINGS, clock), "Hoàn tác: 12 khách vào tự do");
  ledger.markUndone("c");
  assert.equal(ledger.undoable(t + 3000, 300), null); // not "b" instead
  ledger.record({ client_id: "d", kind: "checkin", people: 1, name: "", at: t, event_id: 1 });
  assert.equal(undoLabel(ledger.last(), STRINGS, clock), "Hoàn tác: lượt vào lúc 01:42, 1 người");
  assert.equal(ledger.undoable(t + 300_000, 300), null); // the window is over
  assert.equal(new ActionLedger(ledger.storage, 7).last().client_id, "d"); // kept across reloads
  assert.equal(new ActionLedger(ledger.storage, 8).last(), null); // per gate
});

test("totals count what waits in the queue, undos included, never below zero", () => {
  const choice = { event: 1, gate: 2 };
  const queue = [
    { type: "checkin", event_id: 1, gate: 2, local_admitted: 3 },
    { type: "checkin", event_id: 1, gate: 9, local_admitted: 1 },
    { type: "walkin", event_id: 1, gate: 2, count: 12 },
    { type: "undo", event_id: 1, gate: 2, kind: "walkin", people: 12 },
    { type: "undo", event_id: 1, gate: 2, kind: "checkin", people: 2 },
    { type: "walkin", event_id: 5, gate: 2, count: 100 },
  ];
  const pending = pendingTotals(queue, choice);
  assert.deepEqual(pending, { gateAdmitted: 1, gateWalkIns: 0, eventAdmitted: 2, eventWalkIns: 0 });
  const shown = shownTotals({ gate_admitted: 0, gate_walk_ins: 0, event_admitted: 0, event_walk_ins: 0, event_visits: 0 }, { ...pending, gateWalkIns: -3 });
  assert.equal(shown.gateWalkIns, 0);
});

test("a scanner gun's burst ending in Enter is a scan; a person's typing is not", () => {
  const burst = new BurstDetector();
  const code = "https://ngaysach.example/p/ABCDEFGHJKMNPQRSTUVWXYZ234/";
  let t = 1000;
  for (const key of code) assert.equal(burst.key(key, (t += 8)), null);
  assert.equal(burst.key("Enter", (t += 8)), code);
  // Slow keys (a person) never make a scan, nor does a short burst.
  for (const key of "ABCDEFGHJK") burst.key(key, (t += 180));
  assert.equal(burst.key("Enter", (t += 180)), null);
  for (const key of "ABC") burst.key(key, (t += 5));
  assert.equal(burst.key("Enter", (t += 5)), null);
  // Shift and other named keys do not break a burst.
  for (const key of ["Shift", ..."ABCDEFGHJK"]) burst.key(key, (t += 5));
  assert.equal(burst.key("Enter", (t += 5)), "ABCDEFGHJK");

  const field = new FieldTimer();
  for (let i = 0; i < 26; i += 1) field.key(i * 6);
  assert.equal(field.method(), "scan");
  for (let i = 0; i < 26; i += 1) field.key(i * 150);
  assert.equal(field.method(), "typed");
  assert.equal(field.method(), "typed"); // pasted or empty: typed
});

test("every tone has its own sound and vibration", () => {
  for (const kind of ["green", "amber", "red"]) {
    assert.ok(KINDS.includes(kind));
    assert.equal(typeof SOUNDS[kind], "function");
  }
  const patterns = ["green", "amber", "red"].map((kind) => JSON.stringify(VIBRATIONS[kind]));
  assert.equal(new Set(patterns).size, 3);
});

test("the answer's texts: colour, title and the reason in words", () => {
  const zone = "Asia/Ho_Chi_Minh";
  const green = describeAnswer({ result: "admitted", admitted: 1, remaining: 0, party_size: 1, message: "Chào mừng!", name: "Trần Văn Bình" }, STRINGS, zone);
  assert.deepEqual([green.tone, green.title, green.name], ["green", "Cho vào 1 người", "Trần Văn Bình"]);
  const group = describeAnswer({ result: "admitted", admitted: 3, remaining: 2, party_size: 5, previous: [] }, STRINGS, zone);
  assert.deepEqual([group.tone, group.title, group.facts], ["amber", "Cho vào 3 người", ["Đã vào: 3/5", "2 người còn có thể vào."]]);
  // The server's message says who is still to come: not said twice.
  const told = describeAnswer({ result: "admitted", admitted: 3, remaining: 2, party_size: 5, message: "Đã cho 3 người vào; còn 2 người." }, STRINGS, zone);
  assert.deepEqual(told.facts, ["Đã vào: 3/5"]);
  // No party count on a refusal where it does not help.
  assert.deepEqual(describeAnswer({ result: "wrong_day", day: "2026-12-04", party_size: 4, remaining: 4 }, STRINGS, zone).facts, []);
  const waiting = describeAnswer({ result: "waiting", admitted: 0, remaining: 1, party_size: 1 }, STRINGS, zone);
  assert.deepEqual([waiting.tone, waiting.title, waiting.message], ["red", "Không cho vào", "Danh sách chờ: chưa xác nhận."]);
  // Offline, the phone words the reasons like the server.
  const day = describeAnswer({ result: "wrong_day", day: "2026-12-04", party_size: 1, remaining: 1, offline: true }, STRINGS, zone);
  assert.equal(day.message, "Vé của ngày 04/12/2026.");
  const used = describeAnswer({ result: "already_admitted", party_size: 1, remaining: 0, previous: [{ time: "08:42", gate: "Cổng A" }] }, STRINGS, zone);
  assert.deepEqual([used.tone, used.message], ["red", "Đã dùng lúc 08:42 tại Cổng A."]);
  const again = describeAnswer({ result: "reentry", party_size: 1, remaining: 0, previous: [{ time: "08:42", gate: "Cổng A" }] }, STRINGS, zone);
  assert.deepEqual([again.tone, again.title, again.message], ["amber", "Cho vào lại", "Vào lại: đã vào lúc 08:42 tại Cổng A."]);
  // The server's own message wins when there is one.
  const server = describeAnswer({ result: "already_admitted", message: "Đã dùng lúc 08:40 tại Cổng B.", previous: [{ time: "08:42", gate: "A" }] }, STRINGS, zone);
  assert.equal(server.message, "Đã dùng lúc 08:40 tại Cổng B.");
  assert.equal(describeAnswer({ result: null }, STRINGS, zone).tone, "red");
});

test("a looked-up registration says its party size and what stands in the way", () => {
  assert.equal(matchFacts({ party_size: 5, status: "confirmed", remaining: 5 }, STRINGS), "5 người");
  assert.equal(matchFacts({ party_size: 5, status: "confirmed", remaining: 2 }, STRINGS), "5 người · còn 2 người");
  assert.equal(matchFacts({ party_size: 1, status: "confirmed", remaining: 0 }, STRINGS), "1 người · đã vào hôm nay");
  assert.equal(matchFacts({ party_size: 2, status: "waiting", remaining: 2 }, STRINGS), "2 người · Danh sách chờ");
});
