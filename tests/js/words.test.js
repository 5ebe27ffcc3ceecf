// The one word count in the browser (core/words.js) counts as the server does: the cases
// and their counts in word_count_cases.json come from assists.rules.word_count, and
// tests/test_js_units.py checks the same file against the Python function.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { wordCount } from "../../peerassist/core/static/core/words.js";

const { cases } = JSON.parse(readFileSync(new URL("./word_count_cases.json", import.meta.url), "utf8"));

test("there are cases to check", () => {
  assert.ok(cases.length >= 30);
});

for (const { text, words } of cases) {
  test(`${JSON.stringify(text)} has ${words} words`, () => {
    assert.equal(wordCount(text), words);
  });
}

test("several texts add up, missing ones count nothing", () => {
  const total = cases.reduce((n, c) => n + c.words, 0);
  assert.equal(wordCount(...cases.map((c) => c.text)), total);
  assert.equal(wordCount(undefined, null, ""), 0);
});
