// scan.js: one scan, from the code to the answer on screen, with the server or without it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { codeDigest, codePattern } from "../../events/static/events/scanner/decide.js";
import { Admissions } from "../../events/static/events/scanner/ledger.js";
import { CameraDebounce, DEBOUNCE, Scanner } from "../../events/static/events/scanner/scan.js";
import { MemoryDb, fakeApi, fakeSync } from "./fakes.mjs";

const ZONE = "Asia/Ho_Chi_Minh";
const NOW = new Date("2026-12-03T02:30:00Z"); // 09:30 in Hanoi
const CODE = "ABCDEFGHJKMNPQRSTUVWXYZ234";
const rule = { baseUrl: "https://ngaysach.example", pattern: codePattern("23456789ABCDEFGHJKMNPQRSTUVWXYZ", 26) };

/** A screen that records what it showed and answers the group question with `headcount`. */
function fakeView(headcount = null) {
  return {
    shown: [], asked: [],
    hideResult() {},
    async askGroup(question) { this.asked.push(question); return headcount; },
    async showResult(outcome) { this.shown.push(outcome); },
  };
}

async function scannerWith({ api = fakeApi(), sync = fakeSync(), party = 1, headcount = null, withBundle = true } = {}) {
  const admissions = new Admissions(new MemoryDb());
  const h = await codeDigest("s4lt", CODE);
  const bundle = withBundle
    ? { salt: "s4lt", event: { id: 1, allow_reentry: false }, passes: [{ h, p: party, d: "2026-12-03", s: "c", a: 0 }] }
    : null;
  const passList = { of: (id) => (bundle && id === 1 ? { ...bundle, byHash: new Map(bundle.passes.map((e) => [e.h, e])) } : null) };
  const recorded = [];
  const signals = [];
  const timings = [];
  let n = 0;
  const view = fakeView(headcount);
  const scanner = new Scanner({
    config: { time_zone: ZONE }, rule, api, view, sync, admissions, passList,
    undo: { record: (action) => recorded.push(action) },
    place: () => ({ choice: { event: 1, gate: 2 }, gateName: "Cổng A" }),
    signal: (tone) => signals.push(tone), newId: () => `c${++n}`, timings, now: () => NOW,
  });
  return { scanner, view, sync, admissions, recorded, signals, timings, api };
}

const frame = { source: "manual", frameAt: 0, decodedAt: 0 };

test("the server decides when it answers; the admission is remembered and undoable", async () => {
  const api = fakeApi({ status: 200, ok: true, data: { result: "admitted", admitted: 1, remaining: 0, party_size: 1, name: "Đặng Thị Hương", tone: "green" } });
  const { scanner, view, admissions, recorded, signals, timings } = await scannerWith({ api });
  const outcome = await scanner.scan(` ${CODE.toLowerCase()} `, frame, { method: "typed" });
  assert.equal(outcome.offline, false);
  assert.equal(view.shown[0].name, "Đặng Thị Hương");
  assert.deepEqual(signals, ["green"]);
  const sent = api.calls[0];
  assert.equal(sent.path, "checkins/");
  assert.deepEqual(
    { ...sent.body, client_id: undefined },
    { client_id: undefined, event_id: 1, gate: 2, code: ` ${CODE.toLowerCase()} `, scanned_at: NOW.toISOString(), headcount: null, method: "typed" },
  );
  assert.equal(admissions.of(await codeDigest("s4lt", CODE), 1).people, 1);
  assert.deepEqual(recorded.map((a) => [a.kind, a.people, a.name]), [["checkin", 1, "Đặng Thị Hương"]]);
  assert.equal(timings.length, 1);
  assert.equal(scanner.ready(), true);
});

