// The gate scanner: pick the event and gate (or a session's door), scan, show the answer, count
// walk-ins, undo the last action, look up a visitor without their QR, and keep going when the
// network drops. The server decides whenever it can be reached; otherwise the phone decides from
// the pass list (decide.js) and queues the scan (queue.js) to upload it later.
//
// This module only wires the pieces to the page; each concern lives in its own module:
// scan.js (one scan at a gate), door.js (one scan at a session's door), sync.js (queue and network), undo.js (the last action), totals.js,
// passlist.js (the offline pass list), walkins.js, lookup.js, screen.js, errors.js.

import { makeApi } from "./api.js";
import { Camera } from "./camera.js";
import { codePattern, localParts } from "./decide.js";
import { Door } from "./door.js";
import { showFailures } from "./errors.js";
import { audioBlocked, signal, unlockAudio } from "./feedback.js";
import { clock } from "./format.js";
import { BurstDetector, FieldTimer } from "./keys.js";
import { Admissions } from "./ledger.js";
import { Lookup } from "./lookup.js";
import { PassList } from "./passlist.js";
import { CameraDebounce, Scanner } from "./scan.js";
import { CameraPanel, choiceOf, chosen, fillGates, showScreen, validChoice } from "./screen.js";
import { newClientId, openStore, prefs } from "./store.js";
import { Sync } from "./sync.js";
import { Totals } from "./totals.js";
import { View } from "./ui.js";
import { Undo } from "./undo.js";
import { countWalkIns } from "./walkins.js";

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const strings = JSON.parse(document.getElementById("scanner-strings").textContent);
const $ = (id) => document.getElementById(id);
const at = (time) => clock(time, config.time_zone);
const api = makeApi(config);
const view = new View(strings, config);

// A failure of the page itself is shown, never swallowed.
showFailures(window, (text) => view.showError(text));

// Test-only: timings of each scan, for the browser tests (off unless the page says so).
const timings = config.test_hooks ? (window.scannerTimings = []) : null;

const TOTALS_EVERY = 10_000;
const BUNDLE_EVERY = 60_000;
const FLUSH_EVERY = 15_000;

const here = { choice: null, run: 0, timers: [], door: null }; // the gate or door worked at; which begin() is current
const place = () => ({ choice: here.choice, gateName: chosen(config.events, here.choice).gate.name });
const today = () => localParts(new Date(), config.time_zone).day;
const GROUPS = { gates: strings.gates_group, sessions: strings.sessions_group };
// At a session's door, the door takes the scans; at a gate, the scanner.
const worker = () => here.door || scanner;
const camera = new Camera($("video"), {
  onCode: onCameraCode,
  workerUrl: config.decode_worker,
  jsqrUrl: config.jsqr,
});
const cameraPanel = new CameraPanel({ camera, strings, $ });
const debounce = new CameraDebounce();
let sync, undo, totals, passList, scanner; // made once the store is open (main)

// --- the screens -----------------------------------------------------------------------------

function showSetup() {
  here.run += 1;
  stopTimers();
  camera.stop();
  showScreen($, "setup");
  if (!config.events.length) return;
  const eventSelect = $("event");
  if (validChoice(config.events, here.choice)) eventSelect.value = String(here.choice.event);
  fillGates($, config.events, eventSelect.value, here.choice, { today: today(), labels: GROUPS });
}

async function begin() {
  const run = ++here.run;
  const { event, gate, session } = chosen(config.events, here.choice);
  showScreen($, "work");
  document.body.dataset.mode = session ? "door" : "gate";
  $("where").textContent = `${session ? session.label : gate.name} · ${event.title}`;
  here.door = session ? new Door({
    sessionId: session.id, eventId: event.id, rule: scanner.rule, api, view, sync, passList,
    storage: prefs, strings, signal, newId: newClientId,
  }) : null;
  if (gate) undo.atGate(gate.id);
  renderUndo();
  await sync.refresh();
  await passList.load(event.id); // before the first scan: it may have to be decided offline
  renderBundle();
  cameraPanel.start();
  // One request after the other: a gate's network is often weak, and scans come first.
  await refreshBundle();
  await refreshTotals();
  if (run !== here.run) return;
  sync.flush();
  here.timers = [
    setInterval(refreshTotals, TOTALS_EVERY),
    setInterval(refreshBundle, BUNDLE_EVERY),
    setInterval(() => sync.flush(), FLUSH_EVERY),
    setInterval(renderUndo, 5000),
    // Is the network back? (At a door, the pass list's request tells: unchanged, it costs nothing.)
    setInterval(() => sync.online || (here.door ? refreshBundle() : refreshTotals()), 5000),
  ];
}

