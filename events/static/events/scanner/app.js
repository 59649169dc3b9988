// The gate scanner: pick the event and gate, scan, show the answer, count walk-ins, undo the
// last action, look up a visitor without their QR, and keep going when the network drops. The
// server decides whenever it can be reached; otherwise the phone decides from the scanner
// bundle (decide.js) and queues the scan (queue.js) to upload it later.
//
// This module only wires the pieces to the page: each concern lives in its own module.

import { NetworkError, makeApi } from "./api.js";
import { Camera } from "./camera.js";
import { codeDigest, codePattern, decideOffline, indexBundle, localParts, parseCode, tone } from "./decide.js";
import { audioBlocked, signal, unlockAudio } from "./feedback.js";
import { clock, fmt, plural } from "./format.js";
import { BurstDetector, FieldTimer } from "./keys.js";
import { ActionLedger, Admissions, describeAction, undoLabel } from "./ledger.js";
import { Lookup } from "./lookup.js";
import { Queue } from "./queue.js";
import { newClientId, openStore, prefs } from "./store.js";
import { pendingTotals, shownTotals } from "./totals.js";
import { View } from "./ui.js";

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const strings = JSON.parse(document.getElementById("scanner-strings").textContent);
const api = makeApi(config);
const view = new View(strings, config);
const $ = (id) => document.getElementById(id);
const rule = { baseUrl: config.base_url, pattern: codePattern(config.alphabet, config.code_length) };
const at = (time) => clock(time, config.time_zone);

const DEBOUNCE = 3000; // ms a code must be out of view before the camera reads it again
const SCAN_TIMEOUT = 3000; // ms to wait for the server before deciding on the phone
const TOTALS_EVERY = 10_000;
const BUNDLE_EVERY = 60_000;
const FLUSH_EVERY = 15_000;

// Test-only: timings of each scan, for the browser tests (off unless the page says so).
const timings = config.test_hooks ? (window.scannerTimings = []) : null;

const state = {
  db: null,
  choice: null, // {event, gate}
  bundle: null, // indexed scanner bundle of the chosen event
  bundleMeta: null, // {etag, fetched_at}
  queued: [], // the upload queue as last read
  online: navigator.onLine,
  busy: false,
  groupOpen: false,
  seen: new Map(), // decoded text -> last time the camera saw it
  totals: prefs.get("totals"),
  cameraWanted: true,
  timers: [],
  run: 0, // which begin() is current: changing the gate starts a new one
};
let queue = null;
let admissions = null;
let actions = null; // ActionLedger of the chosen gate
const camera = new Camera($("video"), {
  onCode: onCameraCode,
  workerUrl: config.decode_worker,
  jsqrUrl: config.jsqr,
});

// --- a failure of the page itself is shown, never swallowed --------------------------------

window.addEventListener("unhandledrejection", (event) => {
  console.error(event.reason);
  view.showError(String(event.reason?.message || event.reason));
});
window.addEventListener("error", (event) => view.showError(String(event.message)));

// --- choosing the event and the gate -------------------------------------------------------

function findEvent(id) {
  return config.events.find((event) => event.id === Number(id));
}

function validChoice(choice) {
  const event = choice && findEvent(choice.event);
  return Boolean(event && event.gates.some((gate) => gate.id === choice.gate));
}

function fillGates(eventId, selected) {
  const event = findEvent(eventId);
  $("gate").replaceChildren(
    ...(event?.gates || []).map((gate) => new Option(gate.name, gate.id, false, gate.id === selected)),
  );
}

function showSetup() {
  state.run += 1;
  stopTimers();
  camera.stop();
  $("work").hidden = true;
  $("change").hidden = true;
  $("setup").hidden = false;
  if (!config.events.length) return;
  const eventSelect = $("event");
  if (state.choice && findEvent(state.choice.event)) eventSelect.value = String(state.choice.event);
  fillGates(eventSelect.value, state.choice?.gate);
}

function chosenNames() {
  const event = findEvent(state.choice.event);
  return { event, gate: event.gates.find((g) => g.id === state.choice.gate) };
}

// --- starting work at a gate -------------------------------------------------------------

