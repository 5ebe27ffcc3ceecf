// The live room (participant and facilitator view).
//
// How nothing typed is lost — the queue and the replay:
// * A post gets a client_id (UUID) and goes into the outbox in localStorage (per assist and
//   user) BEFORE it is shown or sent; it leaves the outbox only when its `ack` arrives. So a
//   note typed offline, or just before a reload or a crash, is still there afterwards.
// * On every (re)connect the client sends `hello` with the last seq it applied (kept in
//   localStorage with a snapshot of the room), then re-sends every queued post with the
//   same client_id: the server stores each client_id once and answers a retry with the
//   saved note. Posts unanswered for 10 s on an open socket are re-sent the same way.
// * Events are applied strictly in seq order (early ones wait in a buffer; a gap that does
//   not fill triggers a reconnect, hence a replay); seq <= last applied is ignored; a fresh
//   `state` replaces everything.
// * The socket reconnects with backoff (0.5 s doubling to 10 s, jittered), at once on the
//   browser's `online` event, and pings every 20 s.

import { makeAnnouncer } from "./announcer.js";
import { createBoard } from "./board.js";
import { createComposer } from "./composer.js";
import { createControls } from "./controls.js";
import { Countdown, ServerClock } from "./countdown.js";
import { RoomModel } from "./model.js";
import { Outbox, RoomStore } from "./queue.js";
import { readJson } from "./render.js";
import { LiveSocket } from "./socket.js";
import { renderPresence, renderStatus, showAlert } from "./status.js";
import { createVoting } from "./votes.js";

const root = document.querySelector("[data-live-room]");
if (root) start(root);

// The parts of the page, found once.
function findParts(root) {
  const $ = (selector) => root.querySelector(selector);
  return {
    status: $("[data-connection-status]"),
    reconnect: $("[data-reconnect]"),
    alert: $("[data-alert]"),
    announcer: $("[data-announcer]"),
    step: $("[data-current-step]"),
    agenda: $("[data-agenda]"),
    controls: $("[data-controls]"),
    controlsOffline: $("[data-controls-offline]"),
    prompts: $("[data-prompts]"),
    promptList: $("[data-prompt-list]"),
    why: $("[data-rights-why]"),
    rightsList: $("[data-rights-list]"),
    presence: $("[data-presence]"),
    presenceCount: $("[data-presence-count]"),
    composer: $("[data-composer]"),
    fields: $("[data-composer-fields]"),
    reason: $("[data-composer-reason]"),
    kind: $("[data-composer-kind]"),
    question: $("[data-composer-question]"),
    group: $("[data-composer-group]"),
    behalfField: $("[data-behalf-field]"),
    behalf: $("[data-composer-behalf]"),
    behalfNext: $("[data-behalf-next]"),
    anonymousField: $("[data-anonymous-field]"),
    anonymous: $("[data-composer-anonymous]"),
    anonymousStep: $("[data-anonymous-step]"),
    projectorUrl: $("[data-projector-url]"),
    copyProjector: $("[data-copy-projector]"),
    copyProjectorStatus: $("[data-copy-projector-status]"),
    text: $("[data-composer-text]"),
    count: $("[data-composer-count]"),
    error: $("[data-composer-error]"),
    board: $("[data-board]"),
    votesBox: $("[data-votes-box]"),
    votes: $("[data-votes]"),
    boardCount: $("[data-board-count]"),
    countdown: $("[data-countdown]"),
    countdownNote: $("[data-countdown-note]"),
  };
}

