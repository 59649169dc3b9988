// Decodes QR codes off the main thread with the vendored jsQR, for browsers without a native
// BarcodeDetector. The page sends the jsQR URL first (its name is hashed in production), then
// one greyscale-or-RGBA frame at a time, and gets back the text or null.

self.onmessage = (event) => {
  const message = event.data;
  if (message.jsqr) {
    importScripts(message.jsqr);
    return;
  }
  const started = performance.now();
  let found = null;
  try {
    found = self.jsQR(new Uint8ClampedArray(message.buffer), message.width, message.height, {
      inversionAttempts: message.inverted ? "onlyInvert" : "dontInvert",
    });
  } catch {
    // jsQR throws on some noisy frames instead of finding nothing: same thing for us.
  }
  self.postMessage({ id: message.id, text: found ? found.data : null, ms: performance.now() - started });
};