async function begin() {
  const run = ++state.run;
  const { event, gate } = chosenNames();
  $("setup").hidden = true;
  $("work").hidden = false;
  $("change").hidden = false;
  $("where").textContent = `${gate.name} · ${event.title}`;
  actions = new ActionLedger(prefs, gate.id);
  if (state.bundle && state.bundle.event.id !== event.id) state.bundle = null;
  renderUndo();
  await refreshQueue();
  await loadSavedBundle(); // before the first scan: it may have to be decided offline
  startCamera();
  // One request after the other: a gate's network is often weak, and scans come first.
  await refreshBundle();
  await refreshTotals();
  if (run !== state.run) return;
  queue.flush();
  state.timers = [
    setInterval(refreshTotals, TOTALS_EVERY),
    setInterval(refreshBundle, BUNDLE_EVERY),
    setInterval(() => queue.flush(), FLUSH_EVERY),
    setInterval(renderUndo, 5000),
    setInterval(() => state.online || refreshTotals(), 5000), // is the network back?
  ];
}

function stopTimers() {
  state.timers.forEach(clearInterval);
  state.timers = [];
}

async function startCamera() {
  const status = $("camera-status");
  const toggle = $("camera-toggle");
  state.cameraWanted = true;
  $("camera").dataset.state = "starting";
  status.textContent = strings.camera_starting;
  try {
    await camera.start();
    $("camera").dataset.state = "on";
    status.textContent = "";
    $("video").setAttribute("aria-label", strings.camera_on);
    toggle.textContent = strings.pause_camera;
  } catch (error) {
    // No picture: the message and its button take the viewfinder's place, nothing overlaps.
    $("camera").dataset.state = "off";
    status.textContent = strings[`camera_${error.message}`] || strings.camera_missing;
    toggle.textContent = strings.start_camera;
  }
}

function pauseCamera() {
  state.cameraWanted = false;
  camera.stop();
  $("camera").dataset.state = "off";
  $("camera-status").textContent = strings.camera_paused;
  $("camera-toggle").textContent = strings.start_camera;
}

// --- the pass list for deciding offline ----------------------------------------------------

async function loadSavedBundle() {
  const eventId = state.choice.event;
  if (state.bundle?.event.id === eventId) return;
  const saved = await state.db.get("bundles", eventId);
  if (saved) {
    state.bundle = indexBundle(saved.data);
    state.bundleMeta = prefs.get(`bundle.${eventId}`) || { etag: null, fetched_at: 0 };
  }
  renderBundle();
}

