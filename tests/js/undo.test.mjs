// undo.js: the last action at the gate, queued as its own item naming its target.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Admissions } from "../../events/static/events/scanner/ledger.js";
import { Undo } from "../../events/static/events/scanner/undo.js";
import { MemoryDb, STRINGS, fakeSync, storage } from "./fakes.mjs";

const T = Date.UTC(2026, 11, 3, 1, 42);
const clock = (ms) => new Date(ms).toISOString().slice(11, 16);

async function undoAtGate(gate = 7) {
  const admissions = new Admissions(new MemoryDb());
  const sync = fakeSync();
  let n = 0;
  const undo = new Undo({ storage: storage(), strings: STRINGS, clock, windowSeconds: 300, admissions, sync, newId: () => `u${++n}` });
  undo.atGate(gate);
  return { undo, admissions, sync };
}

test("undoing a scan queues an item naming it, and the pass may come back", async () => {
  const { undo, admissions, sync } = await undoAtGate();
  await admissions.add({ client_id: "c1", h: "h", admitted: 5, at: T, gate: "Cổng A", synced: true, event_id: 1 });
  undo.record({ client_id: "c1", kind: "checkin", people: 5, name: "Trần Văn Bình", at: T, event_id: 1 });
  const action = undo.current(T + 1000);
  assert.equal(undo.label(action), "Hoàn tác: Trần Văn Bình, 5 người");
  const item = await undo.undo(action, { now: T + 2000, gate: 7 });
  assert.deepEqual(item, {
    type: "undo", client_id: "u1", event_id: 1, target: "c1", at: new Date(T + 2000).toISOString(),
    gate: 7, kind: "checkin", people: 5,
  });
  assert.deepEqual(sync.added, [item]);
  assert.equal(admissions.get("c1"), undefined);
  assert.equal(undo.current(T + 3000), null); // nothing older in its place
});

test("an action that is no longer the last, or too old, is not undone", async () => {
  const { undo, sync } = await undoAtGate();
  undo.record({ client_id: "w1", kind: "walkin", people: 3, name: "", at: T, event_id: 1 });
  const asked = undo.current(T);
  undo.record({ client_id: "w2", kind: "walkin", people: 1, name: "", at: T + 10, event_id: 1 }); // while the question was open
  assert.equal(await undo.undo(asked, { now: T + 20, gate: 7 }), null);
  assert.equal(undo.current(T + 310_000), null); // the window is over
  assert.equal(await undo.undo(undo.current(T + 20), { now: T + 310_000, gate: 7 }), null);
  assert.deepEqual(sync.added, []);
});

test("the server's answer to an undo is told in words", async () => {
  const { undo } = await undoAtGate();
  undo.record({ client_id: "w1", kind: "walkin", people: 12, name: "", at: T, event_id: 1 });
  assert.equal(undo.settledText({ target: "w1" }, { ok: true }), "Đã hoàn tác: 12 khách vào tự do.");
  assert.equal(
    undo.settledText({ target: "w1" }, { ok: false, body: { message: "Quá 5 phút." } }),
    "Không hoàn tác được: Quá 5 phút.",
  );
});

test("each gate has its own last action", async () => {
  const { undo } = await undoAtGate(7);
  undo.record({ client_id: "w1", kind: "walkin", people: 1, name: "", at: T, event_id: 1 });
  undo.atGate(8);
  assert.equal(undo.current(T), null);
  undo.atGate(7);
  assert.equal(undo.current(T).client_id, "w1");
});
