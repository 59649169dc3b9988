// What the phone at a session's door remembers of its own scans until the pass list counts them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { bookingLabel, DoorLedger, doorStatus } from "../../events/static/events/scanner/door.js";

function memory() {
  const saved = new Map();
  return { get: (key) => saved.get(key) ?? null, set: (key, value) => saved.set(key, value) };
}

const STRINGS = {
  signing_label: "Ký tặng - %(author)s - số %(number)s",
  door_status: "Đã đặt %(booked)s/%(places)s chỗ · đã vào %(in)s người",
};
const SESSION = { title: "Ký tặng “Mắt biếc”", author: "Nguyễn Nhật Ánh", places: 40, free: 37, in: ["a"], people_in: 2 };

test("scans of this phone count until a pass list fetched after their upload counts them", () => {
  const storage = memory();
  const ledger = new DoorLedger(storage, 9);
  ledger.add({ client_id: "c1", h: "b", people: 1, walkIn: 0, at: 1000, syncedAt: null });
  ledger.add({ client_id: "c2", h: "c", people: 3, walkIn: 3, at: 2000, syncedAt: null });
  assert.equal(doorStatus(SESSION, ledger, STRINGS), "Đã đặt 6/40 chỗ · đã vào 6 người");
  // A reload keeps them (the phone may be offline).
  assert.deepEqual([...new DoorLedger(storage, 9).local().in], ["b", "c"]);
  ledger.synced("c1", 3000);
  ledger.prune(2500); // a list fetched before the upload: still counted here
  assert.equal(ledger.local().in.size, 2);
  ledger.prune(3500); // fetched after it: the list counts it now
  assert.deepEqual([...ledger.local().in], ["c"]);
  assert.equal(ledger.local().people, 3);
});

test("the booking as the pass shows it: a signing with its queue number", () => {
  assert.equal(bookingLabel(SESSION, { p: 2, n: 37 }, STRINGS), "Ký tặng - Nguyễn Nhật Ánh - số 37");
  assert.equal(bookingLabel(SESSION, { p: 2 }, STRINGS), "Ký tặng “Mắt biếc”");
  assert.equal(bookingLabel(SESSION, null, STRINGS), "Ký tặng “Mắt biếc”");
});
