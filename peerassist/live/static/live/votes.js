// Dot-voting in the room. The facilitator picks notes and opens a vote with N dots per
// person; voters place their dots and cast one ballot. The ballot is kept in localStorage
// (with its client_id) until the server confirms it, so one cast offline is sent when the
// room is back and counted once. Results appear when the facilitator closes the vote.

import { newClientId } from "./queue.js";
import { format, h } from "./render.js";

const VOTABLE = new Set(["option", "recommendation", "action_idea", "insight"]);

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

  function openVoteView(vote) {
    const dots = allocation(vote);
    const left = vote.dots - used(dots);
    const mine = myBallot(vote);
    const canVote = mayVote(vote);
    const items = vote.note_ids.map((id) => {
      const n = dots[id] || 0;
      return h(
        "li",
        { className: "vote-option", dataset: { noteId: id, testid: "vote-option" } },
        h("span", { className: "vote-text", text: noteText(id) }),
        canVote
          ? h(
              "span",
              { className: "vote-dots" },
              h("button", { type: "button", className: "secondary", text: "−", "aria-label": format(S.vote_less, { note: noteText(id) }), dataset: { dot: "-1" }, disabled: n === 0 }),
              h("span", { className: "vote-count", "aria-live": "polite", text: "●".repeat(n) || "0", "aria-label": format(S.vote_dots_on, { n }) }),
              h("button", { type: "button", className: "secondary", text: "+", "aria-label": format(S.vote_more, { note: noteText(id) }), dataset: { dot: "1" }, disabled: left <= 0 }),
            )
          : null,
      );
    });
    const status = mine
      ? mine.queued
        ? S.vote_queued
        : S.vote_cast_done
      : canVote
        ? format(S.vote_left, { n: left, total: vote.dots, count: vote.dots })
        : S.vote_watch;
    return h(
      "div",
      { className: "vote open", dataset: { voteId: vote.id, testid: "vote-open" } },
      h("p", { className: "vote-head", text: format(S.vote_open_head, { n: vote.dots, ballots: vote.ballots }) }),
      h("ol", { className: "vote-options" }, ...items),
      h("p", { className: "help", "aria-live": "polite", text: status }),
      canVote ? h("p", {}, h("button", { type: "button", text: mine ? S.vote_recast : S.vote_cast, dataset: { cast: "" }, disabled: used(dots) === 0 })) : null,
      room.may().control
        ? h("p", {}, h("button", { type: "button", className: "secondary", text: S.vote_close, dataset: { close: "" }, disabled: !room.socket.connected }))
        : null,
    );
  }

  function resultsView(vote) {
    const results = vote.results || {};
    const rows = vote.note_ids.map((id) => [id, results[id] || 0]).sort((a, b) => b[1] - a[1]);
    const top = Math.max(1, ...rows.map((r) => r[1]));
    return h(
      "div",
      { className: "vote closed", dataset: { voteId: vote.id, testid: "vote-results" } },
      h("p", { className: "vote-head", text: format(S.vote_results_head, { ballots: vote.ballots }) }),
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
    const notes = ((model.room && model.room.contributions) || []).filter((c) => !c.deleted && !c.merged_into && VOTABLE.has(c.kind));
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

  function render() {
    if (!ui.votes) return;
    // Redrawn as notes come: keep what the facilitator has already chosen in the setup form.
    const chosen = new Set([...ui.votes.querySelectorAll("input[data-vote-note]:checked")].map((i) => i.value));
    const dotsField = ui.votes.querySelector("[data-vote-dots]");
    const votersField = ui.votes.querySelector("[data-vote-voters]");
    const kept = { dots: dotsField && dotsField.value, voters: votersField && votersField.value };
    const all = votes();
    const open = all.find((v) => v.status === "open");
    const closed = all.filter((v) => v.status === "closed").slice(-1);
    const parts = [];
    if (open) parts.push(openVoteView(open));
    else if (room.may().control) parts.push(setupView());
    parts.push(...closed.reverse().map(resultsView));
    ui.votes.replaceChildren(...parts);
    for (const input of ui.votes.querySelectorAll("input[data-vote-note]")) input.checked = chosen.has(input.value);
    if (kept.dots && ui.votes.querySelector("[data-vote-dots]")) ui.votes.querySelector("[data-vote-dots]").value = kept.dots;
    if (kept.voters && ui.votes.querySelector("[data-vote-voters]")) ui.votes.querySelector("[data-vote-voters]").value = kept.voters;
    ui.votesBox.hidden = parts.length === 0 || (!open && !closed.length && !room.may().control);
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
        render();
        const again = ui.votes.querySelector(`[data-note-id="${id}"] button[data-dot="${dotButton.dataset.dot}"]`);
        if (again && !again.disabled) again.focus();
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
