// One WebSocket to the room that keeps itself connected: exponential backoff with jitter
// (0.5 s doubling to 10 s), an immediate retry when the browser comes back online or the
// tab becomes visible, and a ping every 20 s that also detects a socket that died silently.

const FIRST_DELAY = 500;
const MAX_DELAY = 10_000;
const PING_EVERY = 20_000;
const PONG_WITHIN = 10_000;

export class LiveSocket {
  /**
   * url: ws(s) URL. onOpen(socket) sends hello; onMessage(message) gets each parsed object;
   * onStatus(connected: bool) reports changes; onRefused(code, reason) when the server closes with 4403 (not allowed) or 4429 (a limit).
   */
  constructor({ url, onOpen, onMessage, onStatus, onRefused }) {
    this.url = url;
    this.onOpen = onOpen;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.onRefused = onRefused || (() => {});
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.pongTimer = 0;
    this.stopped = false;
    this.connected = false;

    window.addEventListener("online", () => this.reconnectNow());
    // The network went away: say so at once rather than when the socket times out.
    window.addEventListener("offline", () => this.drop());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && !this.connected) this.reconnectNow();
    });
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    clearTimeout(this.retryTimer);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setConnected(true);
      this.startPinging();
      this.onOpen(this);
    });
    ws.addEventListener("message", (event) => {
      if (this.ws !== ws || typeof event.data !== "string") return;
      clearTimeout(this.pongTimer);
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && typeof message.type === "string") this.onMessage(message);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPinging();
      this.setConnected(false);
      // 4403: not allowed in; 4429: a limit (too many windows, a full room). Retrying at
      // once would only be refused again: stop and let the page say why.
      if (event.code === 4403 || event.code === 4429) {
        this.stopped = true;
        this.onRefused(event.code, event.reason || "");
        return;
      }
      if (!this.stopped) this.scheduleRetry();
    });
  }

  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Close this socket (if any) and connect again at once. */
  reconnectNow() {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.ws && this.ws.readyState === WebSocket.OPEN && navigator.onLine !== false) return;
    this.discard();
    this.open();
  }

  /** Give the socket up (e.g. the browser says it is offline); retries continue. */
  drop() {
    this.discard();
    if (!this.stopped) this.scheduleRetry();
  }

  /** Close and reopen, e.g. to ask the server again for missed events. */
  restart() {
    this.discard();
    this.open();
  }

  discard() {
    const ws = this.ws;
    this.ws = null;
    this.stopPinging();
    if (ws) {
      try {
        ws.close();
      } catch {
        // Already closing: nothing to do.
      }
    }
    this.setConnected(false);
  }

  scheduleRetry() {
    clearTimeout(this.retryTimer);
    const base = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter spreads the reconnects of a whole room after a server restart.
    const delay = base * (0.75 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  startPinging() {
    this.stopPinging();
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.drop(), PONG_WITHIN);
    }, PING_EVERY);
  }

  stopPinging() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  setConnected(connected) {
    if (this.connected === connected) return;
    this.connected = connected;
    this.onStatus(connected);
  }
}
