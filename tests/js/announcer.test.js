// The step header the room and the projector share: the step's name and countdown, and a
// spoken "Now: <step>" only when the step changes, never for the step the page opens on.

import assert from "node:assert/strict";
import { test } from "node:test";

import { makeStepHeader } from "../../peerassist/live/static/live/announcer.js";

const strings = { no_step: "Not started yet", step_now: "Now: {step}" };

function header() {
  const element = { textContent: "" };
  const counted = [];
  const said = [];
  const show = makeStepHeader({
    element,
    countdown: { set: (timer) => counted.push(timer) },
    announce: (message) => said.push(message),
    strings,
  });
  return { element, counted, said, show };
}

test("before the session: no step, no countdown, nothing said", () => {
  const { element, counted, said, show } = header();
  show(null, { step_id: null, status: "idle" });
  assert.equal(element.textContent, "Not started yet");
  assert.deepEqual(counted, [null]);
  assert.deepEqual(said, []);
});

test("the step the page opens on is shown but not said; a new step is said once", () => {
  const { element, counted, said, show } = header();
  const intro = { id: 1, name: "Introductions" };
  const context = { id: 2, name: "Context" };
  const first = { step_id: 1, status: "running" };
  show(intro, first);
  show(intro, first); // a redraw of the same step
  assert.equal(element.textContent, "Introductions");
  assert.deepEqual(said, []);
  show(context, { step_id: 2, status: "running" });
  assert.equal(element.textContent, "Context");
  assert.deepEqual(said, ["Now: Context"]);
  assert.deepEqual(counted[0], first);
});

test("starting from nothing announces the first step that starts", () => {
  const { said, show } = header();
  show(null, { step_id: null, status: "idle" });
  show({ id: 5, name: "Start" }, { step_id: 5, status: "running" });
  assert.deepEqual(said, ["Now: Start"]);
});
