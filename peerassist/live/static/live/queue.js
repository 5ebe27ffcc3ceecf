// What must survive a reload: the posts the server has not acknowledged yet (the outbox),
// and the last room snapshot with the seq it reflects. Kept in localStorage per assist and
// per signed-in user, so one person's queued notes are never sent under another's session.
// Private browsing may refuse storage: then everything still works, in memory only.

function storageOrNull() {
  try {
    const probe = "peerassist:probe";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return null;
  }
}

export class RoomStore {
  constructor(prefix) {
    this.prefix = prefix;
    this.storage = storageOrNull();
    this.memory = new Map();
  }

  read(name, fallback) {
    const key = `${this.prefix}:${name}`;
    try {
      // The page's own copy first when storage refused it (full), else what every tab shares.
      const raw = this.memory.has(key) || !this.storage ? this.memory.get(key) : this.storage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  }

  write(name, value) {
    const key = `${this.prefix}:${name}`;
    const raw = JSON.stringify(value);
    if (!this.storage) {
      this.memory.set(key, raw);
      return true;
    }
    try {
      this.storage.setItem(key, raw);
      this.memory.delete(key); // stored: other tabs and a reload see the same
      return true;
    } catch {
      this.memory.set(key, raw); // full: the in-memory copy still serves this page
      return false;
    }
  }

  remove(name) {
    const key = `${this.prefix}:${name}`;
    this.memory.delete(key);
    if (this.storage) this.storage.removeItem(key);
  }

  /** Is a storage event (another tab) about this store? */
  concerns(event) {
    return typeof event.key === "string" && event.key.startsWith(`${this.prefix}:`);
  }
}

/**
 * The outbox: posts in the order they were typed, each {message, queued_at, failed?}.
 * Storage is read on every call, so several tabs of the same room share one queue.
 */
export class Outbox {
  constructor(store) {
    this.store = store;
  }

  all() {
    const items = this.store.read("outbox", []);
    return Array.isArray(items) ? items.filter((i) => i && i.message && i.message.client_id) : [];
  }

  add(message) {
    const items = this.all();
    items.push({ message, queued_at: new Date().toISOString() });
    // Must be stored before it is shown as typed: if this fails, the page still holds it.
    return this.store.write("outbox", items);
  }

  remove(clientId) {
    this.store.write(
      "outbox",
      this.all().filter((i) => i.message.client_id !== clientId),
    );
  }

  markFailed(clientId, error) {
    this.store.write(
      "outbox",
      this.all().map((i) => (i.message.client_id === clientId ? { ...i, failed: error } : i)),
    );
  }

  clearFailure(clientId) {
    this.store.write(
      "outbox",
      this.all().map((i) => {
        if (i.message.client_id !== clientId) return i;
        const { failed, ...rest } = i;
        return rest;
      }),
    );
  }

  /** The posts to (re)send now: everything not refused by the server. */
  sendable() {
    return this.all().filter((i) => !i.failed);
  }

  get size() {
    return this.all().length;
  }
}

/** A client id for a post; crypto.randomUUID needs a secure context, so fall back. */
export function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
