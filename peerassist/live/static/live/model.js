// The room as this client knows it, changed only by the server's messages: a `state`
// replaces everything, each `event` is applied once, in seq order.

const GAP_PATIENCE = 3000; // ms to wait for a missing seq before asking the server again

export class RoomModel {
  /**
   * onChange(what) is called after each change with "state", "timer", "contributions",
   * "anonymous" (the steps with anonymous questions), "votes", "presence" or "me"; resync() should
   * reconnect so that hello fetches what is missing.
   */
  constructor({ onChange, resync, snapshot }) {
    this.onChange = onChange;
    this.resync = resync || (() => {});
    this.room = null;
    this.lastSeq = 0;
    this.buffer = new Map();
    this.gapTimer = 0;
    this.resynced = false;
    if (snapshot && snapshot.room && Number.isInteger(snapshot.seq)) {
      this.room = snapshot.room;
      this.lastSeq = snapshot.seq;
    }
  }

  snapshot() {
    return this.room ? { seq: this.lastSeq, room: this.room } : null;
  }

  applyState(message) {
    const { type, server_time, ...room } = message;
    room.contributions = room.contributions || [];
    this.lastSeq = Number(message.seq) || 0;
    // Rights that came with a newer event than this state (the state was read before a step
    // change the hub has already announced) stay: the state's own are older.
    if (this.newestMe && this.newestMe.seq > this.lastSeq) room.me = { ...(room.me || {}), ...this.newestMe.me };
    else this.newestMe = { seq: this.lastSeq, me: room.me || {} };
    this.room = room;
    for (const seq of [...this.buffer.keys()]) if (seq <= this.lastSeq) this.buffer.delete(seq);
    this.onChange("state");
    this.drain();
  }

  applyEvent(message) {
    const seq = Number(message.seq);
    if (!Number.isInteger(seq) || seq <= this.lastSeq || !this.room) return;
    this.buffer.set(seq, message);
    this.drain();
  }

  drain() {
    while (this.buffer.has(this.lastSeq + 1)) {
      const message = this.buffer.get(this.lastSeq + 1);
      this.buffer.delete(this.lastSeq + 1);
      this.apply(message);
    }
    if (this.buffer.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = 0;
      this.resynced = false;
    } else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => this.settleGap(), GAP_PATIENCE);
    }
  }

  settleGap() {
    this.gapTimer = 0;
    if (this.buffer.size === 0) return;
    if (!this.resynced) {
      // First ask the server for what is missing (hello replays from lastSeq)...
      this.resynced = true;
      this.resync();
      this.gapTimer = setTimeout(() => this.settleGap(), GAP_PATIENCE * 2);
      return;
    }
    // ...and if it has nothing for those seqs, they were not for us: move on, in order.
    const seqs = [...this.buffer.keys()].sort((a, b) => a - b);
    this.lastSeq = seqs[0] - 1;
    this.drain();
  }

  apply(message) {
    this.lastSeq = Number(message.seq);
    const data = message.data || {};
    if (message.event === "timer.changed") {
      this.room.timer = data;
      this.onChange("timer");
    } else if (String(message.event).startsWith("contribution.")) {
      this.upsert(data);
      this.onChange("contributions");
    } else if (message.event === "vote.opened" || message.event === "vote.closed") {
      const votes = (this.room.votes = this.room.votes || []);
      const index = votes.findIndex((v) => v.id === data.id);
      if (index === -1) votes.push(data);
      else votes[index] = data;
      this.onChange("votes");
    } else if (message.event === "vote.cast") {
      const vote = (this.room.votes || []).find((v) => v.id === data.vote_id);
      if (vote && vote.status === "open") vote.ballots = data.ballots;
      this.onChange("votes");
    } else if (message.event === "questions.anonymous") {
      this.room.anonymous_step_ids = Array.isArray(data.step_ids) ? data.step_ids : [];
      this.onChange("anonymous");
    } else {
      this.onChange("unknown");
    }
  }

  /** Add or replace a contribution, keeping whichever copy is newer. */
  upsert(contribution) {
    if (!this.room || !contribution || contribution.id === undefined) return false;
    const list = this.room.contributions;
    const index = list.findIndex(
      (c) => c.id === contribution.id || (c.client_id && c.client_id === contribution.client_id),
    );
    if (index === -1) {
      list.push(contribution);
      return true;
    }
    if ((contribution.version || 0) < (list[index].version || 0)) return false;
    list[index] = { ...list[index], ...contribution };
    return true;
  }

  /** The whole presence list (a `presence` message: after a replay, or from an older server). */
  setPresence(presence) {
    if (!this.room) return;
    this.room.presence = sortedByName(presence || []);
    this.onChange("presence");
  }

  /**
   * Who joined and who left since the list this client has (`presence.changed`): `joined`
   * entries are added, or replace the one with their key; `left` keys are dropped. A change
   * that arrives before the first state has nothing to apply to: the state brings the list.
   */
  changePresence({ joined, left }) {
    if (!this.room) return;
    const people = new Map((this.room.presence || []).map((p) => [presenceKey(p), p]));
    for (const key of Array.isArray(left) ? left : []) people.delete(key);
    for (const entry of Array.isArray(joined) ? joined : []) people.set(presenceKey(entry), entry);
    this.room.presence = sortedByName([...people.values()]);
    this.onChange("presence");
  }

  /**
   * Rights from a "me" message. Each names the room event it follows (`seq`): after a
   * reconnect, the replay's rights can arrive after those of a step change made meanwhile,
   * and the older must not win (PROTOCOL.md, "me").
   */
  setMe(me) {
    const { seq, ...rights } = me;
    if (Number.isInteger(seq)) {
      if (this.newestMe && seq < this.newestMe.seq) return;
      this.newestMe = { seq, me: rights };
    }
    if (!this.room) return;
    this.room.me = { ...(this.room.me || {}), ...rights };
    this.onChange("me");
  }

  step(stepId) {
    if (!this.room || !Array.isArray(this.room.agenda)) return null;
    return this.room.agenda.find((s) => s.id === stepId) || null;
  }

  /** May questions be asked without a name in the current step? */
  anonymousNow() {
    const room = this.room;
    if (!room || !room.timer || !Array.isArray(room.anonymous_step_ids)) return false;
    return room.anonymous_step_ids.includes(room.timer.step_id);
  }

  currentStep() {
    return this.room && this.room.timer ? this.step(this.room.timer.step_id) : null;
  }
}

/** One entry per person, or per name for those without one (as the server merges them). */
export function presenceKey(entry) {
  return entry.person_id || entry.name; // as the server: `person_id or name`
}

/** Sorted by name as the server sorts (by code point, not by the reader's language). */
function sortedByName(people) {
  return [...people].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
