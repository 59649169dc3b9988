// The gate scanner: pick the event and gate, scan, show the answer, count walk-ins, keep going
// when the network drops. The server decides whenever it can be reached; otherwise the phone
// decides from the scanner bundle, queues the scan in IndexedDB and uploads it later.

import { NetworkError, makeApi } from "./api.js";
import { Camera } from "./camera.js";
import { codeDigest, decideOffline, indexBundle, parseCode } from "./decide.js";
import { audioBlocked, signal, unlockAudio } from "./feedback.js";
import { newClientId, openStore, prefs } from "./store.js";
import { View, clock, fmt, plural, toneOf } from "./ui.js";

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const strings = JSON.parse(document.getElementById("scanner-strings").textContent);
const api = makeApi(config);
const view = new View(strings, config);
const $ = (id) => document.getElementById(id);

const DEBOUNCE = 3000; // ms a code must be out of view before the camera reads it again
const SCAN_TIMEOUT = 3000; // ms to wait for the server before deciding on the phone
const TOTALS_EVERY = 10_000;
const BUNDLE_EVERY = 60_000;
const FLUSH_EVERY = 15_000;
const SYNC_FIELDS = ["type", "client_id", "event_id", "gate", "code", "scanned_at", "headcount", "offline_result", "count", "at"];

const state = {
  db: null,
  choice: null, // {event, gate}
  bundle: null, // indexed scanner bundle of the chosen event
  bundleMeta: null, // {etag, fetched_at}
  ledger: new Map(), // client_id -> {client_id, h, admitted, at, synced, event_id}
  queue: [],
  online: navigator.onLine,
  busy: false,
  groupOpen: false,
  seen: new Map(), // decoded text -> last time the camera saw it
  totals: prefs.get("totals"),
  last: null, // the last admission at this gate, for undo
  flushing: false,
  cameraWanted: true,
  timers: [],
  run: 0, // which begin() is current: changing the gate starts a new one
};
const camera = new Camera($("video"), {
  onCode: onCameraCode,
  workerUrl: config.decode_worker,
  jsqrUrl: config.jsqr,
});
window.scannerTimings = [];

// --- choosing the event and the gate -------------------------------------------------------

function findEvent(id) {
  return config.events.find((event) => event.id === Number(id));
}

function validChoice(choice) {
  const event = choice && findEvent(choice.event);
  return Boolean(event && event.gates.some((gate) => gate.id === choice.gate));
}

function fillGates(eventId, selected) {
  const select = $("gate");
  const event = findEvent(eventId);
  select.replaceChildren(
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
  const gate = event.gates.find((g) => g.id === state.choice.gate);
  return { event, gate };
}

// --- starting work at a gate -------------------------------------------------------------

async function begin() {
  const run = ++state.run;
  const { event, gate } = chosenNames();
  $("setup").hidden = true;
  $("work").hidden = false;
  $("change").hidden = false;
  $("where").textContent = `${gate.name} · ${event.title}`;
  state.last = prefs.get(`last.${gate.id}`);
  if (state.bundle && state.bundle.event.id !== event.id) state.bundle = null;
  renderUndo();
  await refreshQueue();
  renderTotals();
  await loadSavedBundle(); // before the first scan: it may have to be decided offline
  startCamera();
  // One request after the other: a gate's network is often weak, and scans come first.
  await refreshBundle();
  await refreshTotals();
  if (run !== state.run) return;
  flush();
  state.timers = [
    setInterval(refreshTotals, TOTALS_EVERY),
    setInterval(refreshBundle, BUNDLE_EVERY),
    setInterval(flush, FLUSH_EVERY),
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
  status.textContent = strings.camera_starting;
  try {
    await camera.start();
    status.textContent = "";
    $("video").setAttribute("aria-label", strings.camera_on);
    toggle.textContent = strings.pause_camera;
  } catch (error) {
    status.textContent = strings[`camera_${error.message}`] || strings.camera_missing;
    toggle.textContent = strings.start_camera;
  }
}

function pauseCamera() {
  state.cameraWanted = false;
  camera.stop();
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
      await pruneLedger(started);
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
      time: state.bundleMeta?.fetched_at ? clock(state.bundleMeta.fetched_at, config.time_zone) : "–",
    })
    : strings.bundle_missing;
  view.text("bundle-status", text);
  if (state.bundle) $("bundle-status").dataset.passes = state.bundle.passes.length;
}

