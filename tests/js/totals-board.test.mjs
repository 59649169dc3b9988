// totals.js Totals: the server's figures kept on the phone, plus what waits to upload.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Totals } from "../../events/static/events/scanner/totals.js";
import { fakeApi, fakeSync, storage } from "./fakes.mjs";

const FIGURES = { gate_admitted: 10, gate_walk_ins: 2, event_admitted: 40, event_walk_ins: 5, event_visits: 45 };
const choice = { event: 1, gate: 2 };

test("the figures are fetched for the gate, kept, and count the queue at once", async () => {
  const api = fakeApi({ status: 200, ok: true, data: FIGURES });
  const prefs = storage();
  const sync = fakeSync();
  const totals = new Totals({ api, storage: prefs, sync, now: () => 1234 });
  assert.equal(totals.shown([], choice), null);
  await totals.refresh(choice);
  assert.equal(api.calls[0].path, "events/1/totals/?gate=2");
  const queued = [
    { type: "checkin", event_id: 1, gate: 2, local_admitted: 3 },
    { type: "walkin", event_id: 1, gate: 9, count: 4 },
  ];
  assert.deepEqual(totals.shown(queued, choice), {
    figures: { gateAdmitted: 13, gateWalkIns: 2, eventAdmitted: 43, eventWalkIns: 9, eventVisits: 52 },
    updatedAt: 1234,
  });
  assert.deepEqual(sync.told, [true]);
  // After a reload, before any answer: the last figures, for that gate only.
  const again = new Totals({ api: fakeApi(), storage: prefs, sync });
  assert.equal(again.shown([], choice).figures.gateAdmitted, 10);
  assert.equal(again.shown([], { event: 1, gate: 3 }), null);
});

test("no network: nothing asked, or the phone goes offline; a lost session is told", async () => {
  const offline = new Totals({ api: fakeApi(), storage: storage(), sync: fakeSync({ connected: false }) });
  await offline.refresh(choice); // fakeApi() throws on any request
  const sync = fakeSync();
  const totals = new Totals({ api: fakeApi("offline", { status: 401, ok: false, data: null }), storage: storage(), sync });
  await totals.refresh(choice);
  await totals.refresh(choice);
  assert.deepEqual(sync.told, [false, "login"]);
  assert.equal(totals.shown([], choice), null);
});