function stopTimers() {
  here.timers.forEach(clearInterval);
  here.timers = [];
}

function loginAgain() {
  $("login-again").hidden = false;
}

// --- what is shown besides answers -------------------------------------------------------------

async function refreshBundle() {
  if (!here.choice) return;
  await passList.refresh(here.choice.event, () => here.choice?.event);
  if (here.door && passList.meta?.fetched_at) here.door.ledger.prune(passList.meta.fetched_at);
  renderBundle();
}

function renderBundle() {
  view.text("bundle-status", passList.status(strings, at));
  if (passList.bundle) $("bundle-status").dataset.passes = passList.bundle.passes.length;
  if (here.door) view.text("door-status", here.door.status());
}

async function refreshTotals() {
  if (here.door) return; // a session's door has its own line (renderBundle)
  await totals.refresh(here.choice);
  renderTotals();
}

function renderTotals() {
  if (here.door) return view.text("door-status", here.door.status());
  const shown = totals.shown(sync.queued, here.choice);
  if (shown) view.setTotals(shown.figures, shown.updatedAt);
}

function renderUndo() {
  const action = undo.current(Date.now());
  $("undo-box").hidden = !action;
  if (action) $("undo").textContent = undo.label(action);
}

function actionRecorded() {
  view.text("undo-status", "");
  renderUndo();
}

// --- scanning, walk-ins, undo ------------------------------------------------------------------

async function scan(text, timing, options) {
  if (here.door) {
    const outcome = await here.door.scan(text);
    view.text("door-status", here.door.status());
    sync.refresh();
    return outcome;
  }
  const outcome = await scanner.scan(text, timing, options);
  if (outcome) {
    sync.refresh();
    refreshTotals();
  }
  return outcome;
}

function onCameraCode(text, timing) {
  if (!debounce.accept(text, performance.now(), !worker().ready())) return;
  scan(text, { source: "camera", ...timing }, { method: "scan" });
}

function scanTyped(text, method) {
  if (!text || !worker().ready()) return;
  const now = performance.now();
  scan(text, { source: method === "scan" ? "scanner" : "manual", frameAt: now, decodedAt: now }, { method });
}

async function walkIns(count) {
  const { text, action } = await countWalkIns(count, { choice: here.choice, api, sync, strings, newId: newClientId });
  if (text) view.text("walkins-status", text);
  if (!action) return;
  undo.record(action);
  actionRecorded();
  signal("tick");
  sync.refresh();
  refreshTotals();
}

async function undoLast() {
  const action = undo.current(Date.now());
  if (!action) return renderUndo();
  if (!(await view.confirmUndo(undo.describe(action)))) return;
  if (!(await undo.undo(action, { now: Date.now(), gate: here.choice.gate }))) return renderUndo();
  renderUndo();
  view.text("undo-status", strings.undo_queued);
  signal("tick");
  await sync.refresh();
  if (sync.reachable()) await sync.flush({ force: true });
}

// --- wiring ------------------------------------------------------------------------------------

const TEXT_FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function wireKeys() {
  // The code field: Enter submits (a scanner gun's Enter too); its keys' pace tells the method.
  const field = new FieldTimer();
  $("code").addEventListener("keydown", (event) => {
    if (event.key.length === 1) field.key(event.timeStamp);
  });
  $("manual").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("code");
    const text = input.value.trim();
    if (!text || !worker().ready()) return;
    input.value = "";
    scanTyped(text, field.method());
  });
  // A scanner gun used while the focus is on no field: its burst is caught and scanned.
  const burst = new BurstDetector();
  document.addEventListener("keydown", (event) => {
    if (TEXT_FIELDS.has(event.target.tagName) || document.querySelector("dialog[open]") || $("work").hidden) {
      burst.reset();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const text = burst.key(event.key, event.timeStamp);
    if (text === null) return;
    event.preventDefault(); // the Enter must not also press the button that has the focus
    view.hideResult();
    scanTyped(text, "scan");
  });
}