function start(root) {
  const S = readJson("live-strings");
  const KINDS = readJson("live-kinds");
  const FOCUS = readJson("live-focus-questions");
  const ui = findParts(root);
  const store = new RoomStore(`peerassist:live:${root.dataset.assistId}:${root.dataset.userKey}`);
  const outbox = new Outbox(store);
  const serverClock = new ServerClock();
  const lastSent = new Map(); // client_id -> time it was last sent on the current socket
  const announce = makeAnnouncer(ui.announcer);
  const countdown = new Countdown({ element: ui.countdown, label: ui.countdownNote, serverClock, strings: S, announce });

  // What every part of the page shares: the strings, the parts, the model and the socket,
  // what this person may do, and how to send and redraw.
  const room = {
    S,
    KINDS,
    ui,
    store,
    outbox,
    language: document.documentElement.lang || undefined,
    // Why the server turned this socket away (its "error" message before closing with 4429).
    connection: { refused: false, limitReason: "", refusedReason: "" },
    model: null,
    socket: null,
    me: () => (room.model.room && room.model.room.me) || {},
    may: () => room.me().may || {},
    kindLabel: (kind) => KINDS[kind] || kind,
    focusQuestions() {
      const state = room.model.room;
      return state && Array.isArray(state.focus_questions) ? state.focus_questions : FOCUS;
    },
    allowedKinds() {
      const m = room.may();
      if (Array.isArray(m.kinds) && m.kinds.length) return m.kinds;
      const step = room.model.currentStep();
      if (step && Array.isArray(step.contribution_kinds) && step.contribution_kinds.length) {
        return step.contribution_kinds;
      }
      return Object.keys(KINDS);
    },
    act(message) {
      if (!room.socket.send(message)) {
        showAlert(room, S.offline_action);
        return false;
      }
      showAlert(room, "");
      return true;
    },
    flush,
    view: {
      all: renderAll,
      board: () => board.render(),
      status: () => renderStatus(room),
      presence: () => renderPresence(room),
      rights: () => composer.renderRights(),
      timer: () => controls.renderTimer(),
    },
  };

  let saveTimer = 0;
  const saveSnapshot = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const snapshot = model.snapshot();
      if (snapshot) store.write("snapshot", snapshot);
    }, 500);
  };

  const model = new RoomModel({
    snapshot: store.read("snapshot", null),
    resync: () => socket.restart(),
    onChange(what) {
      saveSnapshot();
      if (what === "state") renderAll();
      else if (what === "timer") {
        composer.resetQuestionOnNewStep();
        room.view.timer();
        room.view.board();
      } else if (what === "contributions") {
        room.view.board();
        voting.render(); // the vote lists notes by their text, and its setup the notes to choose
      }
      else if (what === "votes") voting.render();
      else if (what === "anonymous") {
        room.view.rights();
        room.view.board();
      }
      else if (what === "presence") room.view.presence();
      else if (what === "me") {
        room.view.rights();
        room.view.board();
        voting.render();
      }
    },
  });
  room.model = model;

  let firstHello = true;
  const socket = new LiveSocket({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${root.dataset.wsPath}`,
    onOpen() {
      lastSent.clear();
      // The page's first hello asks for the whole room: the stored snapshot shows the room at
      // once (offline too), but what changes without an event (the breakout groups made on
      // the People page, the agenda) would stay as it was when the snapshot was taken.
      // Reconnects within the page ask only for the events they missed.
      socket.send({ type: "hello", last_seq: model.room && !firstHello ? model.lastSeq : 0 });
      firstHello = false;
      flush();
      voting.flush();
    },
    onMessage: receive,
    onStatus: () => room.view.status(),
    onRefused(code, reason) {
      room.connection.refused = true;
      if (code !== 4429) room.connection.limitReason = "";
      // Why the server closed the room to this person (a short code, see consumers.py).
      room.connection.refusedReason =
        reason === "deactivated" ? S.refused_deactivated : reason === "two_factor_required" ? S.refused_two_factor : "";
      room.view.status();
    },
  });
  room.socket = socket;

  const controls = createControls(room, { countdown, announce });
  const composer = createComposer(room);
  const board = createBoard(room, { composer });
  const voting = createVoting(room);

  // --- Messages from the server --------------------------------------------------------

  function receive(message) {
    if (message.server_time) serverClock.observe(message.server_time);
    switch (message.type) {
      case "state":
        model.applyState(message);
        break;
      case "event":
        model.applyEvent(message);
        break;
      case "ack":
        outbox.remove(message.client_id);
        lastSent.delete(message.client_id);
        if (model.upsert(message.contribution)) saveSnapshot();
        room.view.board();
        room.view.status();
        break;
      case "me": {
        const { type, ...me } = message;
        model.setMe(me);
        break;
      }
      case "presence":
        model.setPresence(message.presence);
        break;
      case "presence.changed":
        model.changePresence(message);
        break;
      case "ballot":
        voting.confirmed(message);
        break;
      case "error":
        if (message.vote_id !== undefined) {
          voting.refused(message.vote_id);
          showAlert(room, message.message);
        } else if (message.code === "too_many_connections" || message.code === "room_full") {
          room.connection.limitReason = message.message || ""; // shown as the connection status, once
        } else if (message.client_id && outbox.all().some((i) => i.message.client_id === message.client_id)) {
          outbox.markFailed(message.client_id, { code: message.code, message: message.message });
          lastSent.delete(message.client_id);
          room.view.board();
          room.view.status();
        } else {
          showAlert(room, message.message);
        }
        break;
      default:
        break; // pong: the clock offset is all it brings
    }
  }

  // --- Sending -------------------------------------------------------------------------

  function flush() {
    const now = Date.now();
    for (const item of outbox.sendable()) {
      const sent = lastSent.get(item.message.client_id);
      if (sent && now - sent < 10_000) continue;
      if (!socket.send(item.message)) break;
      lastSent.set(item.message.client_id, now);
    }
    room.view.status();
  }
  setInterval(() => {
    if (socket.connected) flush();
  }, 5_000);

  function renderAll() {
    voting.render();
    room.view.timer();
    room.view.rights();
    room.view.presence();
    room.view.board();
    room.view.status();
  }

  ui.reconnect.addEventListener("click", () => socket.reconnectNow());

  // Another tab of the same room queued or sent a note: show the shared queue as it is.
  window.addEventListener("storage", (event) => {
    if (store.concerns(event) && event.key.endsWith(":outbox")) {
      room.view.board();
      room.view.status();
    }
  });
  window.addEventListener("pagehide", () => {
    const snapshot = model.snapshot();
    if (snapshot) store.write("snapshot", snapshot);
    composer.saveDraft();
  });

  if (model.room) renderAll();
  else {
    room.view.board();
    room.view.status();
  }
  composer.updateCount();
  socket.start();
}
