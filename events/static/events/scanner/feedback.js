// Sound and vibration follow the colour of the answer (decide.js tone()): a gate is loud, and
// staff look at the visitor, not the phone. Green is a bright rising double beep, amber ("let
// in, but look") a middle double tone, red a low buzz; all made with WebAudio, so there are no
// sound files to fetch or cache.

let context = null;

/** Browsers start audio only after a tap or a key press: call this from such events. */
export function unlockAudio() {
  const AudioContext = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!AudioContext) return false;
  context ||= new AudioContext();
  if (context.state === "suspended") context.resume();
  return true;
}

export function audioBlocked() {
  return !context || context.state !== "running";
}

function tone(frequency, start, duration, { type = "sine", volume = 0.35 } = {}) {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  const at = context.currentTime + start;
  oscillator.type = type;
  oscillator.frequency.setValueAtTime(frequency, at);
  // Short ramps: no clicks, and the sound cuts through crowd noise.
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(volume, at + 0.01);
  gain.gain.setValueAtTime(volume, at + duration - 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(at);
  oscillator.stop(at + duration + 0.02);
}

export const SOUNDS = {
  green: () => { tone(880, 0, 0.11); tone(1320, 0.13, 0.16); },
  red: () => { tone(196, 0, 0.22, { type: "square", volume: 0.25 }); tone(196, 0.3, 0.34, { type: "square", volume: 0.25 }); },
  amber: () => { tone(660, 0, 0.16, { type: "triangle", volume: 0.4 }); tone(660, 0.22, 0.16, { type: "triangle", volume: 0.4 }); },
  tick: () => tone(1000, 0, 0.05, { volume: 0.2 }),
};

/** Vibration patterns (ms on, off, on...): one short pulse, two, and a long double buzz. */
export const VIBRATIONS = { green: [90], amber: [120, 80, 120], red: [250, 100, 250], tick: [30] };
export const KINDS = Object.keys(VIBRATIONS);

export function signal(kind) {
  if (!SOUNDS[kind]) kind = "red"; // an unknown answer is never cheered
  try {
    if (context && context.state === "running") SOUNDS[kind]();
  } catch (error) {
    console.warn("sound failed", error);
  }
  if (globalThis.navigator?.vibrate) navigator.vibrate(VIBRATIONS[kind]);
}
