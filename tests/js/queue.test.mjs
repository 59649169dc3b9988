// The upload queue (queue.js): nothing leaves it without a final answer.
import assert from "node:assert/strict";
import { test } from "node:test";

import { NetworkError } from "../../events/static/events/scanner/api.js";
import { Queue, backoff, payload, settle } from "../../events/static/events/scanner/queue.js";

class MemoryDb {
  constructor() {
    this.stores = { queue: new Map(), rejected: new Map() };
  }
  async all(name) { return [...this.stores[name].values()].map((v) => structuredClone(v)); }
  async put(name, ...values) { for (const v of values) this.stores[name].set(v.client_id, structuredClone(v)); }
  async delete(name, ...keys) { for (const k of keys) this.stores[name].delete(k); }
}

/** A fake clock and timers: nothing waits for real. */
function fakeTime() {
  const time = { now: 1_000_000, timers: [] };
  time.api = {
    setTimeout: (fn, ms) => { time.timers.push({ fn, at: time.now + ms }); return time.timers.length; },
    clearTimeout: () => {},
  };
  return time;
}

const checkin = (n) => ({ type: "checkin", client_id: `phone-${n}`, event_id: 1, gate: 2, code: `CODE${n}`, scanned_at: "2026-12-03T02:00:00Z", h: "local", local_admitted: 1 });
const ok = (item) => ({ client_id: item.client_id, ok: true, status: 200, final: true, body: { result: "admitted", admitted: 1 } });

function queueWith(server) {
  const db = new MemoryDb();
  const time = fakeTime();
  const seen = [];
  const sent = [];
  const api = async (path, { body }) => {
    sent.push(body.items.map((item) => item.client_id));
    return server(body.items, sent.length);
  };
  const queue = new Queue({ db, api, now: () => time.now, timers: time.api, onSettled: async (outcome) => seen.push(outcome), onFailure: () => {} });
  return { db, time, queue, sent, seen };
}

test("backoff doubles from 2 s up to a minute", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 12].map(backoff), [0, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
});

test("payload sends the server's fields only, per type", () => {
  assert.deepEqual(payload({ ...checkin(1), headcount: null, method: "typed" }), {
    type: "checkin", client_id: "phone-1", event_id: 1, gate: 2, code: "CODE1", scanned_at: "2026-12-03T02:00:00Z", method: "typed",
  });
  assert.deepEqual(payload({ type: "undo", client_id: "u", event_id: 1, target: "phone-1", at: "t", gate: 2, people: 5, kind: "checkin" }), {
    type: "undo", client_id: "u", event_id: 1, target: "phone-1", at: "t",
  });
});

test("settle: only final answers leave; a missing or retryable answer stays", () => {
  const items = [checkin(1), checkin(2), checkin(3), checkin(4)];
  const answers = [
    ok(items[0]),
    { client_id: "phone-2", ok: false, status: 503, final: false, body: { code: "retry_later" } },
    { client_id: "phone-3", ok: false, status: 409, final: true, body: { code: "client_id_conflict" } },
  ];
  const out = settle(items, answers);
  assert.deepEqual(out.done.map(({ item }) => item.client_id), ["phone-1"]);
  assert.deepEqual(out.rejected.map(({ item }) => item.client_id), ["phone-3"]);
  assert.deepEqual(out.retry.map((item) => item.client_id), ["phone-2", "phone-4"]);
  // A 4xx without `final` is never taken as a refusal for good.
  assert.deepEqual(settle([checkin(5)], [{ client_id: "phone-5", ok: false, status: 422 }]).retry.length, 1);
});

test("whole-request failures keep the whole batch and back off; success resets", async () => {
  const answers = [
    () => { throw new NetworkError("aborted"); },
    () => ({ status: 503, ok: false, data: { code: "x" } }),
    () => ({ status: 429, ok: false, data: null }),
    () => ({ status: 403, ok: false, data: { code: "forbidden" } }),
    (items) => ({ status: 200, ok: true, data: items.map(ok) }),
  ];
  const { db, time, queue, sent } = queueWith((items, n) => answers[n - 1](items));
  await queue.add(checkin(1));
  time.now += 1;
  await queue.add(checkin(2));
  const delays = [];
  for (let i = 0; i < 4; i += 1) {
    assert.equal(await queue.flush(), "failed");
    assert.equal((await db.all("queue")).length, 2);
    delays.push(queue.wait());
    assert.equal(await queue.flush(), "waiting"); // not before the delay
    time.now += queue.wait();
  }
  assert.deepEqual(delays, [2000, 4000, 8000, 16000]);
  assert.equal(await queue.flush(), "done");
  assert.deepEqual(sent.at(-1), ["phone-1", "phone-2"]); // in the order they were made
  assert.equal((await db.all("queue")).length, 0);
  assert.equal(queue.wait(), 0);
  assert.equal(queue.failures, 0);
  assert.equal((await db.all("rejected")).length, 0);
});

test("retryable items stay queued and are sent again; final refusals are kept aside", async () => {
  const { db, time, queue, sent } = queueWith((items, n) => ({
    status: 200,
    ok: true,
    data: items.map((item) => {
      if (item.client_id === "phone-2" && n === 1) return { client_id: item.client_id, ok: false, status: 503, final: false, body: {} };
      if (item.client_id === "phone-3") return { client_id: item.client_id, ok: false, status: 422, final: true, body: { code: "unknown_gate" } };
      return ok(item);
    }),
  }));
  for (const n of [1, 2, 3]) {
    await queue.add(checkin(n));
    time.now += 1;
  }
  assert.equal(await queue.flush(), "retry");
  assert.deepEqual((await db.all("queue")).map((item) => item.client_id), ["phone-2"]);
  assert.deepEqual((await db.all("rejected")).map((item) => item.client_id), ["phone-3"]);
  assert.equal(queue.wait(), 2000);
  time.now += 2000;
  assert.equal(await queue.flush(), "done");
  assert.deepEqual(sent, [["phone-1", "phone-2", "phone-3"], ["phone-2"]]);
  assert.equal((await db.all("queue")).length, 0);
});

test("an undo added while an upload is in flight is sent after it, never lost", async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const { db, time, queue, sent } = queueWith(async (items, n) => {
    if (n === 1) await held;
    return { status: 200, ok: true, data: items.map((item) => ({ ...ok(item), body: {} })) };
  });
  await queue.add(checkin(1));
  const first = queue.flush();
  await new Promise((resolve) => setImmediate(resolve)); // the upload is on its way
  assert.deepEqual(sent, [["phone-1"]]);
  time.now += 1;
  await queue.add({ type: "undo", client_id: "undo-1", event_id: 1, target: "phone-1", at: "t" });
  const second = queue.flush({ force: true }); // joins the running upload
  release();
  assert.equal(await first, "done");
  await second;
  assert.deepEqual(sent, [["phone-1"], ["undo-1"]]);
  assert.equal((await db.all("queue")).length, 0);
});
