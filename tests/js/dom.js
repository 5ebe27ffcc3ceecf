// A small stand-in for the browser's DOM, enough for the live modules that build their
// views with render.js's h(): elements with attributes, dataset, classes, text, the form
// properties h() sets, children, focus, bubbling events, and querySelector/closest for
// simple selectors (tag, .class, [attr], [attr="value"], :checked, joined by spaces).

const REFLECTED = new Set(["id", "type", "value", "min", "max", "htmlFor"]);

class FakeNode {
  constructor(document) {
    this.ownerDocument = document;
    this.parentNode = null;
    this.childNodes = [];
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }

  set textContent(text) {
    this.replaceChildren(String(text));
  }

  append(...nodes) {
    for (let node of nodes) {
      if (typeof node === "string" || typeof node === "number") node = new FakeText(this.ownerDocument, String(node));
      if (node instanceof FakeFragment) {
        this.append(...node.childNodes);
        continue;
      }
      if (node.parentNode) node.parentNode.removeChild(node);
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }

  removeChild(node) {
    this.childNodes = this.childNodes.filter((c) => c !== node);
    node.parentNode = null;
    if (this.ownerDocument.activeElement && !this.ownerDocument.contains(this.ownerDocument.activeElement)) {
      this.ownerDocument.activeElement = this.ownerDocument.body;
    }
    return node;
  }

  replaceChildren(...nodes) {
    for (const child of [...this.childNodes]) this.removeChild(child);
    this.append(...nodes);
  }
}

class FakeText extends FakeNode {
  constructor(document, text) {
    super(document);
    this.data = text;
  }

  get textContent() {
    return this.data;
  }

  set textContent(text) {
    this.data = String(text);
  }
}

class FakeFragment extends FakeNode {}

class FakeElement extends FakeNode {
  constructor(document, tag) {
    super(document);
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.listeners = new Map();
    this.className = "";
    this.id = "";
    this.type = tag === "button" ? "submit" : tag === "input" ? "text" : "";
    this.ownValue = "";
    this.min = "";
    this.max = "";
    this.htmlFor = "";
    this.checked = false;
    this.disabled = false;
    this.hidden = false;
    const element = this;
    this.dataset = new Proxy(
      {},
      {
        get: (_, key) => element.attributes.get(dataName(key)),
        set: (_, key, value) => {
          element.attributes.set(dataName(key), String(value));
          return true;
        },
        has: (_, key) => element.attributes.has(dataName(key)),
        ownKeys: () => [...element.attributes.keys()].filter((k) => k.startsWith("data-")).map(camel),
        getOwnPropertyDescriptor: (_, key) =>
          element.attributes.has(dataName(key)) ? { enumerable: true, configurable: true, value: element.attributes.get(dataName(key)) } : undefined,
      },
    );
  }

  /** A select's value is its first option's until one is chosen. */
  get value() {
    if (this.tagName === "SELECT" && this.ownValue === "") {
      const first = this.querySelector("option");
      return first ? first.value : "";
    }
    return this.ownValue;
  }

  set value(value) {
    this.ownValue = String(value);
  }

  get children() {
    return this.childNodes.filter((c) => c instanceof FakeElement);
  }

  get classList() {
    const names = this.className.split(/\s+/).filter(Boolean);
    return { contains: (name) => names.includes(name) };
  }

  setAttribute(name, value) {
    if (name === "class") this.className = String(value);
    else if (REFLECTED.has(name)) this[name] = String(value);
    else if (name === "disabled" || name === "hidden" || name === "checked") this[name] = true;
    else this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    if (name === "class") return this.className;
    if (REFLECTED.has(name)) return this[name] === "" ? null : String(this[name]);
    if (name === "disabled" || name === "hidden" || name === "checked") return this[name] ? "" : null;
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.getAttribute(name) !== null;
  }

  addEventListener(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(listener);
  }

  /** Bubbles from this element up through its ancestors, as a click or submit does. */
  dispatchEvent(event) {
    event.target = this;
    event.preventDefault = () => {
      event.defaultPrevented = true;
    };
    for (let node = this; node; node = node.parentNode) {
      for (const listener of (node.listeners && node.listeners.get(event.type)) || []) listener(event);
    }
    return !event.defaultPrevented;
  }

  /** A click as the browser makes it: nothing happens on a disabled button. */
  click() {
    if (this.disabled) return;
    this.dispatchEvent({ type: "click" });
  }

  focus() {
    if (!this.disabled && this.ownerDocument.contains(this)) this.ownerDocument.activeElement = this;
  }

  matches(selector) {
    return matchesComplex(this, parse(selector));
  }

  closest(selector) {
    const parsed = parse(selector);
    for (let node = this; node instanceof FakeElement; node = node.parentNode) {
      if (matchesComplex(node, parsed)) return node;
    }
    return null;
  }

  querySelectorAll(selector) {
    const parsed = parse(selector);
    const found = [];
    const walk = (node) => {
      for (const child of node.children) {
        if (matchesComplex(child, parsed, this)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
}

function dataName(key) {
  return `data-${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function camel(name) {
  return name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

const COMPOUND = /^([a-z][a-z0-9]*)?((?:\.[\w-]+|\[[\w-]+(?:="[^"]*")?\]|:checked)*)$/;

function parse(selector) {
  return selector
    .trim()
    .split(/\s+/)
    .map((part) => {
      const match = part.match(COMPOUND);
      if (!match) throw new Error(`The fake DOM cannot read the selector ${JSON.stringify(selector)}`);
      const tests = [...match[2].matchAll(/\.([\w-]+)|\[([\w-]+)(?:="([^"]*)")?\]|(:checked)/g)];
      return { tag: match[1] ? match[1].toUpperCase() : null, tests };
    });
}

function matchesCompound(element, { tag, tests }) {
  if (tag && element.tagName !== tag) return false;
  return tests.every(([, cls, attr, value, checked]) => {
    if (cls) return element.classList.contains(cls);
    if (checked) return element.checked;
    const actual = element.getAttribute(attr);
    return value === undefined ? actual !== null : actual === value;
  });
}

/** The last compound matches the element, the ones before it ancestors (inside scope). */
function matchesComplex(element, parts, scope = null) {
  if (!matchesCompound(element, parts[parts.length - 1])) return false;
  let node = element.parentNode;
  for (let i = parts.length - 2; i >= 0; i--) {
    while (node instanceof FakeElement && node !== scope && !matchesCompound(node, parts[i])) node = node.parentNode;
    if (!(node instanceof FakeElement) || node === scope) return false;
    node = node.parentNode;
  }
  return true;
}

export class FakeDocument {
  constructor(lang = "en") {
    this.documentElement = new FakeElement(this, "html");
    this.documentElement.lang = lang;
    this.body = new FakeElement(this, "body");
    this.documentElement.append(this.body);
    this.activeElement = this.body;
  }

  createElement(tag) {
    return new FakeElement(this, tag);
  }

  createDocumentFragment() {
    return new FakeFragment(this);
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) if (n === this.documentElement) return true;
    return false;
  }
}

/** Installs a fresh FakeDocument as the global `document`; returns it. */
export function withDocument(lang = "en") {
  globalThis.document = new FakeDocument(lang);
  return globalThis.document;
}
