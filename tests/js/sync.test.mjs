// sync.js: the queue as the screen sees it, the network state, and the phone's admissions
// following the server's answers to uploaded items.
import assert from "node:assert/strict";
import { test } from "node:test";

import { NetworkError } from "../../events/static/events/scanner/api.js";
import { Admissions } from "../../events/static/events/scanner/ledger.js";
import { Sync } from "../../events/static/events/scanner/sync.js";
import { MemoryDb, STRINGS } from "./fakes.mjs";

function fakeTime() {
  const time = { now: 1_000_000 };
  time.api = { setTimeout: () => 1, clearTimeout: () => {} };
  return time;
}

async function syncWith(server, { connected = () => true } = {}) {
  const db = new MemoryDb();
  const admissions = new Admissions(db);
  const time = fakeTime();
  const screen = { network: [], notes: [], undos: [], changed: 0, settled: 0, back: 0, login: 0 };
  const api = async (path, { body }) => server(body.items);
  const sync = new Sync({
    db, api, admissions, strings: STRINGS, connected,
    on: {
      network: (online, queued) => screen.network.push([online, queued]),
      note: (text) => screen.notes.push(text),
      undoSettled: (item, answer) => screen.undos.push([item.target, answer.ok]),
      changed: () => { screen.changed += 1; },
      settled: () => { screen.settled += 1; },
      back: () => { screen.back += 1; },
      loginLost: () => { screen.login += 1; },
    },
    queueOptions: { now: () => time.now, timers: time.api },
  });
  return { db, admissions, sync, screen, time };
}

const checkin = (n, extra = {}) => ({ type: "checkin", client_id: `c${n}`, event_id: 1, gate: 2, code: `CODE${n}`, scanned_at: "2026-12-03T02:00:00Z", ...extra });
const answer = (item, body, { ok = true, status = 200 } = {}) => ({ client_id: item.client_id, ok, status, final: true, body });

test("what waits in the queue reaches the network line and the totals", async () => {
  const { sync, screen } = await syncWith(() => { throw new NetworkError("offline"); });
  await sync.add(checkin(1));
  await sync.add({ type: "walkin", client_id: "w1", event_id: 1, gate: 2, count: 3, at: "2026-12-03T02:00:00Z" });
  await sync.refresh();
  assert.equal(sync.queued.length, 2);
  assert.deepEqual(screen.network.at(-1), [true, 2]);
  assert.ok(screen.changed >= 2);
});

test("uploaded scans: admissions follow the server, differences and refusals are told", async () => {
  const server = (items) => ({
    status: 200, ok: true,
    data: items.map((item) => {
      if (item.client_id === "c1") return answer(item, { result: "admitted", admitted: 3 });
      if (item.client_id === "c2") return answer(item, { result: "already_admitted", admitted: 0 });
      if (item.client_id === "c3") return answer(item, { code: "invalid", message: "Không hợp lệ" }, { ok: false, status: 422 });
      return answer(item, { ok: true });
    }),
  });
  const { sync, admissions, screen, db } = await syncWith(server);
  for (const n of [1, 2, 3]) {
    await admissions.add({ client_id: `c${n}`, h: `h${n}`, admitted: 2, at: 5, gate: "Cổng A", synced: false, event_id: 1 });
  }
  await sync.add(checkin(1, { offline_result: "admitted" }));
  await sync.add(checkin(2, { offline_result: "admitted" }));
  await sync.add(checkin(3, { offline_result: "admitted" }));
  await sync.add({ type: "undo", client_id: "u1", event_id: 1, target: "w0", at: "2026-12-03T02:00:00Z" });
  assert.equal(await sync.flush({ force: true }), "done");
  assert.equal(admissions.get("c1").admitted, 3); // the server's count, uploaded
  assert.equal(admissions.get("c1").synced, true);
  assert.equal(admissions.get("c2"), undefined); // the server let nobody in
  assert.equal(admissions.get("c3"), undefined); // refused for good
  assert.deepEqual(screen.undos, [["w0", true]]);
  assert.deepEqual(screen.notes, ["Đã tải lên 3. 1 quyết định khác. 1 mục bị từ chối."]);
  assert.equal(sync.queued.length, 0);
  assert.equal((await db.all("rejected")).length, 1);
  assert.equal(screen.settled, 1); // the totals are fetched again
});

test("online again: the queue is sent and the pass list refreshed; a stale answer changes nothing", async () => {
  let connected = true;
  const { sync, screen } = await syncWith((items) => ({ status: 200, ok: true, data: items.map((i) => answer(i, {})) }), { connected: () => connected });
  sync.setOnline(false);
  assert.equal(sync.reachable(), false);
  assert.deepEqual(screen.network.at(-1), [false, 0]);
  connected = false;
  sync.setOnline(true); // an answer to a request sent before the network dropped
  assert.equal(sync.online, false);
  connected = true;
  sync.setOnline(true);
  assert.equal(sync.reachable(), true);
  assert.equal(screen.back, 1);
});

test("a failed upload says when it is tried again; a lost session asks to log in", async () => {
  const { sync, screen } = await syncWith(() => ({ status: 401, ok: false, data: null }));
  await sync.add(checkin(1));
  assert.equal(await sync.flush({ force: true }), "failed");
  assert.equal(screen.login, 1);
  assert.equal(screen.notes.at(-1), "Thử lại sau 2 giây.");
  assert.equal(sync.queued.length, 1); // kept
});
