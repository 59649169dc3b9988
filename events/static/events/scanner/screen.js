// The screens: choosing the event and the gate (or a session's door), then working at it with
// the camera. The events, their gates and their sessions with places come from the page's
// configuration (scanner_views.scanner_events). A choice is {event, gate} or {event, session}.

export function findEvent(events, id) {
  return events.find((event) => event.id === Number(id)) || null;
}

/**
 * Whether `choice` names a gate or a session of an event on offer (a saved one may not); a
 * session only on its day (`today`, "YYYY-MM-DD"; any day when not given).
 */
export function validChoice(events, choice, today = null) {
  const event = choice && findEvent(events, choice.event);
  if (!event) return false;
  if (choice.session != null) {
    return (event.sessions || []).some((item) => item.id === choice.session && (!today || item.date === today));
  }
  return event.gates.some((gate) => gate.id === choice.gate);
}

/** {event, gate, session}: the configuration's objects for a valid choice (one of gate, session). */
export function chosen(events, choice) {
  const event = findEvent(events, choice.event);
  const session = choice.session != null ? event.sessions.find((item) => item.id === choice.session) : null;
  return { event, session, gate: session ? null : event.gates.find((gate) => gate.id === choice.gate) };
}

/** The choice an option of the gate list stands for: "12" a gate, "s34" a session. */
export function choiceOf(eventId, value) {
  const event = Number(eventId);
  return value.startsWith("s") ? { event, session: Number(value.slice(1)) } : { event, gate: Number(value) };
}

/** Shows the setup form or the work screen (`$`: id -> element). */
export function showScreen($, name) {
  $("setup").hidden = name !== "setup";
  $("work").hidden = name !== "work";
  $("change").hidden = name !== "work";
}

/**
 * Fills the gate list with the gates of `eventId` and, in a group of their own, its sessions
 * of `today` with places; `selected` (a choice) chosen. `labels`: {gates, sessions}.
 */
export function fillGates($, events, eventId, selected, { today = null, labels = {} } = {}) {
  const event = findEvent(events, eventId);
  const group = (label, options) => {
    const element = document.createElement("optgroup");
    element.label = label;
    element.append(...options);
    return element;
  };
  const gates = (event?.gates || []).map(
    (gate) => new Option(gate.name, gate.id, false, selected?.session == null && gate.id === selected?.gate),
  );
  const sessions = (event?.sessions || [])
    .filter((item) => !today || item.date === today)
    .map((item) => new Option(item.label, `s${item.id}`, false, item.id === selected?.session));
  const groups = [group(labels.gates || "", gates)];
  if (sessions.length) groups.push(group(labels.sessions || "", sessions));
  $("gate").replaceChildren(...groups);
}

/** The camera and its status line: when there is no picture, the reason takes its place. */
export class CameraPanel {
  constructor({ camera, strings, $ }) {
    Object.assign(this, { camera, strings, $ });
    this.wanted = true; // the staff member did not pause it
  }

  async start() {
    const { $, strings } = this;
    this.wanted = true;
    $("camera").dataset.state = "starting";
    $("camera-status").textContent = strings.camera_starting;
    try {
      await this.camera.start();
      $("camera").dataset.state = "on";
      $("camera-status").textContent = "";
      $("video").setAttribute("aria-label", strings.camera_on);
      $("camera-toggle").textContent = strings.pause_camera;
    } catch (error) {
      // No picture: the message and its button take the viewfinder's place, nothing overlaps.
      $("camera").dataset.state = "off";
      $("camera-status").textContent = strings[`camera_${error.message}`] || strings.camera_missing;
      $("camera-toggle").textContent = strings.start_camera;
    }
  }

  pause() {
    this.wanted = false;
    this.camera.stop();
    this.$("camera").dataset.state = "off";
    this.$("camera-status").textContent = this.strings.camera_paused;
    this.$("camera-toggle").textContent = this.strings.start_camera;
  }

  toggle() {
    return this.camera.running ? this.pause() : this.start();
  }

  /** The phone's screen went off or back on: the camera follows, unless it was paused. */
  visible(shown) {
    if (!shown) this.camera.stop();
    else if (this.wanted) this.start();
  }
}
