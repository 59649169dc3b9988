// passlist.js: the pass list for deciding offline, saved per event, refreshed with its ETag.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Admissions } from "../../events/static/events/scanner/ledger.js";
import { PassList } from "../../events/static/events/scanner/passlist.js";
import { MemoryDb, STRINGS, fakeApi, fakeSync, storage } from "./fakes.mjs";

const bundle = (eventId, n) => ({
  salt: "s", event: { id: eventId, days: ["2026-12-03"] },
  passes: Array.from({ length: n }, (_, i) => ({ h: `h${i}`, p: 1, d: "2026-12-03", s: "confirmed", a: 0 })),
});
const clock = (ms) => new Date(ms).toISOString().slice(11, 16);

function passList(api, { db = new MemoryDb(), prefs = storage(), sync = fakeSync(), now = () => Date.UTC(2026, 11, 3, 1, 42) } = {}) {
  const admissions = new Admissions(db);
  return { list: new PassList({ db, api, storage: prefs, admissions, sync, now }), db, prefs, sync, admissions };
}

test("fetched, saved, and loaded again without network; never another event's", async () => {
  const api = fakeApi({ status: 200, ok: true, data: bundle(1, 3), etag: '"v1"' });
  const { list, db, prefs } = passList(api);
  assert.equal(list.status(STRINGS, clock), "Chưa tải danh sách vé.");
  await list.refresh(1);
  assert.equal(list.of(1).passes.length, 3);
  assert.equal(list.of(2), null);
  assert.equal(list.status(STRINGS, clock), "Danh sách: 3 vé, cập nhật 01:42.");
  const reloaded = passList(fakeApi(), { db, prefs }).list;
  await reloaded.load(1);
  assert.equal(reloaded.of(1).passes.length, 3);
  assert.equal(reloaded.meta.etag, '"v1"');
  await reloaded.load(2); // no list saved for event 2
  assert.equal(reloaded.bundle, null);
});

test("an unchanged list costs a 304; uploaded admissions it counts are forgotten", async () => {
  const api = fakeApi({ status: 200, ok: true, data: bundle(1, 2), etag: '"v1"' }, { status: 304, ok: false, data: null, etag: '"v1"' });
  let now = 1000;
  const { list, admissions } = passList(api, { now: () => now });
  await list.refresh(1);
  await admissions.add({ client_id: "c1", h: "h0", admitted: 1, at: 1500, gate: "A", synced: true, event_id: 1 });
  await admissions.add({ client_id: "c2", h: "h1", admitted: 1, at: 1500, gate: "A", synced: false, event_id: 1 });
  now = 2000;
  await list.refresh(1);
  assert.equal(api.calls[1].headers["If-None-Match"], '"v1"');
  assert.equal(list.meta.fetched_at, 2000);
  assert.equal(admissions.get("c1"), undefined); // the list counts it now
  assert.ok(admissions.get("c2")); // not uploaded yet: still counted on the phone
});

test("the staff member switched events meanwhile: saved, not used; no network: offline", async () => {
  const { list, db, sync } = passList(fakeApi({ status: 200, ok: true, data: bundle(1, 2), etag: '"v1"' }, "offline"));
  await list.refresh(1, () => 2);
  assert.equal(list.bundle, null);
  assert.ok(await db.get("bundles", 1));
  await list.refresh(1);
  assert.deepEqual(sync.told, [false]);
});
