// Walk-ins: visitors without registration, counted at the gate. Sent at once when the server
// can be reached; otherwise (or when it cannot take them now) queued for upload.

import { NetworkError } from "./api.js";
import { plural } from "./format.js";

export const MAX_WALK_INS = 500; // the server's limit for one count

/**
 * Counts `count` walk-ins at `choice` ({event, gate}). Resolves with {text, action}: the text to
 * show, and the action to record for undo (null when the server refused the count, or when
 * the count is not a whole number from 1 to MAX_WALK_INS: nothing is counted then).
 */
export async function countWalkIns(count, { choice, api, sync, strings, newId, now = Date.now }) {
  if (!Number.isInteger(count) || count < 1 || count > MAX_WALK_INS) return { text: "", action: null };
  const at = now();
  const item = { type: "walkin", client_id: newId(), event_id: choice.event, gate: choice.gate, count, at: new Date(at).toISOString() };
  let text = null;
  if (sync.reachable()) {
    try {
      const { gate, client_id } = item;
      const response = await api(`events/${item.event_id}/walkins/`, { method: "POST", body: { gate, count, client_id, at: item.at } });
      if (response.ok) {
        sync.setOnline(true);
        text = plural(strings, "walkins_counted", count);
      } else if (response.status < 500 && ![401, 403, 408, 429].includes(response.status) && response.data) {
        return { text: response.data.message, action: null };
      }
      if (response.status === 401) sync.loginLost();
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      sync.setOnline(false);
    }
  }
  if (text === null) {
    await sync.add(item);
    text = plural(strings, "walkins_queued", count);
  }
  const action = { client_id: item.client_id, kind: "walkin", people: count, name: "", at, event_id: item.event_id };
  return { text, action };
}
