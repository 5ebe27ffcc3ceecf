// RoomModel: events applied once, in seq order; gaps wait, then resync, then move on;
// a state replaces everything; a snapshot restores the room after a reload.

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { RoomModel } from "../../peerassist/live/static/live/model.js";
import { FakeClock } from "./fakes.js";

let clock;
beforeEach(() => {
  clock = new FakeClock().install();
});
afterEach(() => clock.uninstall());

function state(seq, contributions = []) {
  return { type: "state", server_time: "2026-11-29T05:00:00Z", seq, timer: { step_id: 1 }, agenda: [{ id: 1, name: "Share" }], contributions };
}

function note(seq, id, extra = {}) {
  return { type: "event", seq, event: "contribution.created", data: { id, client_id: `c${id}`, text: `note ${id}`, version: 1, ...extra } };
}

function makeModel(options = {}) {
  const changes = [];
  let resyncs = 0;
  const model = new RoomModel({
    onChange: (what) => changes.push(what),
    resync: () => {
      resyncs += 1;
    },
    ...options,
  });
  return { model, changes, resyncs: () => resyncs };
}

describe("sequence", () => {
  test("events apply in seq order and only once", () => {
    const { model } = makeModel();
    model.applyState(state(10));
    model.applyEvent(note(11, 1));
    model.applyEvent(note(11, 1)); // a replay of what was already applied
    model.applyEvent(note(9, 99)); // older than the state
    model.applyEvent(note(12, 2));
    assert.equal(model.lastSeq, 12);
    assert.deepEqual(model.room.contributions.map((c) => c.id), [1, 2]);
  });

  test("an early event waits for the missing one, then both apply in order", () => {
    const { model } = makeModel();
    model.applyState(state(10));
    model.applyEvent(note(12, 2));
    assert.equal(model.lastSeq, 10);
    assert.deepEqual(model.room.contributions, []);
    model.applyEvent(note(11, 1));
    assert.equal(model.lastSeq, 12);
    assert.deepEqual(model.room.contributions.map((c) => c.id), [1, 2]);
  });

  test("events before the first state are not applied (hello will replay them)", () => {
    const { model } = makeModel();
    model.applyEvent(note(1, 1));
    assert.equal(model.room, null);
    assert.equal(model.lastSeq, 0);
  });
});

describe("gaps and resync", () => {
  test("a gap that does not fill asks the server again after 3 s", () => {
    const { model, resyncs } = makeModel();
    model.applyState(state(10));
    model.applyEvent(note(12, 2));
    clock.advance(2999);
    assert.equal(resyncs(), 0);
    clock.advance(1);
    assert.equal(resyncs(), 1);
    assert.equal(model.lastSeq, 10, "nothing skipped yet: the replay may still bring seq 11");
  });

  test("the replay fills the gap: nothing is skipped and no second resync", () => {
    const { model, resyncs } = makeModel();
    model.applyState(state(10));
    model.applyEvent(note(12, 2));
    clock.advance(3000);
    model.applyEvent(note(11, 1)); // the replay after hello
    assert.equal(model.lastSeq, 12);
    assert.deepEqual(model.room.contributions.map((c) => c.id), [1, 2]);
    clock.advance(60_000);
    assert.equal(resyncs(), 1);
  });

  test("a seq the server has nothing for (not for us) is passed over after the resync", () => {
    const { model, resyncs } = makeModel();
    model.applyState(state(10));
    model.applyEvent(note(12, 2));
    model.applyEvent(note(13, 3));
    clock.advance(3000);
    assert.equal(resyncs(), 1);
    clock.advance(5999);
    assert.equal(model.lastSeq, 10);
    clock.advance(1);
    assert.equal(model.lastSeq, 13);
    assert.deepEqual(model.room.contributions.map((c) => c.id), [2, 3]);
    assert.equal(model.buffer.size, 0);
  });

  test("a fresh state replaces the room and drops buffered events it already covers", () => {
    const { model, changes } = makeModel();
    model.applyState(state(10, [{ id: 7, client_id: "c7", text: "old", version: 1 }]));
    model.applyEvent(note(12, 2));
    model.applyEvent(note(14, 4));
    model.applyState(state(13, [{ id: 2, client_id: "c2", text: "note 2", version: 1 }]));
    assert.equal(model.lastSeq, 14, "seq 14 was buffered beyond the state and applies at once");
    assert.deepEqual(model.room.contributions.map((c) => c.id), [2, 4]);
    assert.equal(model.buffer.size, 0);
    assert.ok(changes.filter((c) => c === "state").length === 2);
  });
});

describe("contributions", () => {
  test("an older version never overwrites a newer one (an ack racing an edit)", () => {
    const { model } = makeModel();
    model.applyState(state(1));
    model.applyEvent({ type: "event", seq: 2, event: "contribution.updated", data: { id: 1, client_id: "c1", text: "edited", version: 2 } });
    assert.equal(model.upsert({ id: 1, client_id: "c1", text: "first", version: 1 }), false);
    assert.equal(model.room.contributions[0].text, "edited");
  });

  test("an ack's contribution matches its queued copy by client_id", () => {
    const { model } = makeModel();
    model.applyState(state(1, [{ client_id: "abc", id: 5, text: "x", version: 1 }]));
    assert.equal(model.upsert({ id: 5, client_id: "abc", text: "x", version: 1, starred: true }), true);
    assert.equal(model.room.contributions.length, 1);
    assert.equal(model.room.contributions[0].starred, true);
  });

  test("the timer event replaces the timer and reports it", () => {
    const { model, changes } = makeModel();
    model.applyState(state(1));
    model.applyEvent({ type: "event", seq: 2, event: "timer.changed", data: { step_id: 1, status: "running" } });
    assert.equal(model.room.timer.status, "running");
    assert.equal(changes.at(-1), "timer");
    assert.equal(model.currentStep().name, "Share");
  });
});