// People this phone admitted that the bundle does not count yet (queued, or confirmed after the
// bundle was made). Entries go once a bundle fetched after their upload includes them.
async function loadLedger() {
  for (const entry of await state.db.all("ledger")) state.ledger.set(entry.client_id, entry);
}

function ledgerIn(hash) {
  let people = 0;
  for (const entry of state.ledger.values()) {
    if (hash && entry.h === hash && entry.event_id === state.choice.event) people += entry.admitted;
  }
  return people;
}

async function pruneLedger(bundleStarted) {
  const old = [...state.ledger.values()].filter((entry) => entry.synced && entry.at < bundleStarted);
  for (const entry of old) state.ledger.delete(entry.client_id);
  if (old.length) await state.db.delete("ledger", ...old.map((entry) => entry.client_id));
}

async function addToLedger(entry) {
  state.ledger.set(entry.client_id, entry);
  await state.db.put("ledger", entry);
}

async function dropFromLedger(clientId) {
  state.ledger.delete(clientId);
  await state.db.delete("ledger", clientId);
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
  for (const [key, at] of state.seen) if (now - at > 60_000) state.seen.delete(key);
  scan(text, { source: "camera", ...timing });
}

async function scan(text, timing) {
  state.busy = true;
  const scannedAt = new Date();
  const timings = { ...timing };
  try {
    const code = parseCode(text, config.base_url);
    const hash = code && state.bundle ? await codeDigest(state.bundle.salt, code) : null;
    const context = { bundle: state.bundle, hash, localIn: ledgerIn(hash), timeZone: config.time_zone, now: scannedAt };
    const guess = state.bundle ? decideOffline(context) : null;
    let headcount = null;
    if (guess?.result === "admitted" && guess.admitted > 1) {
      // A group: the staff member says how many come in now (the rest may come later).
      view.hideResult();
      state.groupOpen = true;
      headcount = await view.askGroup({ party: guess.party_size, inNow: guess.party_size - guess.admitted, remaining: guess.admitted });
      state.groupOpen = false;
      if (headcount === null) return;
      timings.person = true; // someone decided in between: not a scan-to-screen time
    }
    const item = {
      type: "checkin", client_id: newClientId(), event_id: state.choice.event, gate: state.choice.gate,
      code: text.slice(0, 300), scanned_at: scannedAt.toISOString(), headcount,
    };
    timings.requestAt = performance.now();
    let outcome = await askServer(item);
    timings.answeredAt = performance.now();
    if (outcome?.refused) {
      outcome = { result: null, message: outcome.message, party_size: 0, offline: false };
    } else if (!outcome) {
      const local = state.bundle ? decideOffline({ ...context, headcount }) : null;
      await enqueue({ ...item, offline_result: local?.result || null, h: hash, local_admitted: local?.admitted || 0 });
      outcome = { ...(local || { result: null, party_size: 0 }), offline: true };
    }
    const shown = view.showResult(outcome);
    signal(toneOf(outcome));
    if (outcome.result === "admitted") await rememberAdmission(item, outcome, hash);
    await shown;
    timings.shownAt = performance.now();
    recordTiming(timings, outcome);
  } finally {
    state.busy = false;
  }
  refreshQueue();
  refreshTotals();
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
    if (response.status === 401 || response.status === 403 || response.status >= 500 || !response.data) return null;
    return { refused: true, message: response.data.message };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    setOnline(false);
    return null;
  }
}

async function rememberAdmission(item, outcome, hash) {
  const at = Date.now();
  await addToLedger({
    client_id: item.client_id, h: hash, admitted: outcome.admitted, at, synced: !outcome.offline, event_id: item.event_id,
  });
  state.last = { client_id: item.client_id, checkin_id: outcome.checkin_id || null, admitted: outcome.admitted, at };
  prefs.set(`last.${item.gate}`, state.last);
  renderUndo();
}

