// The screens: choosing the event and the gate, then working at it with the camera. The
// events and their gates come from the page's configuration (scanner_views.scanner_events).

export function findEvent(events, id) {
  return events.find((event) => event.id === Number(id)) || null;
}

/** Whether `choice` ({event, gate}) names a gate of an event on offer (a saved one may not). */
export function validChoice(events, choice) {
  const event = choice && findEvent(events, choice.event);
  return Boolean(event && event.gates.some((gate) => gate.id === choice.gate));
}

/** {event, gate}: the configuration's objects for a valid choice. */
export function chosen(events, choice) {
  const event = findEvent(events, choice.event);
  return { event, gate: event.gates.find((gate) => gate.id === choice.gate) };
}

/** Shows the setup form or the work screen (`$`: id -> element). */
export function showScreen($, name) {
  $("setup").hidden = name !== "setup";
  $("work").hidden = name !== "work";
  $("change").hidden = name !== "work";
}

/** Fills the gate list with the gates of `eventId`, `selected` chosen. */
export function fillGates($, events, eventId, selected) {
  const gates = findEvent(events, eventId)?.gates || [];
  $("gate").replaceChildren(...gates.map((gate) => new Option(gate.name, gate.id, false, gate.id === selected)));
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
