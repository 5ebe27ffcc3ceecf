// The projector: read only, large type, follows the facilitator. It keeps the last applied
// seq in memory only (a projector has nothing of its own to lose) and replays on reconnect.

import { makeAnnouncer, makeStepHeader } from "./announcer.js";
import { Countdown, ServerClock } from "./countdown.js";
import { RoomModel } from "./model.js";
import { createPager } from "./pager.js";
import { format, h, keyedNodes, linkify, readJson, showNodes } from "./render.js";
import { LiveSocket } from "./socket.js";

const LATEST = 6;
const QUESTIONS = 6;

const root = document.querySelector("[data-projector]");
if (root) start(root);

function start(root) {
  const S = readJson("live-strings");
  const KINDS = readJson("live-kinds");
  const $ = (selector) => root.querySelector(selector);
  const ui = {
    status: $("[data-connection-status]"),
    announcer: $("[data-announcer]"),
    step: $("[data-current-step]"),
    latest: $("[data-latest]"),
    starred: $("[data-starred]"),
    questionsBox: $("[data-questions-box]"),
    votesBox: $("[data-votes-box]"),
    voteHead: $("[data-vote-head]"),
    voteList: $("[data-vote-list]"),
    questions: $("[data-questions]"),
  };
  const serverClock = new ServerClock();
  let closed = false;

  // Every starred note, in pages that fit the screen (not the last few, cut off at the bottom).
  const starredPager = createPager(ui.starred, { indicator: $("[data-starred-page]"), strings: S });
  const announce = makeAnnouncer(ui.announcer);
  const countdown = new Countdown({ element: $("[data-countdown]"), label: $("[data-countdown-note]"), serverClock, strings: S, announce });
  const showStep = makeStepHeader({ element: ui.step, countdown, announce, strings: S });

  const model = new RoomModel({
    resync: () => socket.restart(),
    onChange: () => render(),
  });

  const socket = new LiveSocket({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${root.dataset.wsPath}`,
    onOpen() {
      socket.send({ type: "hello", last_seq: model.room ? model.lastSeq : 0 });
    },
    onMessage(message) {
      if (message.server_time) serverClock.observe(message.server_time);
      if (message.type === "state") model.applyState(message);
      else if (message.type === "event") model.applyEvent(message);
      else if (message.type === "presence") model.setPresence(message.presence);
      else if (message.type === "presence.changed") model.changePresence(message);
    },
    onStatus: renderStatus,
    onRefused() {
      closed = true;
      renderStatus();
    },
  });

  function renderStatus() {
    ui.status.textContent = closed ? S.projector_closed : socket.connected ? "" : S.projector_offline;
    ui.status.hidden = !ui.status.textContent;
  }

  // A breakout group's screen shows that group's notes, and in a plenary step (one that gives
  // spokespeople a say) the notes of every group; each note names its group.
  const groupId = root.dataset.groupId ? Number(root.dataset.groupId) : null;
  const groupName = (id) => {
    const found = ((model.room && model.room.groups) || []).find((g) => g.id === id);
    return found ? found.name : "";
  };
  const groupLanguage = (id) => {
    const found = ((model.room && model.room.groups) || []).find((g) => g.id === id);
    return (found && found.language) || null;
  };
  const isPlenary = (step) => Boolean(step && step.kinds_by_role && (step.kinds_by_role.spokesperson || []).length);
  const onThisScreen = (c, step) => groupId === null || c.group_id === groupId || isPlenary(step);

  // Kind labels come from the page when it has them, else from the value itself.
  const kindLabel = (kind) => KINDS[kind] || String(kind || "").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

  // Questions as they come: open ones first, the most upvoted on top; nobody is named for
  // an anonymous one.
  function question(c) {
    return h(
      "li",
      { className: `note question${c.answered ? " answered" : ""}`, dataset: { testid: "projector-question", id: c.id } },
      h(
        "p",
        { className: "note-meta" },
        h("span", { className: "upvote-count", text: `▲ ${c.upvotes || 0}`, "aria-label": format(S.upvotes, { n: c.upvotes || 0 }) }),
        " ",
        h("span", { className: "note-author", text: c.anonymous ? S.anonymous : (c.author && c.author.name) || "" }),
        c.answered ? h("span", { className: "answered-mark", text: ` · ${S.answered}` }) : null,
      ),
      h("p", { className: "note-text", lang: c.group_id ? groupLanguage(c.group_id) : null }, linkify(c.text || "")),
    );
  }

  // The open vote's notes and how many have voted; once closed, its results.
  function renderVotes(room) {
    const votes = room.votes || [];
    const vote = votes.find((v) => v.status === "open") || votes.filter((v) => v.status === "closed").at(-1);
    ui.votesBox.hidden = !vote;
    if (!vote) return;
    const text = (id) => ((room.contributions || []).find((c) => c.id === id) || {}).text || "";
    if (vote.status === "open") {
      ui.voteHead.textContent = format(S.vote_projector_open, { count: vote.ballots });
      ui.voteList.replaceChildren(...vote.note_ids.map((id) => h("li", { text: text(id) })));
      return;
    }
    const results = vote.results || {};
    const rows = vote.note_ids.map((id) => [id, results[id] || 0]).sort((a, b) => b[1] - a[1]);
    const top = Math.max(1, ...rows.map((r) => r[1]));
    ui.voteHead.textContent = format(S.vote_results_head, { count: vote.ballots });
    ui.voteList.replaceChildren(
      ...rows.map(([id, n]) =>
        h(
          "li",
          { dataset: { testid: "projector-vote-result" } },
          h("span", { className: "vote-text", text: text(id) }),
          " ",
          h("strong", { className: "vote-total", text: format(S.vote_total, { n }) }),
          h("meter", { className: "vote-bar", min: 0, max: top, value: n, "aria-hidden": "true" }),
        ),
      ),
    );
  }

  function note(c) {
    return h(
      "li",
      { className: `note${c.starred ? " starred" : ""}`, dataset: { testid: "contribution", id: c.id, clientId: c.client_id } },
      h(
        "p",
        { className: "note-meta" },
        h("span", { className: "tag kind", text: kindLabel(c.kind) }),
        " ",
        h("span", { className: "note-author", text: (c.author && c.author.name) || "" }),
        c.group_id ? h("span", { className: "note-group", dataset: { testid: "note-group" }, text: ` · ${groupName(c.group_id)}` }) : null,
        c.starred ? h("span", { className: "star-mark" }, h("span", { "aria-hidden": "true", text: " ★ " }), S.starred) : null,
      ),
      h("p", { className: "note-text", lang: c.group_id ? groupLanguage(c.group_id) : null }, linkify(c.text || "")),
    );
  }

  // Every room event redraws the screen; a note's node is re-created only when what it
  // shows changed (a list kept per place: one node cannot be in two lists).
  const latestNodes = new Map();
  const starredNodes = new Map();
  const noteSignature = (c) =>
    JSON.stringify([c.kind, Boolean(c.starred), (c.author && c.author.name) || "", c.group_id ? groupName(c.group_id) : "", c.text || ""]);
  const notes = (cache, list) => keyedNodes(cache, list, (c) => c.id, noteSignature, note);
  const emptyLatest = h("li", { className: "muted empty-notes", text: S.no_notes_step });
  const emptyStarred = h("li", { className: "muted empty-notes", text: S.no_notes });

  function render() {
    const room = model.room;
    if (!room) return;
    const timer = room.timer || {};
    const step = model.currentStep();
    showStep(step, timer);
    // In a plenary the starred notes of every group are the screen's main content.
    root.classList.toggle("plenary", isPlenary(step));

    const visible = (room.contributions || []).filter((c) => !c.deleted && !c.merged_into && onThisScreen(c, step));
    const latest = visible.filter((c) => step && c.step_id === step.id).slice(-LATEST);
    const starred = visible.filter((c) => c.starred);
    showNodes(ui.latest, latest.length ? notes(latestNodes, latest) : [emptyLatest]);
    starredPager.show(starred.length ? notes(starredNodes, starred) : [emptyStarred]);
    renderVotes(room);
    const asked = visible
      .filter((c) => c.kind === "question")
      .sort((a, b) => Number(Boolean(a.answered)) - Number(Boolean(b.answered)) || (b.upvotes || 0) - (a.upvotes || 0))
      .slice(0, QUESTIONS);
    ui.questionsBox.hidden = asked.length === 0 && !model.anonymousNow();
    ui.questions.replaceChildren(...(asked.length ? asked.map(question) : [h("li", { className: "muted empty-notes", text: S.no_questions })]));
  }

  renderStatus();
  socket.start();
}
