// The dot-vote panel is redrawn on every room event (someone else's ballot, a new note).
// It keeps its nodes and updates them in place, so a click whose mousedown came before
// such a redraw and whose mouseup came after still lands on the "+" it was meant for
// (issue 16: a quick click, or one of a double-click, was lost), and the keyboard focus
// stays on the button pressed. A structural change (the vote closes) rebuilds the panel.

import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import { RoomStore } from "../../peerassist/live/static/live/queue.js";
import { createVoting } from "../../peerassist/live/static/live/votes.js";
import { withDocument } from "./dom.js";
import { MemoryStorage, withWindow } from "./fakes.js";

const S = {
  vote_less: "One dot less on: {note}",
  vote_more: "One dot more on: {note}",
  vote_dots_on: { one: "{n} dot", other: "{n} dots" },
  vote_left: { one: "{n} of your {total} dot left.", other: "{n} of your {total} dots left." },
  vote_queued: "Your dots are kept and will be sent when you are back online.",
  vote_cast_done: "Your dots are in. You can change them until the vote closes.",
  vote_watch: "A vote is open; the results show when the facilitator closes it.",
  vote_open_head: { one: "Vote open: {n} dot each. {ballots} voted so far.", other: "Vote open: {n} dots each. {ballots} voted so far." },
  vote_cast: "Cast my dots",
  vote_recast: "Change my dots",
  vote_close: "Close the vote and show the results",
  vote_results_head: "Vote results ({ballots} voted)",
  vote_total: { one: "{n} dot", other: "{n} dots" },
  vote_need_notes: "Post at least two first.",
  vote_choose: "Notes to vote on",
  vote_dots_label: "Dots per person",
  vote_voters_label: "Who votes",
  vote_voters_everyone: "Home team and visiting peers",
  vote_voters_home: "The home team",
  vote_open: "Open the vote",
};

const OPTIONS = [
  { id: 11, kind: "option", text: "Text messages in three languages" },
  { id: 12, kind: "option", text: "Door-to-door with the parish volunteers" },
  { id: 13, kind: "option", text: "Local radio at the top of the hour" },
];

let document;

beforeEach(() => {
  document = withDocument();
  withWindow(new MemoryStorage());
});

afterEach(() => {
  delete globalThis.document;
  delete globalThis.window;
});

/** A room as votes.js sees it, with one open vote of 3 dots over three options. */
function makeRoom({ role = "visiting_peer", control = false, vote = true } = {}) {
  const ui = { votes: document.createElement("section"), votesBox: { hidden: true } };
  document.body.append(ui.votes);
  const sent = [];
  const acts = [];
  const room = {
    ui,
    S,
    store: new RoomStore("peerassist:live:1:u1"),
    model: {
      room: {
        contributions: OPTIONS.map((c) => ({ ...c })),
        votes: vote
          ? [{ id: 5, status: "open", dots: 3, ballots: 0, note_ids: [11, 12, 13], voter_roles: ["home_peer", "visiting_peer"] }]
          : [],
        my_ballots: {},
      },
    },
    socket: { connected: true, send: (message) => sent.push(message) > 0 },
    me: () => ({ role }),
    may: () => ({ control }),
    kindLabel: (kind) => kind,
    act: (message) => acts.push(message),
  };
  const voting = createVoting(room);
  voting.render();
  return { room, ui, voting, sent, acts };
}

const plus = (ui, id) => ui.votes.querySelector(`li[data-note-id="${id}"] button[data-dot="1"]`);
const status = (ui) => ui.votes.querySelector(".vote-status").textContent;

/** Someone else's ballot arrives: the room model counts it and redraws the panel. */
function otherBallot({ room, voting }) {
  room.model.room.votes[0].ballots += 1;
  voting.render();
}

test("a redraw after someone else's ballot keeps the same button nodes and updates the count", () => {
  const setup = makeRoom();
  const { ui } = setup;
  const before = [...ui.votes.querySelectorAll("button")];
  assert.equal(before.length, 3 * 2 + 1);
  plus(ui, 12).click();
  otherBallot(setup);
  const after = [...ui.votes.querySelectorAll("button")];
  assert.equal(after.length, before.length);
  after.forEach((button, i) => assert.strictEqual(button, before[i]));
  assert.match(ui.votes.querySelector(".vote-head").textContent, /1 voted so far/);
  assert.equal(status(ui), "2 of your 3 dots left.");
  assert.equal(ui.votes.querySelector('li[data-note-id="12"] .vote-count').textContent, "●");
  assert.equal(ui.votesBox.hidden, false);
});

