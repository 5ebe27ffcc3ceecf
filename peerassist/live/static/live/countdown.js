// The step countdown, server-authoritative: every screen derives the same figure from the
// timer the server sent and the offset between the server's clock and this one.

import { clock, format } from "./render.js";

export class ServerClock {
  constructor() {
    this.offset = 0; // server time minus local time, in ms
  }

  /** Call with the server_time of each message as it arrives. */
  observe(serverTime) {
    const server = Date.parse(serverTime);
    if (!Number.isNaN(server)) this.offset = server - Date.now();
  }

  now() {
    return Date.now() + this.offset;
  }
}

/** Seconds left in the step (negative: overtime), or null without a step. */
export function remainingSeconds(timer, serverNow) {
  if (!timer || timer.step_id === null || timer.step_id === undefined) return null;
  const planned = (timer.duration_seconds || 0) + (timer.extra_seconds || 0);
  if (timer.status === "running" && timer.ends_at) {
    return (Date.parse(timer.ends_at) - serverNow) / 1000;
  }
  if (timer.status === "paused" && timer.started_at && timer.paused_at) {
    const end = Date.parse(timer.started_at) + (planned + (timer.paused_seconds || 0)) * 1000;
    return (end - Date.parse(timer.paused_at)) / 1000;
  }
  if (timer.status === "paused" && typeof timer.remaining_seconds === "number") {
    return timer.remaining_seconds;
  }
  return planned;
}

/**
 * Keeps a countdown element up to date. `strings` holds the translated templates
 * (overtime, last_minute, paused, not_started, time_up, one_minute_left).
 * `announce` is called once per step for the last minute and for overtime, never per second.
 */
export class Countdown {
  constructor({ element, label, serverClock, strings, announce }) {
    this.element = element;
    this.label = label;
    this.serverClock = serverClock;
    this.strings = strings;
    this.announce = announce || (() => {});
    this.timer = null;
    this.announced = new Set();
    this.shown = "";
    this.interval = setInterval(() => this.tick(), 250);
  }

  set(timer) {
    if (!this.timer || !timer || this.timer.step_id !== timer.step_id) this.announced.clear();
    this.timer = timer;
    this.tick();
  }

  tick() {
    const timer = this.timer;
    const left = remainingSeconds(timer, this.serverClock.now());
    let text = "–:––";
    let note = this.strings.not_started || "";
    let state = "idle";
    if (left !== null) {
      const running = timer.status === "running";
      if (left < 0) {
        text = format(this.strings.overtime, { time: clock(left) });
        note = this.strings.overtime_note;
        state = "overtime";
        if (running) this.once("overtime", this.strings.time_up);
      } else {
        text = clock(Math.ceil(left));
        state = left <= 60 ? "last-minute" : "ok";
        note = left <= 60 ? this.strings.last_minute : "";
        if (running && left <= 60 && left > 0) this.once("minute", this.strings.one_minute_left);
      }
      if (timer.status === "paused") note = [this.strings.paused, note].filter(Boolean).join(" · ");
      if (timer.status === "idle") note = this.strings.not_started;
    }
    const shown = `${text}|${note}|${state}`;
    if (shown === this.shown) return;
    this.shown = shown;
    this.element.textContent = text;
    this.element.dataset.state = state;
    this.element.dataset.status = timer ? timer.status : "idle";
    if (this.label) {
      this.label.textContent = note;
      this.label.hidden = !note;
    }
  }

  once(key, message) {
    if (this.announced.has(key)) return;
    this.announced.add(key);
    if (message) this.announce(message);
  }
}
