// A failure of the page itself (a promise nobody awaited, a script error) is shown to staff in
// a translated banner: a silent screen at a gate would be trusted when it should not be.

/** The text of a failure for the banner: the error's message, or what was thrown. */
export function failureText(reason) {
  return String(reason?.message || reason || "");
}

/** Calls show(text) for each failure that reaches `target` (the window). */
export function showFailures(target, show, log = console.error) {
  target.addEventListener("unhandledrejection", (event) => {
    log(event.reason);
    show(failureText(event.reason));
  });
  target.addEventListener("error", (event) => show(failureText(event.message || event.error)));
}