async function refreshBundle() {
  if (!navigator.onLine || !state.choice) return;
  const eventId = state.choice.event;
  const started = Date.now();
  const etag = state.bundle?.event.id === eventId ? state.bundleMeta?.etag : null;
  try {
    const response = await api(`events/${eventId}/scanner-bundle/`, {
      headers: etag ? { "If-None-Match": etag } : {},
      timeout: 30_000,
    });
    if (response.status === 401) return loginAgain();
    if (response.status === 200 && response.data) {
      await state.db.put("bundles", { event_id: eventId, data: response.data });
      if (state.choice.event !== eventId) return; // the staff member switched events meanwhile
      state.bundle = indexBundle(response.data);
    }
    if (response.status === 200 || response.status === 304) {
      state.bundleMeta = { etag: response.etag, fetched_at: started };
      prefs.set(`bundle.${eventId}`, state.bundleMeta);
      await admissions.prune(started);
      setOnline(true);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    setOnline(false);
  }
  renderBundle();
}

function renderBundle() {
  const text = state.bundle
    ? fmt(strings.bundle_age, {
      n: state.bundle.passes.length,
      time: state.bundleMeta?.fetched_at ? at(state.bundleMeta.fetched_at) : "–",
    })
    : strings.bundle_missing;
  view.text("bundle-status", text);
  if (state.bundle) $("bundle-status").dataset.passes = state.bundle.passes.length;
}

// --- scanning ------------------------------------------------------------------------------

function onCameraCode(text, timing) {
  const now = performance.now();
  const last = state.seen.get(text);
  if (state.busy || state.groupOpen) {
    // The pass being handled is still in view: keep it from being read again afterwards.
    if (last !== undefined) state.seen.set(text, now);
    return;
  }
  state.seen.set(text, now);
  if (last !== undefined && now - last < DEBOUNCE) return; // held in view, or just scanned
  for (const [key, seenAt] of state.seen) if (now - seenAt > 60_000) state.seen.delete(key);
  scan(text, { source: "camera", ...timing }, { method: "scan" });
}

function scanTyped(text, method) {
  if (!text || state.busy || state.groupOpen) return;
  const now = performance.now();
  scan(text, { source: method === "scan" ? "scanner" : "manual", frameAt: now, decodedAt: now }, { method });
}

/**
 * One scan: the group question if needed, the server's answer (or the phone's own when the
 * server cannot be reached in time), the answer on screen. `hint` ({party, remaining}) asks the
 * group question for a looked-up registration when the phone has no pass list.
 * Resolves with the outcome shown, or null when the staff member cancelled.
 */
async function scan(text, timing, { method, hint = null }) {
  state.busy = true;
  const scannedAt = new Date();
  const times = { ...timing };
  let outcome = null;
  try {
    const code = parseCode(text, rule);
    const hash = code && state.bundle ? await codeDigest(state.bundle.salt, code) : null;
    const mine = admissions.of(hash, state.choice.event);
    const local = { people: mine.people, time: mine.at ? localParts(new Date(mine.at), config.time_zone).time : null, gate: mine.gate };
    const context = { bundle: state.bundle, hash, local, timeZone: config.time_zone, now: scannedAt };
    const guess = state.bundle ? decideOffline(context) : null;
    const group = guess ? { party: guess.party_size, remaining: guess.admitted } : hint;
    let headcount = null;
    if ((!guess || guess.result === "admitted") && group && group.remaining > 1) {
      // A group: the staff member says how many come in now (the rest may come later).
      view.hideResult();
      state.groupOpen = true;
      headcount = await view.askGroup({ party: group.party, inNow: group.party - group.remaining, remaining: group.remaining });
      state.groupOpen = false;
      if (headcount === null) return null;
      times.person = true; // someone decided in between: not a scan-to-screen time
    }
    const item = {
      type: "checkin", client_id: newClientId(), event_id: state.choice.event, gate: state.choice.gate,
      code: text.slice(0, 300), scanned_at: scannedAt.toISOString(), headcount, method,
    };
    times.requestAt = performance.now();
    outcome = await askServer(item);
    times.answeredAt = performance.now();
    if (outcome?.refused) {
      outcome = { result: null, message: outcome.message, party_size: 0, offline: false };
    } else if (!outcome) {
      const decided = state.bundle ? decideOffline({ ...context, headcount }) : null;
      await queue.add({ ...item, offline_result: decided?.result || null, h: hash, local_admitted: decided?.admitted || 0 });
      outcome = { ...(decided || { result: null, party_size: 0 }), offline: true };
    }
    const shown = view.showResult(outcome);
    signal(outcome.tone || tone(outcome));
    if (outcome.admitted > 0) await remember(item, outcome, hash);
    await shown;
    times.shownAt = performance.now();
    recordTiming(times, outcome);
  } finally {
    state.busy = false;
    state.groupOpen = false;
  }
  refreshQueue();
  refreshTotals();
  return outcome;
}

/** The server's answer, null when it cannot be reached, or {refused, message} for a bad request. */
async function askServer(item) {
  // After a failure, scans are decided on the phone at once (a dead network must not slow the
  // gate) until a background request gets through again.
  if (!navigator.onLine || !state.online) {
    if (!navigator.onLine) setOnline(false);
    return null;
  }
  const { type, ...body } = item; // the API takes the fields without "type"
  try {
    const response = await api("checkins/", { method: "POST", body, timeout: SCAN_TIMEOUT });
    if (response.status === 200) {
      setOnline(true);
      return { ...response.data, offline: false };
    }
    if (response.status === 401) loginAgain();
    if ([401, 403, 408, 429].includes(response.status) || response.status >= 500 || !response.data) return null;
    return { refused: true, message: response.data.message };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    setOnline(false);
    return null;
  }
}

async function remember(item, outcome, hash) {
  const now = Date.now();
  const { gate } = chosenNames();
  await admissions.add({
    client_id: item.client_id, h: hash, admitted: outcome.admitted, at: now, gate: gate.name,
    synced: !outcome.offline, event_id: item.event_id,
  });
  actions.record({
    client_id: item.client_id, kind: "checkin", people: outcome.admitted, name: outcome.name || "", at: now, event_id: item.event_id,
  });
  view.text("undo-status", "");
  renderUndo();
}

function recordTiming(times, outcome) {
  if (!timings) return;
  timings.push({
    ...times,
    result: outcome.result,
    tone: outcome.tone || tone(outcome),
    offline: Boolean(outcome.offline),
    decodeMs: times.decodedAt - times.frameAt,
    serverMs: times.answeredAt - times.requestAt,
    totalMs: times.shownAt - times.frameAt,
  });
}

// --- a visitor without their QR --------------------------------------------------------------

const lookup = new Lookup({
  api,
  strings,
  eventId: () => state.choice.event,
  online: () => navigator.onLine && state.online,
  onLoginLost: loginAgain,
  onPick: async (match) => {
    if (state.busy || state.groupOpen) return false;
    const now = performance.now();
    const outcome = await scan(match.code, { source: "lookup", frameAt: now, decodedAt: now }, {
      method: "lookup", hint: { party: match.party_size, remaining: match.remaining },
    });
    return outcome !== null;
  },
});

// --- undo: the last action, whatever it was --------------------------------------------------

function renderUndo() {
  const action = actions?.undoable(Date.now(), config.undo_seconds);
  $("undo-box").hidden = !action;
  if (action) $("undo").textContent = undoLabel(action, strings, at);
}

async function undoLast() {
  const action = actions.undoable(Date.now(), config.undo_seconds);
  if (!action) return renderUndo();
  if (!(await view.confirmUndo(describeAction(action, strings, at)))) return;
  if (actions.undoable(Date.now(), config.undo_seconds)?.client_id !== action.client_id) return renderUndo();
  // Its own queued item naming its target: whatever upload is running, it is sent after it.
  const item = {
    type: "undo", client_id: newClientId(), event_id: action.event_id, target: action.client_id,
    at: new Date().toISOString(), gate: state.choice.gate, kind: action.kind, people: action.people,
  };
  actions.markUndone(action.client_id);
  if (action.kind === "checkin") await admissions.drop(action.client_id); // the pass may come back
  await queue.add(item);
  renderUndo();
  view.text("undo-status", strings.undo_queued);
  signal("tick");
  await refreshQueue();
  if (navigator.onLine && state.online) await queue.flush({ force: true });
}

function undoSettled(item, answer) {
  const action = actions?.find(item.target);
  if (answer.ok) {
    view.text("undo-status", fmt(strings.undone, { what: action ? describeAction(action, strings, at) : "" }));
  } else {
    view.text("undo-status", fmt(strings.undo_failed, { reason: answer.body?.message || "" }));
  }
}

// --- walk-ins ------------------------------------------------------------------------------

async function countWalkIns(count) {
  if (!Number.isInteger(count) || count < 1 || count > 500) return;
  const item = {
    type: "walkin", client_id: newClientId(), event_id: state.choice.event, gate: state.choice.gate,
    count, at: new Date().toISOString(),
  };
  let saved = false;
  if (navigator.onLine && state.online) {
    try {
      const { gate, client_id } = item;
      const response = await api(`events/${item.event_id}/walkins/`, { method: "POST", body: { gate, count, client_id, at: item.at } });
      if (response.ok) {
        setOnline(true);
        saved = true;
        view.text("walkins-status", plural(strings, "walkins_counted", count));
      } else if (response.status < 500 && ![401, 403, 408, 429].includes(response.status) && response.data) {
        view.text("walkins-status", response.data.message);
        return;
      }
      if (response.status === 401) loginAgain();
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      setOnline(false);
    }
  }
  if (!saved) {
    await queue.add(item);
    view.text("walkins-status", plural(strings, "walkins_queued", count));
  }
  actions.record({ client_id: item.client_id, kind: "walkin", people: count, name: "", at: Date.now(), event_id: item.event_id });
  view.text("undo-status", "");
  renderUndo();
  signal("tick");
  refreshQueue();
  refreshTotals();
}

// --- the upload queue ----------------------------------------------------------------------

async function refreshQueue() {
  state.queued = await queue.items();
  view.setNetwork(state.online, state.queued.length);
  renderTotals();
}

/** What the server decided for uploaded items: the phone's records follow. */
async function settled({ done, rejected }) {
  let differed = 0;
  for (const { item, answer } of done) {
    if (item.type === "undo") undoSettled(item, answer);
    if (item.type !== "checkin") continue;
    const body = answer.body || {};
    if (item.offline_result && body.result !== item.offline_result) differed += 1;
    const entry = admissions.get(item.client_id);
    if (entry && body.admitted > 0) await admissions.add({ ...entry, admitted: body.admitted, synced: true, at: Date.now() });
    else if (entry) await admissions.drop(item.client_id);
  }
  for (const { item, answer } of rejected) {
    if (item.type === "undo") undoSettled(item, answer);
    if (item.type === "checkin") await admissions.drop(item.client_id);
  }
  setOnline(true);
  const notes = [fmt(strings.uploaded, { n: done.length })];
  if (differed) notes.push(fmt(strings.differed, { n: differed }));
  const allRejected = (await state.db.all("rejected")).length;
  if (allRejected) notes.push(fmt(strings.rejected, { n: allRejected }));
  view.text("sync-note", notes.join(" "));
  await refreshQueue();
  refreshTotals();
}

function uploadFailed(status) {
  if (status === 401) loginAgain();
  if (status === null && !navigator.onLine) setOnline(false);
  view.text("sync-note", fmt(strings.retry_in, { n: Math.ceil(queue.wait() / 1000) }));
}

// --- totals --------------------------------------------------------------------------------

async function refreshTotals() {
  if (!state.choice || !navigator.onLine) return renderTotals();
  try {
    const response = await api(`events/${state.choice.event}/totals/?gate=${state.choice.gate}`);
    if (response.status === 401) loginAgain();
    if (response.ok && response.data) {
      state.totals = { ...response.data, event: state.choice.event, gate: state.choice.gate, updated_at: Date.now() };
      prefs.set("totals", state.totals);
      setOnline(true);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    setOnline(false);
  }
  renderTotals();
}

function renderTotals() {
  const totals = state.totals;
  if (!totals || !state.choice || totals.event !== state.choice.event || totals.gate !== state.choice.gate) return;
  // Scans, walk-ins and undos waiting to upload count already: the staff see what they did.
  view.setTotals(shownTotals(totals, pendingTotals(state.queued, state.choice)), totals.updated_at);
}

// --- network state -------------------------------------------------------------------------

function setOnline(online) {
  // An answer to a request sent before the network dropped does not make the phone online.
  if (online && !navigator.onLine) return;
  if (state.online === online) return;
  state.online = online;
  view.setNetwork(online, state.queued.length);
  if (online) {
    queue.flush({ force: true });
    refreshBundle();
  }
}

function loginAgain() {
  $("login-again").hidden = false;
}

// --- wiring --------------------------------------------------------------------------------

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
    if (!text || state.busy || state.groupOpen) return;
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

function wire() {
  if (config.events.length) {
    $("event").addEventListener("change", (event) => fillGates(event.target.value, null));
    $("setup").addEventListener("submit", (event) => {
      event.preventDefault();
      state.choice = { event: Number($("event").value), gate: Number($("gate").value) };
      if (!validChoice(state.choice)) return;
      prefs.set("choice", state.choice);
      begin();
    });
  }
  $("change").addEventListener("click", showSetup);
  wireKeys();
  lookup.wire();
  $("camera-toggle").addEventListener("click", () => (camera.running ? pauseCamera() : startCamera()));
  $("undo").addEventListener("click", undoLast);
  $("result-next").addEventListener("click", () => view.hideResult());
  $("app-error-reload").addEventListener("click", () => location.reload());
  for (const button of document.querySelectorAll("[data-walkins]")) {
    button.addEventListener("click", () => countWalkIns(Number(button.dataset.walkins)));
  }
  $("walkins-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("walkins-count");
    const count = Number(input.value);
    if (!input.checkValidity()) return input.reportValidity();
    input.value = "";
    countWalkIns(count);
  });
  $("sync-now").addEventListener("click", () => {
    queue.flush({ force: true });
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
    setOnline(true);
    refreshTotals();
  });
  window.addEventListener("offline", () => setOnline(false));
  document.addEventListener("visibilitychange", () => {
    if (!state.choice || $("work").hidden) return;
    if (document.hidden) camera.stop();
    else if (state.cameraWanted) startCamera();
  });
}

async function main() {
  state.db = await openStore();
  admissions = new Admissions(state.db);
  await admissions.load();
  queue = new Queue({
    db: state.db, api, onSettled: settled, onFailure: uploadFailed, onChange: refreshQueue,
    connected: () => navigator.onLine,
  });
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.service_worker, { scope: config.scope })
      .catch((error) => console.warn("service worker not registered", error));
  }
  const saved = prefs.get("choice");
  state.choice = validChoice(saved) ? saved : null;
  if (state.choice) {
    $("sound").hidden = !audioBlocked();
    begin();
  } else {
    showSetup();
  }
}

main();
