// screen.js: choosing the event and gate, and the camera panel's states.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CameraPanel, chosen, showScreen, validChoice } from "../../events/static/events/scanner/screen.js";
import { STRINGS } from "./fakes.mjs";

const EVENTS = [
  { id: 1, title: "Ngày Sách", gates: [{ id: 10, name: "Cổng A" }, { id: 11, name: "Cổng B" }] },
  { id: 2, title: "Hội sách", gates: [{ id: 20, name: "Cổng chính" }] },
];

/** Elements as plain objects: what the panel writes can be read back. */
function page() {
  const elements = new Map();
  return (id) => {
    if (!elements.has(id)) elements.set(id, { id, hidden: false, textContent: "", dataset: {}, attributes: {}, setAttribute(k, v) { this.attributes[k] = v; } });
    return elements.get(id);
  };
}

test("a saved choice is used only while its gate is on offer", () => {
  assert.equal(validChoice(EVENTS, { event: 1, gate: 11 }), true);
  assert.equal(validChoice(EVENTS, { event: 1, gate: 20 }), false); // a gate of another event
  assert.equal(validChoice(EVENTS, { event: 3, gate: 10 }), false); // an event over
  assert.equal(validChoice(EVENTS, null), false);
  assert.deepEqual(chosen(EVENTS, { event: "2", gate: 20 }).gate.name, "Cổng chính");
});

test("one screen at a time", () => {
  const $ = page();
  showScreen($, "work");
  assert.deepEqual([$("setup").hidden, $("work").hidden, $("change").hidden], [true, false, false]);
  showScreen($, "setup");
  assert.deepEqual([$("setup").hidden, $("work").hidden, $("change").hidden], [false, true, true]);
});

test("the camera panel says why there is no picture, and follows the screen unless paused", async () => {
  const $ = page();
  const camera = {
    running: false, fail: "denied",
    async start() { if (this.fail) throw new Error(this.fail); this.running = true; },
    stop() { this.running = false; },
  };
  const panel = new CameraPanel({ camera, strings: STRINGS, $ });
  await panel.start();
  assert.deepEqual([$("camera").dataset.state, $("camera-status").textContent], ["off", "Máy ảnh bị chặn."]);
  camera.fail = "weird";
  await panel.start();
  assert.equal($("camera-status").textContent, "Không tìm thấy máy ảnh.");
  camera.fail = null;
  await panel.toggle();
  assert.deepEqual([$("camera").dataset.state, $("camera-toggle").textContent], ["on", "Tạm dừng"]);
  assert.equal($("video").attributes["aria-label"], "Hướng máy ảnh vào mã QR.");
  panel.visible(false);
  assert.equal(camera.running, false);
  panel.visible(true);
  await Promise.resolve();
  assert.equal(camera.running, true);
  panel.toggle(); // paused by the staff member
  assert.deepEqual([camera.running, $("camera-status").textContent], [false, "Đã tạm dừng máy ảnh."]);
  panel.visible(true);
  assert.equal(camera.running, false); // stays paused when the screen comes back
});
