// walkins.js: walk-ins sent at once when possible, queued otherwise, refused with the reason.
import assert from "node:assert/strict";
import { test } from "node:test";

import { countWalkIns } from "../../events/static/events/scanner/walkins.js";
import { STRINGS, fakeApi, fakeSync } from "./fakes.mjs";

const choice = { event: 1, gate: 2 };
const AT = Date.UTC(2026, 11, 3, 1, 42);

function count(n, api, sync = fakeSync()) {
  let id = 0;
  return countWalkIns(n, { choice, api, sync, strings: STRINGS, newId: () => `w${++id}`, now: () => AT });
}

test("sent to the server: counted, undoable", async () => {
  const api = fakeApi({ status: 201, ok: true, data: {} });
  const sync = fakeSync();
  const { text, action } = await count(12, api, sync);
  assert.equal(text, "Đã đếm 12 người không vé.");
  assert.deepEqual(api.calls[0].body, { gate: 2, count: 12, client_id: "w1", at: new Date(AT).toISOString() });
  assert.deepEqual(action, { client_id: "w1", kind: "walkin", people: 12, name: "", at: AT, event_id: 1 });
  assert.deepEqual(sync.added, []);
});

test("no network, or a server that cannot take it now: queued, still counted", async () => {
  for (const answer of ["offline", { status: 503, ok: false, data: null }, { status: 429, ok: false, data: { message: "x" } }]) {
    const sync = fakeSync();
    const { text, action } = await count(3, fakeApi(answer), sync);
    assert.equal(text, "Đã đếm 3 người không vé (sẽ tải lên).");
    assert.equal(sync.added.length, 1);
    assert.equal(sync.added[0].count, 3);
    assert.equal(action.people, 3);
  }
  const sync = fakeSync({ online: false });
  await count(1, fakeApi(), sync); // known offline: not even tried
  assert.equal(sync.added.length, 1);
});

test("refused by the server: its reason, nothing counted; a count out of range does nothing", async () => {
  const sync = fakeSync();
  const refused = await count(5, fakeApi({ status: 422, ok: false, data: { message: "Sự kiện đã kết thúc." } }), sync);
  assert.deepEqual(refused, { text: "Sự kiện đã kết thúc.", action: null });
  for (const bad of [0, -1, 1.5, 501, Number.NaN]) {
    assert.deepEqual(await count(bad, fakeApi(), sync), { text: "", action: null });
  }
  assert.deepEqual(sync.added, []);
});
