// The camera and continuous QR decoding: the browser's BarcodeDetector where it exists
// (Android Chrome), otherwise jsQR in a Web Worker so the page stays responsive. One frame is
// decoded at a time; each decoded text is reported with the time its frame was on screen.

const MIN_INTERVAL = 40; // ms between decodes: fast enough to feel instant, spares the battery
const CROP_SIZE = 640; // px: the centre square of the frame, scaled down for jsQR

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

class WorkerDecoder {
  constructor(workerUrl, jsqrUrl) {
    this.worker = new Worker(workerUrl);
    this.worker.postMessage({ jsqr: jsqrUrl });
    this.waiting = new Map();
    this.ids = 0;
    this.frames = 0;
    this.canvas = document.createElement("canvas");
    this.context = this.canvas.getContext("2d", { willReadFrequently: true });
    this.worker.onmessage = (event) => {
      this.waiting.get(event.data.id)?.(event.data.text);
      this.waiting.delete(event.data.id);
    };
    this.worker.onerror = (event) => {
      console.error("QR decoder failed", event.message);
      for (const resolve of this.waiting.values()) resolve(null);
      this.waiting.clear();
    };
  }

  decode(video) {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return Promise.resolve(null);
    // Passes are held in the middle of the view: a centre square decodes faster than the frame.
    const side = Math.min(width, height);
    const size = Math.min(side, CROP_SIZE);
    if (this.canvas.width !== size) {
      this.canvas.width = size;
      this.canvas.height = size;
    }
    this.context.drawImage(video, (width - side) / 2, (height - side) / 2, side, side, 0, 0, size, size);
    const { data } = this.context.getImageData(0, 0, size, size);
    const id = ++this.ids;
    // Now and then look for a light-on-dark code (a pass on a phone in dark mode).
    const inverted = ++this.frames % 8 === 0;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, buffer: data.buffer, width: size, height: size, inverted }, [data.buffer]);
    });
  }

  close() {
    this.worker.terminate();
  }
}

class NativeDecoder {
  constructor(detector) {
    this.detector = detector;
  }

  async decode(video) {
    const codes = await this.detector.detect(video);
    return codes.length ? codes[0].rawValue : null;
  }

  close() {}
}

export class Camera {
  constructor(video, { onCode, workerUrl, jsqrUrl }) {
    this.video = video;
    this.onCode = onCode;
    this.workerUrl = workerUrl;
    this.jsqrUrl = jsqrUrl;
    this.stream = null;
    this.decoder = null;
    this.running = false;
    this.lastDecode = 0;
  }

  /** Starts the camera; rejects with a reason: "insecure", "denied" or "missing". */
  async start() {
    if (this.running) return;
    if (!navigator.mediaDevices?.getUserMedia) throw new Error(window.isSecureContext ? "missing" : "insecure");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (error) {
      throw new Error(["NotAllowedError", "SecurityError"].includes(error.name) ? "denied" : "missing");
    }
    this.video.srcObject = this.stream;
    await this.video.play();
    if (!this.decoder) {
      const detector = await nativeDetector();
      this.decoder = detector ? new NativeDecoder(detector) : new WorkerDecoder(this.workerUrl, this.jsqrUrl);
    }
    this.running = true;
    this.schedule();
  }

  stop() {
    this.running = false;
    for (const track of this.stream?.getTracks() || []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  schedule() {
    if (!this.running) return;
    if (this.video.requestVideoFrameCallback) {
      this.video.requestVideoFrameCallback((now, frame) => this.tick(now, frame));
    } else {
      setTimeout(() => this.tick(performance.now(), null), MIN_INTERVAL);
    }
  }

  async tick(now, frame) {
    if (!this.running) return;
    if (now - this.lastDecode < MIN_INTERVAL) {
      this.schedule();
      return;
    }
    this.lastDecode = now;
    // When the frame reached the screen: the moment the code was "in view".
    const frameAt = frame?.presentationTime && frame.presentationTime <= performance.now() ? frame.presentationTime : now;
    let text = null;
    try {
      text = await this.decoder.decode(this.video);
    } catch (error) {
      console.warn("decode failed", error);
    }
    if (text && this.running) this.onCode(text, { frameAt, tickAt: now, decodedAt: performance.now() });
    this.schedule();
  }
}
