// What the staff member sees: the full-screen result, the group question, the status lines.
// Texts come translated from the page (json_script), never from a catalogue of our own.

const $ = (id) => document.getElementById(id);

/** "Admit %(n)s people" + {n: 3} -> "Admit 3 people" */
export function fmt(template, values = {}) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

/** The "_one" variant of a text for 1, the general one otherwise (Vietnamese has no plural). */
export function plural(strings, key, n, values = {}) {
  const template = n === 1 && strings[`${key}_one`] ? strings[`${key}_one`] : strings[key];
  return fmt(template, { n, ...values });
}

export function clock(value, timeZone) {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(value));
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Green admits everyone, amber admits part of a group or needs a look, red refuses. */
export function toneOf(outcome) {
  if (!outcome.result || outcome.result === "waiting") return "amber";
  if (outcome.result === "admitted") return outcome.remaining > 0 ? "amber" : "admit";
  return "refuse";
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
    const tone = toneOf(outcome);
    let title;
    let message;
    if (!outcome.result) {
      // Not decided: no network and no pass list, or a request the server could not take.
      title = s.no_bundle_title;
      message = outcome.message || s.no_bundle;
    } else {
      message = outcome.message || s.result_messages[outcome.result] || "";
      if (outcome.result === "admitted") title = plural(s, "admit", outcome.admitted);
      else title = outcome.result === "waiting" ? s.waiting_title : s.refuse;
    }
    const facts = [];
    if (outcome.party_size > 0) {
      facts.push(fmt(s.in_of_party, { in: outcome.party_size - outcome.remaining, party: outcome.party_size }));
      if (outcome.result === "admitted" && outcome.remaining > 0) facts.push(plural(s, "still_to_come", outcome.remaining));
    }
    this.result.dataset.tone = tone;
    this.result.dataset.result = outcome.result || "unknown";
    this.result.dataset.offline = outcome.offline ? "true" : "false";
    $("result-icon").textContent = { admit: "✓", amber: "!", refuse: "✕" }[tone];
    $("result-title").textContent = title;
    $("result-message").textContent = message;
    $("result-facts").textContent = facts.join(" · ");
    const previous = $("result-previous");
    previous.replaceChildren(
      ...(outcome.previous || []).slice(-3).map((entry) => {
        const item = document.createElement("li");
        item.textContent = fmt(s.earlier, { time: clock(entry.at, this.config.time_zone), gate: entry.gate, n: entry.admitted });
        return item;
      }),
    );
    const offline = $("result-offline");
    offline.hidden = !outcome.offline;
    offline.textContent = outcome.result ? s.decided_offline : s.saved_for_upload;
    this.result.hidden = false;
    $("announce").textContent = [title, message, ...facts].join(". ");
    clearTimeout(this.hideTimer);
    // The next scan is ready without a tap: admissions go quickly, refusals stay a little longer.
    this.hideTimer = setTimeout(() => this.hideResult(), tone === "admit" ? 2000 : 3500);
    await nextFrame();
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
    dialog.returnValue = "";
    dialog.showModal();
    admit.focus();
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "admit" ? clamp(input.value) : null), {
        once: true,
      });
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
  }

  setTotals(totals, pending) {
    if (!totals) return;
    const set = (id, value) => {
      $(id).textContent = new Intl.NumberFormat(this.config.language).format(value);
    };
    set("t-gate-admitted", totals.gate_admitted + pending.gateAdmitted);
    set("t-gate-walkins", totals.gate_walk_ins + pending.gateWalkIns);
    set("t-event-admitted", totals.event_admitted + pending.eventAdmitted);
    set("t-event-walkins", totals.event_walk_ins + pending.eventWalkIns);
    set("t-event-visits", totals.event_visits + pending.eventAdmitted + pending.eventWalkIns);
    $("totals-updated").textContent = fmt(this.strings.totals_updated, { time: clock(totals.updated_at, this.config.time_zone) });
  }

  text(id, value) {
    $(id).textContent = value;
  }
}
