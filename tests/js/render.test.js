// format() fills the translated templates the page passes in; plural templates pick their
// form with the page language's plural rules ("1 dot", "2 dots"; French: "0 point").

import assert from "node:assert/strict";
import { test } from "node:test";

import { format, keyedNodes, showNodes } from "../../peerassist/live/static/live/render.js";
import { withDocument } from "./dom.js";

const dots = { one: "{n} dot", other: "{n} dots" };

test("values fill the template, unknown names stay", () => {
  assert.equal(format("{name} moved {what}", { name: "Ada" }), "Ada moved {what}");
});

test("a plural template takes the form for n", () => {
  assert.equal(format(dots, { n: 1 }), "1 dot");
  assert.equal(format(dots, { n: 0 }), "0 dots");
  assert.equal(format(dots, { n: 3 }), "3 dots");
});

test("count chooses the form when n is not the number that decides it", () => {
  const left = { one: "{n} of your {total} dot left.", other: "{n} of your {total} dots left." };
  assert.equal(format(left, { n: 0, total: 1, count: 1 }), "0 of your 1 dot left.");
  assert.equal(format(left, { n: 1, total: 3, count: 3 }), "1 of your 3 dots left.");
});

test("the language's rules decide: French counts 0 as singular", () => {
  const points = { one: "{n} point", other: "{n} points" };
  assert.equal(format(points, { n: 0 }, "fr"), "0 point");
  assert.equal(format(points, { n: 2 }, "fr"), "2 points");
  assert.equal(format(points, { n: 0 }, "es"), "0 points");
});

test("a language tag Intl cannot read falls back to English rules", () => {
  assert.equal(format(dots, { n: 1 }, "not a tag!"), "1 dot");
  assert.equal(format(dots, { n: 2 }, "not a tag!"), "2 dots");
});

// The projector redraws on every room event: a note's node is kept while what it shows is
// unchanged, re-created when it changed, and forgotten when the note leaves the list.
test("keyedNodes keeps the node of an unchanged item and rebuilds a changed one", () => {
  const cache = new Map();
  let built = 0;
  const build = (item) => ({ built: ++built, text: item.text });
  const args = [(item) => item.id, (item) => item.text, build];
  const first = keyedNodes(cache, [{ id: 1, text: "a" }, { id: 2, text: "b" }], ...args);
  const second = keyedNodes(cache, [{ id: 2, text: "b" }, { id: 1, text: "a, edited" }, { id: 3, text: "c" }], ...args);
  assert.strictEqual(second[0], first[1]);
  assert.notStrictEqual(second[1], first[0]);
  assert.equal(second[1].text, "a, edited");
  assert.equal(built, 4);
  keyedNodes(cache, [{ id: 3, text: "c" }], ...args);
  assert.deepEqual([...cache.keys()], [3]);
});

test("showNodes leaves a list alone when it already holds these nodes in this order", () => {
  const document = withDocument();
  try {
    const list = document.createElement("ul");
    const [a, b] = [document.createElement("li"), document.createElement("li")];
    assert.equal(showNodes(list, [a, b]), true);
    assert.equal(showNodes(list, [a, b]), false);
    assert.equal(showNodes(list, [b, a]), true);
    assert.deepEqual(list.children, [b, a]);
  } finally {
    delete globalThis.document;
  }
});
