// What the staff member sees: the full-screen result, the group question, the undo question,
// the status lines. Texts come translated from the page (json_script), never from a catalogue
// of our own.

import { tone as toneOf } from "./decide.js";
import { describeDoor } from "./door.js";
import { clock, dayMonthYear, fmt, plural } from "./format.js";

const $ = (id) => document.getElementById(id);
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const ICONS = { green: "✓", amber: "!", red: "✕" };
// The next scan is ready without a tap: admissions go quickly, anything to read stays longer.
const SHOWN_FOR = { green: 2000, amber: 3500, red: 4500 };
const QUESTION_GRACE = 400; // ms after a question opens during which it takes no "yes"

/** The reason for an answer decided on the phone, as the server would word it. */
function offlineMessage(outcome, s) {
  const last = (outcome.previous || []).at(-1);
  if (outcome.result === "wrong_day" && outcome.day) return fmt(s.wrong_day_on, { day: dayMonthYear(outcome.day) });
  if (last?.time && outcome.result === "already_admitted") return fmt(s.used_at, last);
  if (last?.time && outcome.result === "reentry") return fmt(s.reentry_at, last);
  return s.result_messages[outcome.result] || "";
}

/** {tone, title, message, name, facts: [], previous: []}: the texts of an answer on screen. */
export function describe(outcome, s, timeZone) {
  if (outcome.door) return { tone: outcome.tone || "red", ...describeDoor(outcome, s), facts: [], previous: [] };
  const tone = outcome.tone || toneOf(outcome);
  let title;
  let message;
  if (!outcome.result) {
    // Not decided: no network and no pass list, or a request the server could not take.
    title = s.no_bundle_title;
    message = outcome.message || s.no_bundle;
  } else {
    message = outcome.message || offlineMessage(outcome, s);
    if (outcome.result === "admitted") title = plural(s, "admit", outcome.admitted);
    else if (outcome.result === "reentry") title = s.reentry_title;
    else title = s.refuse;
  }
  // A group's count where it helps at the gate (not on a pass for another day, say); the rest
  // still to come unless the server's message says it already.
  const facts = [];
  if (outcome.party_size > 1 && (tone !== "red" || outcome.result === "already_admitted")) {
    facts.push(fmt(s.in_of_party, { in: outcome.party_size - outcome.remaining, party: outcome.party_size }));
    if (outcome.result === "admitted" && outcome.remaining > 0 && !outcome.message) {
      facts.push(plural(s, "still_to_come", outcome.remaining));
    }
  }
  const previous = [];
  if (outcome.result === "admitted") {
    for (const entry of (outcome.previous || []).slice(-3)) {
      const time = entry.at ? clock(entry.at, timeZone) : entry.time;
      if (time) previous.push(fmt(s.earlier, { time, gate: entry.gate, n: entry.admitted ?? "" }).replace(" ()", ""));
    }
  }
  const name = [outcome.name, outcome.organisation].filter(Boolean).join(" · ");
  return { tone, title, message, name, facts, previous };
}

