// errors.js: a failure of the page reaches the staff member's screen instead of vanishing.
import assert from "node:assert/strict";
import { test } from "node:test";

import { failureText, showFailures } from "../../events/static/events/scanner/errors.js";

function failure(type, fields) {
  return Object.assign(new Event(type), fields);
}

test("an unhandled promise rejection and a script error are both shown", () => {
  const page = new EventTarget();
  const shown = [];
  const logged = [];
  showFailures(page, (text) => shown.push(text), (reason) => logged.push(reason));
  const reason = new TypeError("db is null");
  page.dispatchEvent(failure("unhandledrejection", { reason }));
  page.dispatchEvent(failure("error", { message: "Uncaught ReferenceError: x is not defined" }));
  page.dispatchEvent(failure("unhandledrejection", { reason: "quota exceeded" }));
  assert.deepEqual(shown, ["db is null", "Uncaught ReferenceError: x is not defined", "quota exceeded"]);
  assert.deepEqual(logged, [reason, "quota exceeded"]); // the full error stays in the console
});

test("the text of a failure is never 'undefined'", () => {
  assert.equal(failureText(new Error("boom")), "boom");
  assert.equal(failureText(undefined), "");
});
