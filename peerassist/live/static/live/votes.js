// Dot-voting in the room. The facilitator picks notes and opens a vote with N dots per
// person; voters place their dots and cast one ballot. The ballot is kept in localStorage
// (with its client_id) until the server confirms it, so one cast offline is sent when the
// room is back and counted once. Results appear when the facilitator closes the vote.

import { newClientId } from "./queue.js";
import { format, h } from "./render.js";

const VOTABLE = new Set(["option", "recommendation", "action_idea", "insight"]);

// Writes that touch the DOM only when the value changes, so an aria-live region is not
// re-announced and a button is not disturbed when nothing about it changed.
function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

function setAttr(node, name, value) {
  if (node && node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function setDisabled(node, disabled) {
  if (node && node.disabled !== disabled) node.disabled = disabled;
}

export function createVoting(room) {
  const { ui, S, model, store } = room;
  const draft = new Map(); // vote id -> {note id: dots} being placed, not cast yet

  const pending = () => store.read("ballots", {}) || {};
  const savePending = (ballots) => store.write("ballots", ballots);

  function votes() {
    return (model.room && Array.isArray(model.room.votes) && model.room.votes) || [];
  }

  function noteText(id) {
    const note = ((model.room && model.room.contributions) || []).find((c) => c.id === id);
    return note ? note.text : "";
  }

  function myBallot(vote) {
    const queued = pending()[vote.id];
    if (queued) return { dots: queued.dots, queued: true };
    const saved = model.room && model.room.my_ballots ? model.room.my_ballots[vote.id] : null;
    return saved ? { dots: saved.dots, queued: false } : null;
  }

  function mayVote(vote) {
    return vote.status === "open" && (vote.voter_roles || []).includes(room.me().role);
  }

  /** Send every ballot not confirmed yet (on connect and after casting). */
  function flush() {
    for (const [voteId, ballot] of Object.entries(pending())) {
      if (!room.socket.send({ type: "vote_cast", vote_id: Number(voteId), client_id: ballot.client_id, dots: ballot.dots })) break;
    }
  }

  /** The server's answer to a ballot: stored (`ballot`) or refused (`error` with vote_id). */
  function confirmed(message) {
    const ballots = pending();
    delete ballots[message.vote_id];
    savePending(ballots);
    if (model.room) {
      model.room.my_ballots = { ...(model.room.my_ballots || {}), [message.vote_id]: { client_id: message.client_id, dots: message.dots } };
    }
    draft.delete(message.vote_id);
    render();
  }

  function refused(voteId) {
    const ballots = pending();
    delete ballots[voteId];
    savePending(ballots);
    render();
  }

  function allocation(vote) {
    if (!draft.has(vote.id)) {
      const mine = myBallot(vote);
      draft.set(vote.id, { ...((mine && mine.dots) || {}) });
    }
    return draft.get(vote.id);
  }

  function used(dots) {
    return Object.values(dots).reduce((n, v) => n + v, 0);
  }

  // The open vote's panel is built once and then updated in place: the room redraws it on
  // every event (someone else's ballot, a new note), and a panel rebuilt between the
  // mousedown and the mouseup of a click on "+" lost that click (issue 16), and moved the
  // keyboard focus off the button pressed.
  function openVoteView(vote) {
    const canVote = mayVote(vote);
    const items = vote.note_ids.map((id) =>
      h(
        "li",
        { className: "vote-option", dataset: { noteId: id, testid: "vote-option" } },
        h("span", { className: "vote-text" }),
        canVote
          ? h(
              "span",
              { className: "vote-dots" },
              h("button", { type: "button", className: "secondary", text: "−", dataset: { dot: "-1" } }),
              h("span", { className: "vote-count", "aria-live": "polite", dataset: { testid: "vote-count" } }),
              h("button", { type: "button", className: "secondary", text: "+", dataset: { dot: "1" } }),
            )
          : null,
      ),
    );
    const view = h(
      "div",
      { className: "vote open", dataset: { voteId: vote.id, testid: "vote-open" } },
      h("p", { className: "vote-head" }),
      h("ol", { className: "vote-options" }, ...items),
      h("p", { className: "help vote-status", "aria-live": "polite", dataset: { testid: "vote-status" } }),
      canVote ? h("p", {}, h("button", { type: "button", dataset: { cast: "" } })) : null,
      room.may().control ? h("p", {}, h("button", { type: "button", className: "secondary", text: S.vote_close, dataset: { close: "" } })) : null,
    );
    fillOpenVote(view, vote);
    return view;
  }

  /** Counts, labels and disabled states of an open vote's panel, written only where changed. */
  function fillOpenVote(view, vote) {
    const dots = allocation(vote);
    const left = vote.dots - used(dots);
    const mine = myBallot(vote);
    const canVote = mayVote(vote);
    setText(view.querySelector(".vote-head"), format(S.vote_open_head, {
        n: vote.dots,
        ballots: vote.ballots,
        voted: format(S.voted_so_far, { count: vote.ballots }),
      }));
    for (const item of view.querySelectorAll("li[data-note-id]")) {
      const id = Number(item.dataset.noteId);
      const n = dots[id] || 0;
      const text = noteText(id);
      setText(item.querySelector(".vote-text"), text);
      const less = item.querySelector('button[data-dot="-1"]');
      if (!less) continue;
      const more = item.querySelector('button[data-dot="1"]');
      const count = item.querySelector(".vote-count");
      setAttr(less, "aria-label", format(S.vote_less, { note: text }));
      setAttr(more, "aria-label", format(S.vote_more, { note: text }));
      setText(count, "●".repeat(n) || "0");
      setAttr(count, "aria-label", format(S.vote_dots_on, { n }));
      setDisabled(less, n === 0);
      setDisabled(more, left <= 0);
    }
    const status = mine
      ? mine.queued
        ? S.vote_queued
        : S.vote_cast_done
      : canVote
        ? format(S.vote_left, { n: left, total: vote.dots, count: vote.dots })
        : S.vote_watch;
    setText(view.querySelector(".vote-status"), status);
    const cast = view.querySelector("button[data-cast]");
    if (cast) {
      setText(cast, mine ? S.vote_recast : S.vote_cast);
      setDisabled(cast, used(dots) === 0);
    }
    const close = view.querySelector("button[data-close]");
    if (close) setDisabled(close, !room.socket.connected);
  }

  function resultsView(vote) {
    const results = vote.results || {};
    const rows = vote.note_ids.map((id) => [id, results[id] || 0]).sort((a, b) => b[1] - a[1]);
    const top = Math.max(1, ...rows.map((r) => r[1]));
    return h(
      "div",
      { className: "vote closed", dataset: { voteId: vote.id, testid: "vote-results" } },
      h("p", { className: "vote-head", text: format(S.vote_results_head, { ballots: vote.ballots, count: vote.ballots }) }),
      h(
        "ol",
        { className: "vote-results" },
        ...rows.map(([id, n]) =>
          h(
            "li",
            { dataset: { noteId: id } },
            h("span", { className: "vote-text", text: noteText(id) }),
            " ",
            h("strong", { className: "vote-total", text: format(S.vote_total, { n }) }),
            h("meter", { className: "vote-bar", min: 0, max: top, value: n, "aria-hidden": "true" }),
          ),
        ),
      ),
    );
  }

  function setupView() {
    const notes = setupNotes();
    if (notes.length < 2) return h("p", { className: "help", text: S.vote_need_notes });
    return h(
      "form",
      { className: "vote-setup", dataset: { voteSetup: "" } },
      h(
        "fieldset",
        {},
        h("legend", { text: S.vote_choose }),
        ...notes.map((c) =>
          h(
            "p",
            { className: "check-field" },
            h("input", { type: "checkbox", id: `vote-note-${c.id}`, value: String(c.id), dataset: { voteNote: "" } }),
            h("label", { htmlFor: `vote-note-${c.id}`, text: `${room.kindLabel(c.kind)}: ${c.text.length > 90 ? `${c.text.slice(0, 89)}…` : c.text}` }),
          ),
        ),
      ),
      h(
        "p",
        { className: "field" },
        h("label", { htmlFor: "vote-dots", text: S.vote_dots_label }),
        h("input", { type: "number", id: "vote-dots", min: "1", max: "10", value: "3", dataset: { voteDots: "" } }),
      ),
      h(
        "p",
        { className: "field" },
        h("label", { htmlFor: "vote-voters", text: S.vote_voters_label }),
        h(
          "select",
          { id: "vote-voters", dataset: { voteVoters: "" } },
          h("option", { value: "everyone", text: S.vote_voters_everyone }),
          h("option", { value: "home_team", text: S.vote_voters_home }),
        ),
      ),
      h("p", {}, h("button", { type: "submit", text: S.vote_open, disabled: !room.socket.connected })),
    );
  }

  function setupNotes() {
    return ((model.room && model.room.contributions) || []).filter((c) => !c.deleted && !c.merged_into && VOTABLE.has(c.kind));
  }

  /** What the panel is made of: a part is rebuilt only when its key changes, else updated. */
  function parts() {
    const all = votes();
    const open = all.find((v) => v.status === "open");
    const closed = all.filter((v) => v.status === "closed").slice(-1);
    const list = [];
    if (open) {
      list.push({
        key: JSON.stringify(["open", open.id, open.dots, open.note_ids, mayVote(open), Boolean(room.may().control)]),
        build: () => openVoteView(open),
        update: (view) => fillOpenVote(view, open),
      });
    } else if (room.may().control) {
      const notes = setupNotes();
      list.push({
        key: JSON.stringify(["setup", notes.map((c) => [c.id, c.kind, c.text])]),
        build: setupView,
        update: (view) => {
          const submit = view.querySelector('button[type="submit"]');
          if (submit) setDisabled(submit, !room.socket.connected);
        },
      });
    }
    for (const vote of closed.reverse()) {
      list.push({
        key: JSON.stringify(["closed", vote.id, vote.ballots, vote.results, vote.note_ids.map((id) => [id, noteText(id)])]),
        build: () => resultsView(vote),
        update: () => {},
      });
    }
    return { list, open, closed };
  }

  const shown = new Map(); // part key -> its element on screen

  function render() {
    if (!ui.votes) return;
    // A rebuilt setup form keeps what the facilitator has already chosen in it.
    const chosen = new Set([...ui.votes.querySelectorAll("input[data-vote-note]:checked")].map((i) => i.value));
    const dotsField = ui.votes.querySelector("[data-vote-dots]");
    const votersField = ui.votes.querySelector("[data-vote-voters]");
    const kept = { dots: dotsField && dotsField.value, voters: votersField && votersField.value };
    const { list, open, closed } = parts();
    const elements = list.map((part) => {
      const current = shown.get(part.key);
      if (current && current.parentNode === ui.votes) {
        part.update(current);
        return current;
      }
      return part.build();
    });
    shown.clear();
    list.forEach((part, i) => shown.set(part.key, elements[i]));
    const same = elements.length === ui.votes.children.length && elements.every((e, i) => ui.votes.children[i] === e);
    if (!same) {
      ui.votes.replaceChildren(...elements);
      for (const input of ui.votes.querySelectorAll("input[data-vote-note]")) input.checked = chosen.has(input.value);
      const newDots = ui.votes.querySelector("[data-vote-dots]");
      if (kept.dots && newDots && newDots !== dotsField) newDots.value = kept.dots;
      const newVoters = ui.votes.querySelector("[data-vote-voters]");
      if (kept.voters && newVoters && newVoters !== votersField) newVoters.value = kept.voters;
    }
    ui.votesBox.hidden = elements.length === 0 || (!open && !closed.length && !room.may().control);
  }

  if (ui.votes) {
    ui.votes.addEventListener("click", (event) => {
      const box = event.target.closest("[data-vote-id]");
      const vote = box && votes().find((v) => String(v.id) === box.dataset.voteId);
      if (!vote) return;
      const dotButton = event.target.closest("button[data-dot]");
      if (dotButton) {
        const id = Number(dotButton.closest("[data-note-id]").dataset.noteId);
        const dots = allocation(vote);
        const next = Math.max(0, (dots[id] || 0) + Number(dotButton.dataset.dot));
        if (Number(dotButton.dataset.dot) > 0 && used(dots) >= vote.dots) return;
        if (next) dots[id] = next;
        else delete dots[id];
        render(); // in place: the button pressed keeps the focus (unless it is now disabled)
      } else if (event.target.closest("button[data-cast]")) {
        const ballots = pending();
        ballots[vote.id] = { client_id: newClientId(), dots: { ...allocation(vote) } };
        savePending(ballots);
        flush();
        render();
      } else if (event.target.closest("button[data-close]")) {
        room.act({ type: "vote_close", vote_id: vote.id });
      }
    });
    ui.votes.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      const ids = [...form.querySelectorAll("input[data-vote-note]:checked")].map((i) => Number(i.value));
      room.act({
        type: "vote_open",
        contribution_ids: ids,
        dots: Number(form.querySelector("[data-vote-dots]").value),
        voters: form.querySelector("[data-vote-voters]").value,
      });
    });
  }

  return { render, flush, confirmed, refused };
}
