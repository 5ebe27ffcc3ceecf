// The projector's pages: every starred note is on exactly one page, in order, and a page
// holds no more than fits (a note taller than the screen gets a page of its own).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { splitPages } from "../../peerassist/live/static/live/pager.js";

const height = (heights, page, gap) =>
  page.reduce((sum, index) => sum + heights[index], 0) + gap * Math.max(0, page.length - 1);

describe("splitPages", () => {
  test("a list that fits is one page", () => {
    assert.deepEqual(splitPages([100, 100, 100], 400, 10), [[0, 1, 2]]);
  });

  test("no items: one empty page", () => {
    assert.deepEqual(splitPages([], 400), [[]]);
  });

  test("the gap between notes counts", () => {
    assert.deepEqual(splitPages([100, 100, 100, 100], 320, 10), [[0, 1, 2], [3]]);
    assert.deepEqual(splitPages([100, 100, 100, 100], 320, 11), [[0, 1], [2, 3]]);
  });

  test("a note taller than the screen gets a page of its own", () => {
    assert.deepEqual(splitPages([50, 900, 50], 400, 0), [[0], [1], [2]]);
  });

  test("random lists: every note once, in order, and no page overfull", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let run = 0; run < 500; run += 1) {
      const heights = Array.from({ length: Math.floor(random() * 30) }, () => 20 + Math.floor(random() * 400));
      const available = 80 + Math.floor(random() * 900);
      const gap = Math.floor(random() * 20);
      const pages = splitPages(heights, available, gap);
      assert.deepEqual(pages.flat(), heights.map((_, i) => i));
      for (const page of pages) {
        assert.ok(page.length === 1 || height(heights, page, gap) <= available, JSON.stringify({ heights, available, gap, page }));
      }
      // Greedy: no page could have taken the next page's first note.
      pages.slice(0, -1).forEach((page, i) => {
        const next = pages[i + 1][0];
        assert.ok(height(heights, [...page, next], gap) > available);
      });
    }
  });
});
