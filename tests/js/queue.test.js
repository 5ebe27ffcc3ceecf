// The outbox and the room store: what was typed survives a reload until the server
// acknowledges it, per assist and per user, and storage that refuses or fills up loses
// nothing on the page itself.

import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";

import { Outbox, RoomStore, newClientId } from "../../peerassist/live/static/live/queue.js";
import { MemoryStorage, RefusingStorage, withWindow } from "./fakes.js";

afterEach(() => {
  delete globalThis.window;
});

const post = (clientId, text = "a note") => ({ type: "post", client_id: clientId, text, kind: "practice" });

describe("outbox survival", () => {
  test("queued posts survive a reload, in the order typed", () => {
    const storage = withWindow(new MemoryStorage());
    const before = new Outbox(new RoomStore("peerassist:live:7:u1"));
    assert.equal(before.add(post("a", "first")), true);
    assert.equal(before.add(post("b", "second")), true);
    // The page reloads: a new store over the same localStorage.
    const after = new Outbox(new RoomStore("peerassist:live:7:u1"));
    assert.deepEqual(after.all().map((i) => i.message.text), ["first", "second"]);
    assert.ok(after.all().every((i) => typeof i.queued_at === "string"));
    assert.ok(storage.getItem("peerassist:live:7:u1:outbox"));
  });

  test("a post leaves the outbox only with its ack", () => {
    withWindow(new MemoryStorage());
    const outbox = new Outbox(new RoomStore("p"));
    outbox.add(post("a"));
    outbox.add(post("b"));
    outbox.remove("a");
    assert.deepEqual(outbox.all().map((i) => i.message.client_id), ["b"]);
    outbox.remove("unknown");
    assert.equal(outbox.size, 1);
  });

  test("a refused post stays, is not re-sent, and can be retried", () => {
    withWindow(new MemoryStorage());
    const outbox = new Outbox(new RoomStore("p"));
    outbox.add(post("a"));
    outbox.add(post("b"));
    outbox.markFailed("a", { code: "not_allowed", message: "Not in this step" });
    assert.deepEqual(outbox.sendable().map((i) => i.message.client_id), ["b"]);
    assert.equal(new Outbox(new RoomStore("p")).all()[0].failed.code, "not_allowed");
    outbox.clearFailure("a");
    assert.deepEqual(outbox.sendable().map((i) => i.message.client_id), ["a", "b"]);
  });

  test("two tabs of the same room share one queue; another user or assist does not see it", () => {
    withWindow(new MemoryStorage());
    const tab1 = new Outbox(new RoomStore("peerassist:live:7:u1"));
    const tab2 = new Outbox(new RoomStore("peerassist:live:7:u1"));
    tab1.add(post("a"));
    assert.equal(tab2.size, 1);
    assert.equal(new Outbox(new RoomStore("peerassist:live:7:u2")).size, 0);
    assert.equal(new Outbox(new RoomStore("peerassist:live:8:u1")).size, 0);
    const store = new RoomStore("peerassist:live:7:u1");
    assert.equal(store.concerns({ key: "peerassist:live:7:u1:outbox" }), true);
    assert.equal(store.concerns({ key: "peerassist:live:7:u10:outbox" }), false);
    assert.equal(store.concerns({ key: null }), false);
  });

  test("damaged storage reads as an empty outbox", () => {
    const storage = withWindow(new MemoryStorage());
    storage.setItem("p:outbox", "{not json");
    assert.deepEqual(new Outbox(new RoomStore("p")).all(), []);
    storage.setItem("p:outbox", JSON.stringify([null, { message: {} }, { message: { client_id: "ok" } }]));
    assert.deepEqual(new Outbox(new RoomStore("p")).all().map((i) => i.message.client_id), ["ok"]);
  });

  test("storage that refuses (private browsing) still works in memory on the page", () => {
    withWindow(new RefusingStorage());
    const outbox = new Outbox(new RoomStore("p"));
    assert.equal(outbox.add(post("a")), true);
    assert.equal(outbox.size, 1);
  });

  test("full storage: add says so (the composer keeps the text), the page still holds it", () => {
    withWindow(new MemoryStorage({ quota: 200 }));
    const outbox = new Outbox(new RoomStore("p"));
    assert.equal(outbox.add(post("a", "x".repeat(500))), false);
    assert.equal(outbox.size, 1, "kept in memory for this page");
  });

  test("the snapshot is stored with its seq", () => {
    withWindow(new MemoryStorage());
    const store = new RoomStore("p");
    store.write("snapshot", { seq: 4, room: { contributions: [] } });
    assert.equal(new RoomStore("p").read("snapshot", null).seq, 4);
    store.remove("snapshot");
    assert.equal(new RoomStore("p").read("snapshot", null), null);
  });
});

test("client ids are UUIDs and differ", () => {
  withWindow(new MemoryStorage());
  const ids = new Set(Array.from({ length: 50 }, newClientId));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
