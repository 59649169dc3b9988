// Hand-held barcode scanners (USB or Bluetooth) are keyboards: they type the QR's content in a
// burst, a few milliseconds per key, and press Enter. A person types ten times slower. Bursts
// are caught wherever the focus is not in a field, and tell a scanned code from a typed one.

export const MAX_GAP = 50; // ms between two keys of one burst
export const MIN_LENGTH = 8; // shorter bursts are not a pass (a pass code is 26 characters)

export class BurstDetector {
  constructor({ maxGap = MAX_GAP, minLength = MIN_LENGTH } = {}) {
    Object.assign(this, { maxGap, minLength });
    this.reset();
  }

  reset() {
    this.text = "";
    this.last = null;
    this.fast = true;
  }

  /**
   * Feeds one key ({key, time} with time in ms). Returns the text of a finished burst when
   * Enter ends one, else null. A slow key starts over (for a field: marks the entry as typed).
   */
  key(key, time) {
    const gap = this.last === null ? 0 : time - this.last;
    if (this.last !== null && gap > this.maxGap) {
      if (key === "Enter") {
        this.fast = false;
      } else {
        this.text = "";
        this.fast = true;
      }
    }
    this.last = time;
    if (key === "Enter") {
      const text = this.text;
      const burst = this.fast && text.length >= this.minLength;
      this.reset();
      return burst ? text : null;
    }
    if (key.length === 1) this.text += key;
    return null;
  }
}

/** How a code typed into the code field arrived: "scan" from a scanner gun, else "typed". */
export class FieldTimer {
  constructor({ maxGap = MAX_GAP, minLength = MIN_LENGTH } = {}) {
    Object.assign(this, { maxGap, minLength });
    this.times = [];
  }

  key(time) {
    this.times.push(time);
  }

  /** The method of the entry so far, then starts over. */
  method() {
    const times = this.times;
    this.times = [];
    if (times.length < this.minLength) return "typed";
    for (let i = 1; i < times.length; i += 1) if (times[i] - times[i - 1] > this.maxGap) return "typed";
    return "scan";
  }
}
