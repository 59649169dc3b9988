// A visitor without their QR: staff look the registration up by phone number, name (accents
// optional) or the end of the pass code, and admit one of at most five matches with a tap.
// Online only: the scanner bundle holds no names or phone numbers, on purpose.

import { NetworkError } from "./api.js";
import { fmt, plural } from "./format.js";

const $ = (id) => document.getElementById(id);
const ADMITTABLE = "confirmed";

/** The line under a match's name: party size, and what stands in the way of admitting it. */
export function matchFacts(match, s) {
  const facts = [plural(s, "lookup_party", match.party_size)];
  if (match.status !== ADMITTABLE) facts.push(s.status_names[match.status] || match.status);
  else if (match.remaining === 0) facts.push(s.lookup_all_in);
  else if (match.remaining < match.party_size) facts.push(fmt(s.lookup_remaining, { n: match.remaining }));
  return facts.join(" · ");
}

export class Lookup {
  /** onPick(match) admits a match; online() tells whether the server can be reached. */
  constructor({ api, strings, eventId, online, onPick, onLoginLost }) {
    Object.assign(this, { api, strings, eventId, online, onPick, onLoginLost });
    this.searching = 0;
  }

  wire() {
    $("lookup-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.search($("lookup-q").value.trim());
    });
  }

  say(text, bad = false) {
    const status = $("lookup-status");
    status.textContent = text;
    status.dataset.bad = bad ? "true" : "false";
  }

  async search(q) {
    const s = this.strings;
    $("lookup-results").replaceChildren();
    if (!this.online()) return this.say(s.lookup_offline, true);
    if (q.length < 3) return this.say(s.lookup_short, true);
    const run = ++this.searching;
    this.say(s.lookup_searching);
    let response;
    try {
      response = await this.api(`events/${this.eventId()}/lookup/?q=${encodeURIComponent(q)}`, { timeout: 8000 });
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      return this.say(s.lookup_offline, true);
    }
    if (run !== this.searching) return; // a newer search is on its way
    if (response.status === 401) this.onLoginLost();
    if (response.status !== 200 || !response.data) {
      return this.say(response.data?.message || s.lookup_failed, true);
    }
    const results = response.data.results.slice(0, 5);
    this.say(results.length ? plural(s, "lookup_found", results.length) : s.lookup_none, !results.length);
    $("lookup-results").replaceChildren(...results.map((match) => this.row(match)));
  }

  row(match) {
    const s = this.strings;
    const item = document.createElement("li");
    const admittable = match.status === ADMITTABLE && match.remaining > 0;
    item.className = "match";
    item.dataset.status = admittable ? "ok" : "bad";
    const text = document.createElement("div");
    const name = document.createElement("p");
    name.className = "match__name";
    name.textContent = [match.name, match.organisation].filter(Boolean).join(" · ");
    const facts = document.createElement("p");
    facts.className = "match__facts";
    facts.textContent = matchFacts(match, s);
    text.append(name, facts);
    item.append(text);
    if (admittable) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button match__admit";
      button.textContent = s.lookup_admit;
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          if (await this.onPick(match)) {
            $("lookup-results").replaceChildren();
            $("lookup-q").value = "";
            this.say("");
          }
        } finally {
          button.disabled = false;
        }
      });
      item.append(button);
    }
    return item;
  }
}
