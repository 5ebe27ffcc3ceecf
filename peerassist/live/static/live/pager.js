// Pages for a list that must fit the screen (the projector's starred notes, read from the back
// of the room at 1920×1080): as many notes as fit between the list's top and the bottom of
// the window, then the next ones after a while, or at once on a presenter's clicker
// (PageDown or →, PageUp or ←). A list that fits is shown whole, without pages.

import { format } from "./render.js";

/**
 * Split items of these heights (`gap` between two) into pages of at most `available` height,
 * in order; an item taller than a page gets a page of its own. Pure: indexes per page.
 */
export function splitPages(heights, available, gap = 0) {
  const pages = [];
  let page = [];
  let used = 0;
  heights.forEach((height, index) => {
    const needed = page.length ? used + gap + height : height;
    if (page.length && needed > available) {
      pages.push(page);
      page = [index];
      used = height;
    } else {
      page.push(index);
      used = needed;
    }
  });
  if (page.length || !pages.length) pages.push(page);
  return pages;
}

const NEXT = new Set(["PageDown", "ArrowRight", "ArrowDown"]);
const PREVIOUS = new Set(["PageUp", "ArrowLeft", "ArrowUp"]);

export function createPager(list, { indicator, strings, seconds = 12, bottomMargin = 24 }) {
  let nodes = [];
  let pages = [[]];
  let current = 0;
  let timer = null;

  function available() {
    const top = list.getBoundingClientRect().top + window.scrollY;
    return Math.max(80, window.innerHeight - top - bottomMargin);
  }

  function measure() {
    list.replaceChildren(...nodes); // all of them, once, to measure: not painted in between
    const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    pages = splitPages(
      nodes.map((node) => node.getBoundingClientRect().height),
      available(),
      gap,
    );
  }

  function draw() {
    current = Math.min(current, pages.length - 1);
    list.replaceChildren(...pages[current].map((index) => nodes[index]));
    const paged = pages.length > 1;
    if (indicator) {
      indicator.hidden = !paged;
      indicator.textContent = paged ? format(strings.page_of, { n: current + 1, total: pages.length }) : "";
    }
    list.dataset.page = String(current + 1);
    list.dataset.pages = String(pages.length);
    if (!paged) {
      clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      timer = setTimeout(() => turn(1), seconds * 1000);
    }
  }

  function turn(step) {
    clearTimeout(timer);
    timer = null;
    current = (current + step + pages.length) % pages.length;
    draw();
  }

  /** Show these elements, paged to fit; the page shown stays where it was if it still exists.
   * The same elements in the same room on the screen are left as they are: not measured
   * again, the page and its turning timer untouched. */
  function show(elements) {
    const room = roomFor();
    if (elements.length === nodes.length && elements.every((node, i) => nodes[i] === node) && room === shownRoom) return;
    nodes = elements;
    shownRoom = room;
    measure();
    draw();
  }

  // The height and width the list has: a change (a box above it appeared, the window was
  // resized) calls for measuring again.
  let shownRoom = "";
  const roomFor = () => `${available()}x${list.clientWidth}`;

  window.addEventListener("resize", () => {
    shownRoom = roomFor();
    measure();
    draw();
  });
  document.addEventListener("keydown", (event) => {
    if (pages.length < 2 || event.altKey || event.ctrlKey || event.metaKey) return;
    if (NEXT.has(event.key)) turn(1);
    else if (PREVIOUS.has(event.key)) turn(-1);
    else return;
    event.preventDefault();
  });

  return { show, turn };
}
