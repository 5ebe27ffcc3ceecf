// Stand-ins for the browser globals the live modules touch: a clock whose timeouts run
// only when the test advances it, and a localStorage that survives a "reload" (a new
// RoomStore over the same storage) and can be made to refuse or to fill up.

export class FakeClock {
  constructor() {
    this.now = 0;
    this.timers = new Map();
    this.nextId = 1;
  }

  install() {
    this.saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    globalThis.setTimeout = (fn, ms = 0) => {
      const id = this.nextId++;
      this.timers.set(id, { at: this.now + ms, fn });
      return id;
    };
    globalThis.clearTimeout = (id) => {
      this.timers.delete(id);
    };
    return this;
  }

  uninstall() {
    Object.assign(globalThis, this.saved);
  }

  /** Move time on by ms, running every timeout that falls due, in order. */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
      if (!due.length) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.now = timer.at;
      timer.fn();
    }
    this.now = end;
  }
}

export class MemoryStorage {
  constructor({ quota = Infinity } = {}) {
    this.items = new Map();
    this.quota = quota;
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  setItem(key, value) {
    const size = [...this.items].reduce((n, [k, v]) => (k === key ? n : n + k.length + v.length), 0);
    if (size + key.length + String(value).length > this.quota) {
      const error = new Error("The quota has been exceeded.");
      error.name = "QuotaExceededError";
      throw error;
    }
    this.items.set(key, String(value));
  }

  removeItem(key) {
    this.items.delete(key);
  }
}

/** Private browsing in some browsers: every write throws. */
export class RefusingStorage extends MemoryStorage {
  setItem() {
    throw new Error("SecurityError: storage is disabled");
  }
}

export function withWindow(storage) {
  globalThis.window = { localStorage: storage, crypto: globalThis.crypto };
  return storage;
}