function recordTiming(timings, outcome) {
  const entry = {
    ...timings,
    result: outcome.result,
    offline: Boolean(outcome.offline),
    decodeMs: timings.decodedAt - timings.frameAt,
    serverMs: timings.answeredAt - timings.requestAt,
    totalMs: timings.shownAt - timings.frameAt,
  };
  window.scannerTimings.push(entry);
  performance.measure(`scan ${timings.source}`, { start: timings.frameAt, end: timings.shownAt });
  if (!timings.person) console.info(`scan to screen: ${Math.round(entry.totalMs)} ms (${timings.source})`);
}

// --- undo ----------------------------------------------------------------------------------

function undoAllowed() {
  return state.last && Date.now() - state.last.at < config.undo_seconds * 1000;
}

function renderUndo() {
  const allowed = undoAllowed();
  $("undo-box").hidden = !allowed;
  if (allowed) {
    $("undo").textContent = fmt(strings.undo_label, { n: state.last.admitted, time: clock(state.last.at, config.time_zone) });
  }
}

async function undoLast() {
  const last = state.last;
  if (!undoAllowed()) return renderUndo();
  let message = strings.undone;
  if (last.checkin_id) {
    let answered = false;
    if (navigator.onLine) {
      try {
        const response = await api(`checkins/${last.checkin_id}/undo/`, { method: "POST" });
        answered = response.status !== 401 && response.status !== 403 && response.status < 500;
        if (response.status === 409) message = strings.undo_too_late;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        setOnline(false);
      }
    }
    if (!answered) {
      await enqueue({ type: "undo", client_id: newClientId(), checkin_id: last.checkin_id });
      message = strings.undo_queued;
    }
  } else {
    // Still waiting to be uploaded: it is uploaded as made, then undone, so the record stays.
    const item = await state.db.get("queue", last.client_id);
    if (item) await state.db.put("queue", { ...item, undo: true });
    message = strings.undo_queued;
  }
  if (message !== strings.undo_too_late) await dropFromLedger(last.client_id);
  state.last = null;
  prefs.set(`last.${state.choice.gate}`, null);
  renderUndo();
  view.text("undo-status", message);
  signal("tick");
  refreshQueue();
  refreshTotals();
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
      const { gate, client_id, at } = item;
      const response = await api(`events/${item.event_id}/walkins/`, { method: "POST", body: { gate, count, client_id, at } });
      if (response.ok) {
        setOnline(true);
        saved = true;
        view.text("walkins-status", plural(strings, "walkins_counted", count));
      } else if (response.status < 500 && ![401, 403].includes(response.status) && response.data) {
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
    await enqueue(item);
    view.text("walkins-status", plural(strings, "walkins_queued", count));
  }
  signal("tick");
  refreshQueue();
  refreshTotals();
}

// --- the upload queue ----------------------------------------------------------------------

let sequence = 0;

async function enqueue(item) {
  await state.db.put("queue", { ...item, seq: Date.now() * 1000 + (sequence++ % 1000) });
  await refreshQueue();
}

async function refreshQueue() {
  state.queue = (await state.db.all("queue")).sort((a, b) => a.seq - b.seq);
  view.setNetwork(state.online, state.queue.length);
  renderTotals();
}

const definitive = (status) => status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);