test("no answer in time: the phone decides from the pass list, queues the scan, and does not admit twice", async () => {
  const api = fakeApi("offline");
  const { scanner, sync, view } = await scannerWith({ api });
  const first = await scanner.scan(CODE, frame, { method: "scan" });
  assert.deepEqual([first.result, first.offline, first.tone], ["admitted", true, "green"]);
  assert.deepEqual(sync.told, [false]);
  assert.equal(sync.added.length, 1);
  assert.deepEqual(
    [sync.added[0].offline_result, sync.added[0].local_admitted, sync.added[0].type],
    ["admitted", 1, "checkin"],
  );
  // The phone is offline now: the next scan is decided at once, with what it let in already.
  const second = await scanner.scan(CODE, frame, { method: "scan" });
  assert.equal(api.calls.length, 1);
  assert.deepEqual([second.result, second.previous[0].gate], ["already_admitted", "Cổng A"]);
  assert.equal(view.shown.length, 2);
});

test("a group: the staff member says how many come in now; cancelling scans nothing", async () => {
  const api = fakeApi({ status: 200, ok: true, data: { result: "admitted", admitted: 3, remaining: 2, party_size: 5 } });
  const group = await scannerWith({ api, party: 5, headcount: 3 });
  await group.scanner.scan(CODE, frame, { method: "scan" });
  assert.deepEqual(group.view.asked, [{ party: 5, inNow: 0, remaining: 5 }]);
  assert.equal(api.calls[0].body.headcount, 3);
  assert.equal(group.timings[0].person, true); // not a scan-to-screen time
  const cancelled = await scannerWith({ party: 5, headcount: null });
  assert.equal(await cancelled.scanner.scan(CODE, frame, { method: "scan" }), null);
  assert.deepEqual(cancelled.view.shown, []);
  assert.deepEqual(cancelled.sync.added, []);
  assert.equal(cancelled.scanner.ready(), true);
});

test("a request the server refuses is shown with its reason and never queued", async () => {
  const api = fakeApi({ status: 422, ok: false, data: { code: "invalid", message: "Mã vé không hợp lệ." } });
  const { scanner, sync, signals } = await scannerWith({ api, withBundle: false });
  const outcome = await scanner.scan("KHONG PHAI VE", frame, { method: "typed" });
  assert.deepEqual([outcome.result, outcome.message, outcome.offline], [null, "Mã vé không hợp lệ.", false]);
  assert.deepEqual(sync.added, []);
  assert.deepEqual(signals, ["red"]);
});

test("no network and no pass list: saved for upload, undecided, red", async () => {
  const { scanner, sync } = await scannerWith({ sync: fakeSync({ connected: false, online: false }), withBundle: false });
  const outcome = await scanner.scan(CODE, frame, { method: "scan" });
  assert.deepEqual([outcome.result, outcome.offline], [null, true]);
  assert.equal(sync.added[0].offline_result, null);
});

test("server trouble (5xx, 429, a lost session) means deciding on the phone", async () => {
  for (const status of [500, 503, 429, 401, 403]) {
    const { scanner, sync } = await scannerWith({ api: fakeApi({ status, ok: false, data: status === 401 ? null : { code: "x" } }) });
    const outcome = await scanner.scan(CODE, frame, { method: "scan" });
    assert.equal(outcome.offline, true, `status ${status}`);
    assert.equal(sync.added.length, 1);
    if (status === 401) assert.deepEqual(sync.told, ["login"]);
  }
});

test("the camera reads a code held in view once, and again only after it left the view", () => {
  const debounce = new CameraDebounce();
  assert.equal(debounce.accept("A", 0, false), true);
  assert.equal(debounce.accept("A", 500, false), false); // held in view
  assert.equal(debounce.accept("A", 500 + DEBOUNCE - 1, false), false);
  assert.equal(debounce.accept("A", 500 + 2 * DEBOUNCE, false), true); // out of view for DEBOUNCE, back
  assert.equal(debounce.accept("B", 10_000, true), false); // a scan is open
  assert.equal(debounce.accept("A", 10_500, true), false); // still in view while busy...
  assert.equal(debounce.accept("A", 11_000, false), false); // ...so not read again right after
});
