// DOM helpers for the live room. User text only ever goes in through textContent or
// attributes set by the DOM API, never through innerHTML: notes are plain text.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that usually ends the sentence around a link rather than the link itself.
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

/** Make an element: h("p", {className: "x", dataset: {id: 1}}, "text", child). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "className") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name in element && !name.includes("-")) element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** Plain text as nodes, with only http(s) URLs turned into links. */
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = url.match(TRAILING);
    if (trailing) url = url.slice(0, -trailing[0].length);
    if (!url) continue;
    fragment.append(text.slice(last, match.index));
    let safe = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") safe = parsed.href;
    } catch {
      safe = null;
    }
    fragment.append(
      safe
        ? h("a", { href: safe, rel: "noopener noreferrer nofollow", target: "_blank", text: url })
        : url,
    );
    last = match.index + url.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

/** "{name} did {what}" with values filled in; the template comes translated from the page.
 * A template with plural forms ({one, other}, as _strings.html gives them) is chosen by
 * `values.count`, else `values.n`, with the page language's plural rules: "1 dot", "2 dots". */
export function format(template, values = {}, lang = pageLanguage()) {
  const chosen =
    template !== null && typeof template === "object"
      ? pluralForm(template, values.count ?? values.n ?? 0, lang)
      : template;
  return String(chosen).replace(/\{(\w+)\}/g, (whole, key) =>
    key in values ? String(values[key]) : whole,
  );
}

function pageLanguage() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}

function pluralForm(forms, count, lang) {
  let rules;
  try {
    rules = new Intl.PluralRules(lang);
  } catch {
    rules = new Intl.PluralRules("en"); // a language tag Intl cannot read
  }
  const category = rules.select(Number(count));
  return forms[category] ?? forms.other ?? forms.one ?? "";
}

/** 75 -> "1:15", 3725 -> "1:02:05"; always of the absolute value. */
export function clock(seconds) {
  const total = Math.floor(Math.abs(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** The translated strings the page passed in a JSON data block. */
export function readJson(id) {
  const block = document.getElementById(id);
  if (!block) return {};
  try {
    return JSON.parse(block.textContent);
  } catch {
    return {};
  }
}

// "09:30" on a 24-hour clock in the zone the server shows every other time in (the page's
// data-time-zone, see peerassist/core/when.py), never "08:37 PM".
export function timeOfDay(iso, language, timeZone = pageTimeZone()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return when.toLocaleTimeString(language, { ...options, timeZone });
  } catch {
    return when.toLocaleTimeString(language, options); // an unknown zone name: the browser's
  }
}

function pageTimeZone() {
  return (typeof document !== "undefined" && document.body?.dataset.timeZone) || undefined;
}

/**
 * Nodes for a list redrawn on every room event, re-using the node of an item whose
 * signature (everything its node shows) is unchanged: `cache` maps key -> {signature, node}
 * and keeps only the items passed this time. Re-created nodes make a screen flicker and
 * lose a pointer or a measurement taken on them; kept ones do not.
 */
export function keyedNodes(cache, items, keyOf, signatureOf, build) {
  const seen = new Set();
  const nodes = items.map((item) => {
    const key = keyOf(item);
    const signature = signatureOf(item);
    seen.add(key);
    const kept = cache.get(key);
    if (kept && kept.signature === signature) return kept.node;
    const node = build(item);
    cache.set(key, { signature, node });
    return node;
  });
  for (const key of [...cache.keys()]) if (!seen.has(key)) cache.delete(key);
  return nodes;
}

/** Put these nodes in a list only if they are not already its children, in this order. */
export function showNodes(list, nodes) {
  const current = list.children;
  if (current.length === nodes.length && nodes.every((node, i) => current[i] === node)) return false;
  list.replaceChildren(...nodes);
  return true;
}