/** Uploads queued scans and walk-ins; an item leaves the queue only once the server answered it. */
async function flush() {
  if (state.flushing || !navigator.onLine || !state.db) return;
  state.flushing = true;
  let progress = false;
  try {
    const queue = (await state.db.all("queue")).sort((a, b) => a.seq - b.seq);
    const batch = queue.filter((item) => item.type !== "undo").slice(0, 200);
    if (batch.length) {
      view.text("sync-note", strings.uploading);
      const body = { items: batch.map((item) => Object.fromEntries(SYNC_FIELDS.filter((f) => item[f] != null).map((f) => [f, item[f]]))) };
      const response = await api("sync/", { method: "POST", body, timeout: 30_000 });
      if (response.status === 401) loginAgain();
      if (response.ok && Array.isArray(response.data)) {
        progress = await applySyncAnswers(batch, response.data);
        setOnline(true);
      }
    }
    for (const item of queue.filter((entry) => entry.type === "undo")) {
      const response = await api(`checkins/${item.checkin_id}/undo/`, { method: "POST" });
      if (!(response.ok || definitive(response.status))) break;
      await state.db.delete("queue", item.client_id);
      progress = true;
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    setOnline(false);
  } finally {
    state.flushing = false;
  }
  await refreshQueue();
  if (progress) {
    refreshTotals();
    if (state.queue.length) flush();
  }
}

async function applySyncAnswers(batch, answers) {
  const byId = new Map(batch.map((item) => [item.client_id, item]));
  const done = [];
  const rejected = [];
  const undos = [];
  let differed = 0;
  for (const answer of answers) {
    const item = byId.get(answer.client_id);
    if (!item) continue;
    if (answer.ok) {
      done.push(item.client_id);
      if (item.type !== "checkin") continue;
      const result = answer.body.result;
      if (item.offline_result && result !== item.offline_result) differed += 1;
      const entry = state.ledger.get(item.client_id);
      if (entry && result === "admitted" && !item.undo) {
        await addToLedger({ ...entry, admitted: answer.body.admitted, synced: true, at: Date.now() });
      } else if (entry) {
        await dropFromLedger(item.client_id);
      }
      if (item.undo && result === "admitted") {
        undos.push({ type: "undo", client_id: `${item.client_id}-undo`, checkin_id: answer.body.checkin_id, seq: item.seq });
      }
      if (state.last?.client_id === item.client_id) {
        state.last.checkin_id = answer.body.checkin_id;
        prefs.set(`last.${item.gate}`, state.last);
      }
    } else if (definitive(answer.status)) {
      // Refused for good (e.g. a gate that was deleted): kept aside on the phone, not resent.
      done.push(item.client_id);
      rejected.push({ ...item, answer });
      if (state.ledger.has(item.client_id)) await dropFromLedger(item.client_id);
    }
  }
  if (undos.length) await state.db.put("queue", ...undos);
  if (rejected.length) await state.db.put("rejected", ...rejected);
  if (done.length) await state.db.delete("queue", ...done);
  const notes = [fmt(strings.uploaded, { n: done.length - rejected.length })];
  if (differed) notes.push(fmt(strings.differed, { n: differed }));
  const allRejected = (await state.db.all("rejected")).length;
  if (allRejected) notes.push(fmt(strings.rejected, { n: allRejected }));
  view.text("sync-note", notes.join(" "));
  return done.length > 0;
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
      if (!state.online) {
        setOnline(true);
      }
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
  // Scans and walk-ins waiting to upload count already: the staff see what they did.
  const pending = { gateAdmitted: 0, gateWalkIns: 0, eventAdmitted: 0, eventWalkIns: 0 };
  for (const item of state.queue) {
    if (item.event_id !== state.choice.event || item.undo) continue;
    const here = item.gate === state.choice.gate;
    if (item.type === "checkin") {
      pending.eventAdmitted += item.local_admitted || 0;
      if (here) pending.gateAdmitted += item.local_admitted || 0;
    } else if (item.type === "walkin") {
      pending.eventWalkIns += item.count;
      if (here) pending.gateWalkIns += item.count;
    }
  }
  view.setTotals(totals, pending);
}

// --- network state -------------------------------------------------------------------------

function setOnline(online) {
  if (state.online === online) return;
  state.online = online;
  view.setNetwork(online, state.queue.length);
  if (online) {
    flush();
    refreshBundle();
  }
}

function loginAgain() {
  $("login-again").hidden = false;
}

// --- wiring --------------------------------------------------------------------------------

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
  $("manual").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("code");
    const text = input.value.trim();
    if (!text || state.busy || state.groupOpen) return;
    input.value = "";
    const now = performance.now();
    scan(text, { source: "manual", frameAt: now, decodedAt: now });
  });
  $("camera-toggle").addEventListener("click", () => (camera.running ? pauseCamera() : startCamera()));
  $("undo").addEventListener("click", undoLast);
  $("result-next").addEventListener("click", () => view.hideResult());
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
    flush();
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
  wire();
  state.db = await openStore();
  await loadLedger();
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