function wire(lookup) {
  if (config.events.length) {
    $("event").addEventListener("change", (event) => {
      fillGates($, config.events, event.target.value, null, { today: today(), labels: GROUPS });
    });
    $("setup").addEventListener("submit", (event) => {
      event.preventDefault();
      const choice = choiceOf($("event").value, $("gate").value);
      if (!validChoice(config.events, choice, today())) return;
      here.choice = choice;
      prefs.set("choice", choice);
      begin();
    });
  }
  $("change").addEventListener("click", showSetup);
  wireKeys();
  lookup.wire();
  $("camera-toggle").addEventListener("click", () => cameraPanel.toggle());
  $("undo").addEventListener("click", undoLast);
  $("result-next").addEventListener("click", () => view.hideResult());
  $("app-error-reload").addEventListener("click", () => location.reload());
  for (const button of document.querySelectorAll("[data-walkins]")) {
    button.addEventListener("click", () => walkIns(Number(button.dataset.walkins)));
  }
  $("walkins-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("walkins-count");
    const count = Number(input.value);
    if (!input.checkValidity()) return input.reportValidity();
    input.value = "";
    walkIns(count);
  });
  $("sync-now").addEventListener("click", () => {
    sync.flush({ force: true });
    refreshBundle();
    refreshTotals();
  });
  $("sound").addEventListener("click", () => {
    unlockAudio();
    $("sound").hidden = true;
  });
  // Browsers let a page make sound only after a tap or a key press.
  for (const kind of ["pointerdown", "keydown"]) {
    document.addEventListener(kind, () => {
      unlockAudio();
      setTimeout(() => ($("sound").hidden = !audioBlocked()), 100);
    }, { passive: true });
  }
  window.addEventListener("online", () => {
    sync.setOnline(true);
    refreshTotals();
  });
  window.addEventListener("offline", () => sync.setOnline(false));
  document.addEventListener("visibilitychange", () => {
    if (here.choice && !$("work").hidden) cameraPanel.visible(!document.hidden);
  });
}

async function main() {
  const db = await openStore();
  const admissions = new Admissions(db);
  await admissions.load();
  sync = new Sync({
    db, api, admissions, strings,
    connected: () => navigator.onLine,
    on: {
      network: (online, queued) => view.setNetwork(online, queued),
      note: (text) => view.text("sync-note", text),
      undoSettled: (item, answer) => view.text("undo-status", undo.settledText(item, answer)),
      doorSettled: (item) => here.door?.ledger.synced(item.client_id, Date.now()),
      changed: renderTotals,
      settled: refreshTotals,
      back: refreshBundle,
      loginLost: loginAgain,
    },
  });
  undo = new Undo({ storage: prefs, strings, clock: at, windowSeconds: config.undo_seconds, admissions, sync, newId: newClientId });
  totals = new Totals({ api, storage: prefs, sync });
  passList = new PassList({ db, api, storage: prefs, admissions, sync });
  scanner = new Scanner({
    config, api, view, sync, admissions, undo, passList, place, signal,
    rule: { baseUrl: config.base_url, pattern: codePattern(config.alphabet, config.code_length) },
    newId: newClientId,
    onAction: actionRecorded,
    timings,
  });
  const lookup = new Lookup({
    api,
    strings,
    eventId: () => here.choice.event,
    online: () => sync.reachable(),
    onLoginLost: loginAgain,
    onPick: async (match) => {
      if (!worker().ready()) return false;
      const now = performance.now();
      const outcome = await scan(match.code, { source: "lookup", frameAt: now, decodedAt: now }, {
        method: "lookup", hint: { party: match.party_size, remaining: match.remaining },
      });
      return outcome !== null;
    },
  });
  wire(lookup);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.service_worker, { scope: config.scope })
      .catch((error) => console.warn("service worker not registered", error));
  }
  const saved = prefs.get("choice");
  here.choice = validChoice(config.events, saved, today()) ? saved : null;
  if (here.choice) {
    $("sound").hidden = !audioBlocked();
    begin();
  } else {
    showSetup();
  }
}

main();