test("a click pressed before a redraw and released after it still counts", () => {
  const setup = makeRoom();
  const { ui } = setup;
  // Three quick clicks on "+" while three other people vote: each time the button is
  // taken under the pointer (mousedown), the panel is redrawn, and then released.
  for (let n = 0; n < 3; n++) {
    const pressed = plus(ui, 11);
    otherBallot(setup);
    pressed.click();
  }
  assert.equal(ui.votes.querySelector('li[data-note-id="11"] .vote-count').textContent, "●●●");
  assert.equal(status(ui), "0 of your 3 dots left.");
  // No dots left: every "+" is disabled, every "−" but the one with dots too.
  assert.deepEqual(
    [11, 12, 13].map((id) => plus(ui, id).disabled),
    [true, true, true],
  );
  assert.equal(ui.votes.querySelector('li[data-note-id="11"] button[data-dot="-1"]').disabled, false);
  assert.equal(ui.votes.querySelector('li[data-note-id="12"] button[data-dot="-1"]').disabled, true);
});

test("the keyboard focus stays on the button pressed across redraws", () => {
  const setup = makeRoom();
  const { ui } = setup;
  const button = plus(ui, 13);
  button.focus();
  button.click();
  otherBallot(setup);
  assert.strictEqual(document.activeElement, button);
  button.click();
  assert.strictEqual(document.activeElement, button);
  assert.equal(status(ui), "1 of your 3 dots left.");
});

test("a note's text edited by its author is updated in place, labels included", () => {
  const setup = makeRoom();
  const { ui, room, voting } = setup;
  const button = plus(ui, 11);
  room.model.room.contributions[0].text = "Text messages in four languages";
  voting.render();
  assert.strictEqual(plus(ui, 11), button);
  assert.equal(button.getAttribute("aria-label"), "One dot more on: Text messages in four languages");
  assert.equal(ui.votes.querySelector('li[data-note-id="11"] .vote-text').textContent, "Text messages in four languages");
});

test("casting sends the dots once, and the panel says so without being rebuilt", () => {
  const setup = makeRoom();
  const { ui, sent, voting } = setup;
  plus(ui, 11).click();
  plus(ui, 12).click();
  const panel = ui.votes.firstElementChild ?? ui.votes.children[0];
  ui.votes.querySelector("button[data-cast]").click();
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].dots, { 11: 1, 12: 1 });
  assert.equal(status(ui), S.vote_queued);
  voting.confirmed({ vote_id: 5, client_id: sent[0].client_id, dots: sent[0].dots });
  assert.strictEqual(ui.votes.children[0], panel);
  assert.equal(status(ui), S.vote_cast_done);
  assert.equal(ui.votes.querySelector("button[data-cast]").textContent, "Change my dots");
});

test("closing the vote is a structural change: the open panel gives way to the results", () => {
  const setup = makeRoom();
  const { ui, room, voting } = setup;
  const panel = ui.votes.children[0];
  Object.assign(room.model.room.votes[0], { status: "closed", ballots: 2, results: { 11: 4, 13: 2 } });
  voting.render();
  assert.notStrictEqual(ui.votes.children[0], panel);
  const results = ui.votes.children[0];
  assert.equal(results.getAttribute("data-testid"), "vote-results");
  assert.deepEqual(
    results.querySelectorAll("li .vote-total").map((n) => n.textContent),
    ["4 dots", "2 dots", "0 dots"],
  );
  // Redrawn again with nothing new: the results stay the same nodes.
  voting.render();
  assert.strictEqual(ui.votes.children[0], results);
});

test("the facilitator's setup form keeps its nodes and choices while unrelated events redraw it", () => {
  const setup = makeRoom({ role: "facilitator", control: true, vote: false });
  const { ui, room, voting, acts } = setup;
  const form = ui.votes.children[0];
  const box = ui.votes.querySelector('input[data-vote-note][value="12"]');
  box.checked = true;
  voting.render(); // e.g. someone joined
  assert.strictEqual(ui.votes.children[0], form);
  // A new option arrives: the form is rebuilt, with the choice kept.
  room.model.room.contributions.push({ id: 14, kind: "option", text: "Sirens" });
  voting.render();
  assert.notStrictEqual(ui.votes.children[0], form);
  assert.equal(ui.votes.querySelector('input[data-vote-note][value="12"]').checked, true);
  assert.equal(ui.votes.querySelector('input[data-vote-note][value="14"]').checked, false);
  ui.votes.querySelector('input[data-vote-note][value="14"]').checked = true;
  ui.votes.children[0].dispatchEvent({ type: "submit" });
  assert.deepEqual(acts, [{ type: "vote_open", contribution_ids: [12, 14], dots: 3, voters: "everyone" }]);
});
