// The scanner at a session's door: pick the session, scan (camera, scanner gun or typed code),
// show the server's answer in colour. Online only: the decision takes the session's free places
// (events.services.session_door), which a phone cannot know offline.

import { Camera } from "./camera.js";
import { signal, unlockAudio } from "./feedback.js";
import { newClientId } from "./store.js";

const config = JSON.parse(document.getElementById("door-config").textContent);
const $ = (id) => document.getElementById(id);
let session = null;
let busy = false;
let pending = null; // {code, id}: a retry of the same scan keeps its client_id (idempotent)

const camera = new Camera($("video"), {
  onCode: (text) => check(text),
  workerUrl: config.decode_worker,
  jsqrUrl: config.jsqr,
});

function show(answer) {
  $("result").dataset.tone = answer.tone;
  $("result-title").textContent = answer.label || answer.name || "";
  $("result-name").textContent = answer.admitted ? config.strings.people.replace("%(n)s", answer.admitted) : "";
  $("result-message").textContent = answer.message;
  $("announce").textContent = answer.message;
  $("result").hidden = false;
  $("result-next").focus();
  signal(answer.tone);
}

async function check(code) {
  if (busy || !session || !code) return;
  busy = true;
  $("door-status").textContent = "";
  if (pending?.code !== code) pending = { code, id: newClientId() };
  try {
    const response = await fetch(config.api.replace("{session_id}", session), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": config.csrf_token,
        "Accept-Language": document.documentElement.lang, // the answer in the page's language
      },
      body: JSON.stringify({ code, client_id: pending.id }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.message || config.strings.failed);
    pending = null;
    show(body);
  } catch (error) {
    $("door-status").textContent = navigator.onLine ? error.message || config.strings.failed : config.strings.offline;
    busy = false;
  }
}

$("setup")?.addEventListener("submit", (event) => {
  event.preventDefault();
  unlockAudio();
  session = $("session").value;
  $("where").textContent = $("session").selectedOptions[0].textContent;
  $("setup").hidden = true;
  $("work").hidden = false;
  camera.start().catch(() => {}); // no camera: the code field still works
  $("code").focus();
});

$("manual").addEventListener("submit", (event) => {
  event.preventDefault();
  check($("code").value.trim());
  $("code").value = "";
});

$("result-next").addEventListener("click", () => {
  $("result").hidden = true;
  busy = false;
  $("code").focus();
});