describe("snapshot", () => {
  test("a reload starts from the snapshot and asks only for what came after", () => {
    const first = makeModel().model;
    first.applyState(state(10));
    first.applyEvent(note(11, 1));
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const { model } = makeModel({ snapshot: saved });
    assert.equal(model.lastSeq, 11);
    assert.deepEqual(model.room.contributions.map((c) => c.id), [1]);
    model.applyEvent(note(11, 1));
    model.applyEvent(note(12, 2));
    assert.deepEqual(model.room.contributions.map((c) => c.id), [1, 2]);
  });

  test("a damaged snapshot is ignored", () => {
    for (const snapshot of [null, {}, { seq: "x", room: {} }, { seq: 3 }]) {
      const { model } = makeModel({ snapshot });
      assert.equal(model.room, null);
      assert.equal(model.lastSeq, 0);
    }
  });
});

describe("rights (me)", () => {
  const rights = (kinds) => ({ may: { post: true, kinds }, why: "" });

  test("a replay's rights that arrive after a newer step's are ignored", () => {
    const { model } = makeModel();
    model.applyState(state(10));
    // The step changes to the plenary (event 12) while the client reconnects; the hub's
    // rights for event 12 arrive first, then the replay's, read before the change (11).
    model.setMe({ type: "me", seq: 12, ...rights(["insight"]) });
    model.setMe({ type: "me", seq: 11, ...rights(["practice"]) });
    assert.deepEqual(model.room.me.may.kinds, ["insight"]);
    assert.equal(model.room.me.seq, undefined, "the seq is not a right");
  });

  test("rights of the same or a newer event replace the current ones", () => {
    const { model } = makeModel();
    model.applyState(state(10));
    model.setMe({ type: "me", seq: 10, ...rights(["practice"]) });
    assert.deepEqual(model.room.me.may.kinds, ["practice"]);
    model.setMe({ type: "me", seq: 14, ...rights(["insight"]) });
    assert.deepEqual(model.room.me.may.kinds, ["insight"]);
  });

  test("a state read before the newest rights keeps those rights", () => {
    const { model } = makeModel();
    model.applyState({ ...state(10), me: rights(["practice"]) });
    model.setMe({ type: "me", seq: 12, ...rights(["insight"]) });
    model.applyState({ ...state(11), me: rights(["practice"]) });
    assert.deepEqual(model.room.me.may.kinds, ["insight"]);
    model.applyState({ ...state(13), me: rights(["question"]) });
    assert.deepEqual(model.room.me.may.kinds, ["question"]);
    model.setMe({ type: "me", seq: 12, ...rights(["insight"]) });
    assert.deepEqual(model.room.me.may.kinds, ["question"]);
  });
});

describe("presence", () => {
  const ann = { person_id: 1, name: "Ann", role: "home_peer" };
  const bob = { person_id: 2, name: "Bob", role: "visiting_peer" };
  const cleo = { person_id: 3, name: "Cleo", role: "home_peer" };
  const guest = { person_id: null, name: "Guest", role: null };
  const names = (model) => model.room.presence.map((p) => p.name);

  function withPresence(presence) {
    const made = makeModel();
    made.model.applyState({ ...state(1), presence });
    return made;
  }

  test("a change adds who joined and drops who left, sorted by name", () => {
    const { model, changes } = withPresence([bob, cleo]);
    model.changePresence({ type: "presence.changed", joined: [ann, guest], left: [3] });
    assert.deepEqual(names(model), ["Ann", "Bob", "Guest"]);
    model.changePresence({ type: "presence.changed", joined: [], left: ["Guest", 1] });
    assert.deepEqual(names(model), ["Bob"]);
    assert.equal(changes.filter((c) => c === "presence").length, 2);
  });

  test("an entry that changed replaces the one with its key, never doubles it", () => {
    const { model } = withPresence([ann, bob]);
    model.changePresence({ joined: [{ ...ann, role: "facilitator" }], left: [] });
    assert.deepEqual(model.room.presence, [{ ...ann, role: "facilitator" }, bob]);
  });

  test("names sort by code point, as the server sorts them", () => {
    const { model } = withPresence([]);
    model.changePresence({ joined: [{ person_id: 5, name: "émile" }, { person_id: 6, name: "Zoë" }, { person_id: 7, name: "adam" }], left: [] });
    assert.deepEqual(names(model), ["Zoë", "adam", "émile"]);
  });

  test("a change before the first state is not applied: the state brings the list", () => {
    const { model } = makeModel();
    model.changePresence({ joined: [ann], left: [] });
    assert.equal(model.room, null);
    model.applyState({ ...state(1), presence: [bob] });
    assert.deepEqual(names(model), ["Bob"]);
  });

  test("the whole list (after a replay, or from an older server) replaces the changed one", () => {
    const { model } = withPresence([ann]);
    model.changePresence({ joined: [bob], left: [] });
    model.setPresence([cleo, ann]);
    assert.deepEqual(names(model), ["Ann", "Cleo"]);
    model.changePresence({ joined: [], left: [1] });
    assert.deepEqual(names(model), ["Cleo"]);
  });

  test("a key may be a number (person_id) or a name, and they do not collide", () => {
    const { model } = withPresence([{ person_id: null, name: "7", role: null }, { person_id: 7, name: "Seven", role: null }]);
    model.changePresence({ joined: [], left: [7] });
    assert.deepEqual(names(model), ["7"]);
  });
});