export class View {
  constructor(strings, config) {
    this.strings = strings;
    this.config = config;
    this.hideTimer = null;
    this.result = $("result");
    this.result.addEventListener("click", () => this.hideResult());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.result.hidden) this.hideResult();
    });
  }

  /** Shows the answer to a scan; resolves once it is on screen (for the timing). */
  async showResult(outcome) {
    const s = this.strings;
    const shown = describe(outcome, s, this.config.time_zone);
    this.result.dataset.tone = shown.tone;
    this.result.dataset.result = outcome.result || "unknown";
    this.result.dataset.offline = outcome.offline ? "true" : "false";
    $("result-icon").textContent = ICONS[shown.tone];
    $("result-title").textContent = shown.title;
    $("result-name").textContent = shown.name;
    $("result-message").textContent = shown.message;
    $("result-facts").textContent = shown.facts.join(" · ");
    $("result-previous").replaceChildren(
      ...shown.previous.map((text) => {
        const item = document.createElement("li");
        item.textContent = text;
        return item;
      }),
    );
    const offline = $("result-offline");
    offline.hidden = !outcome.offline;
    offline.textContent = outcome.result ? s.decided_offline : s.saved_for_upload;
    this.result.hidden = false;
    $("announce").textContent = [shown.title, shown.name, shown.message, ...shown.facts].filter(Boolean).join(". ");
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.hideResult(), SHOWN_FOR[shown.tone]);
    await nextFrame();
    return shown;
  }

  hideResult() {
    clearTimeout(this.hideTimer);
    this.result.hidden = true;
  }

  /** A group: how many come in now? Resolves with the number, or null when cancelled. */
  askGroup({ party, inNow, remaining }) {
    const s = this.strings;
    const dialog = $("group");
    const input = $("headcount");
    const admit = $("group-admit");
    const clamp = (n) => Math.min(Math.max(Number.parseInt(n, 10) || 1, 1), remaining);
    const label = () => {
      admit.textContent = plural(s, "group_admit", clamp(input.value));
    };
    $("group-title").textContent = fmt(s.group_title, { party });
    $("group-in").textContent = fmt(s.group_in, { in: inNow, party });
    input.max = remaining;
    input.value = remaining;
    label();
    const step = (delta) => () => {
      input.value = clamp(clamp(input.value) + delta);
      label();
    };
    $("group-less").onclick = step(-1);
    $("group-more").onclick = step(1);
    input.oninput = label;
    return this.modal(dialog, admit).then((value) => (value === "admit" ? clamp(input.value) : null));
  }

  /** Asks before undoing: resolves true when confirmed. */
  confirmUndo(label) {
    $("confirm-text").textContent = label;
    return this.modal($("confirm"), $("confirm-yes")).then((value) => value === "yes");
  }

  /**
   * Opens a question. The Enter that submitted a code (typed, or a scanner gun's) can land just
   * after the dialog opens: a "yes" by keyboard in its first moments is ignored, so nobody admits
   * a whole group or undoes something without having seen the question.
   */
  modal(dialog, focus) {
    const openedAt = performance.now();
    const form = dialog.querySelector("form");
    let tapped = false; // a tap is always someone who saw the question
    const tap = () => {
      tapped = true;
    };
    const early = (event) => {
      const no = ["cancel", "no"].includes(event.submitter?.value);
      if (!tapped && !no && performance.now() - openedAt < QUESTION_GRACE) event.preventDefault();
    };
    dialog.addEventListener("pointerdown", tap);
    form.addEventListener("submit", early);
    dialog.returnValue = "";
    dialog.showModal();
    focus.focus();
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => {
        form.removeEventListener("submit", early);
        dialog.removeEventListener("pointerdown", tap);
        resolve(dialog.returnValue);
      }, { once: true });
    });
  }

  setNetwork(online, queued) {
    const s = this.strings;
    const net = $("net");
    net.dataset.state = online ? "online" : "offline";
    net.dataset.queued = String(queued);
    const parts = [online ? s.online : s.offline];
    if (queued) parts.push(plural(s, "queued", queued));
    $("net-text").textContent = parts.join(" · ");
    $("queue").textContent = queued ? plural(s, "queued", queued) : s.queue_empty;
    $("offline-banner").hidden = online;
  }

  setTotals(shown, updatedAt) {
    const set = (id, value) => {
      $(id).textContent = new Intl.NumberFormat(this.config.language).format(value);
    };
    set("t-gate-admitted", shown.gateAdmitted);
    set("t-gate-walkins", shown.gateWalkIns);
    set("t-event-admitted", shown.eventAdmitted);
    set("t-event-walkins", shown.eventWalkIns);
    set("t-event-visits", shown.eventVisits);
    $("totals-updated").textContent = fmt(this.strings.totals_updated, { time: clock(updatedAt, this.config.time_zone) });
  }

  /** Something broke in the page itself: staff must see it rather than trust a silent screen. */
  showError(text) {
    const box = $("app-error");
    $("app-error-text").textContent = fmt(this.strings.app_error, { error: text.slice(0, 200) });
    box.hidden = false;
  }

  text(id, value) {
    $(id).textContent = value;
  }
}
