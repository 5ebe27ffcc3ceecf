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

import { Countdown, ServerClock } from "./countdown.js";
import { RoomModel } from "./model.js";
import { Outbox, RoomStore, newClientId } from "./queue.js";
import { format, h, linkify, readJson, timeOfDay } from "./render.js";
import { LiveSocket } from "./socket.js";

const root = document.querySelector("[data-live-room]");
if (root) start(root);

function start(root) {
  const S = readJson("live-strings");
  const KINDS = readJson("live-kinds");
  const FOCUS = readJson("live-focus-questions");
  let questionStep = null; // the step the composer's focus question was chosen in
  const language = document.documentElement.lang || undefined;
  const $ = (selector) => root.querySelector(selector);
  const assistId = root.dataset.assistId;

  const store = new RoomStore(`peerassist:live:${assistId}:${root.dataset.userKey}`);
  const outbox = new Outbox(store);
  const serverClock = new ServerClock();
  const lastSent = new Map(); // client_id -> time it was last sent on the current socket
  let refused = false;
  // Why the server turned this socket away (its "error" message before closing with 4429).
  let limitReason = "";
  let refusedReason = "";
  let shownStepId; // undefined until the first render: no announcement for the first step

  const ui = {
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
    projectorUrl: $("[data-projector-url]"),
    copyProjector: $("[data-copy-projector]"),
    copyProjectorStatus: $("[data-copy-projector-status]"),
    text: $("[data-composer-text]"),
    count: $("[data-composer-count]"),
    error: $("[data-composer-error]"),
    board: $("[data-board]"),
    boardCount: $("[data-board-count]"),
  };

  // Messages that come together (a new step that starts in its last minute) are read as one.
  let heard = [];
  let announceTimer = 0;
  const announce = (message) => {
    heard.push(message);
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      ui.announcer.textContent = heard.join(" ");
      heard = [];
    }, 100);
  };

  const countdown = new Countdown({
    element: $("[data-countdown]"),
    label: $("[data-countdown-note]"),
    serverClock,
    strings: S,
    announce,
  });

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
        resetQuestionOnNewStep();
        renderTimer();
        renderBoard();
      } else if (what === "contributions") renderBoard();
      else if (what === "presence") renderPresence();
      else if (what === "me") {
        renderRights();
        renderBoard();
      }
    },
  });

  const socket = new LiveSocket({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${root.dataset.wsPath}`,
    onOpen() {
      lastSent.clear();
      socket.send({ type: "hello", last_seq: model.room ? model.lastSeq : 0 });
      flush();
    },
    onMessage: receive,
    onStatus: renderStatus,
    onRefused(code, reason) {
      refused = true;
      if (code !== 4429) limitReason = "";
      // Why the server closed the room to this person (a short code, see consumers.py).
      refusedReason = reason === "deactivated" ? S.refused_deactivated : reason === "two_factor_required" ? S.refused_two_factor : "";
      renderStatus();
    },
  });

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
        renderBoard();
        renderStatus();
        break;
      case "me": {
        const { type, ...me } = message;
        model.setMe(me);
        break;
      }
      case "presence":
        model.setPresence(message.presence);
        break;
      case "error":
        if (message.code === "too_many_connections" || message.code === "room_full") {
          limitReason = message.message || ""; // shown as the connection status, once
        } else if (message.client_id && outbox.all().some((i) => i.message.client_id === message.client_id)) {
          outbox.markFailed(message.client_id, { code: message.code, message: message.message });
          lastSent.delete(message.client_id);
          renderBoard();
          renderStatus();
        } else {
          showAlert(message.message);
        }
        break;
      default:
        break; // pong: the clock offset is all it brings
    }
  }

  function showAlert(message) {
    ui.alert.textContent = message || "";
    ui.alert.hidden = !message;
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
    renderStatus();
  }
  setInterval(() => {
    if (socket.connected) flush();
  }, 5_000);

  function act(message) {
    if (!socket.send(message)) {
      showAlert(S.offline_action);
      return false;
    }
    showAlert("");
    return true;
  }

  // --- Rendering -----------------------------------------------------------------------

  function me() {
    return (model.room && model.room.me) || {};
  }

  function may() {
    return me().may || {};
  }

  function kindLabel(kind) {
    return KINDS[kind] || kind;
  }

  function renderAll() {
    renderTimer();
    renderRights();
    renderPresence();
    renderBoard();
    renderStatus();
  }

  function renderStatus() {
    const pending = outbox.sendable().length;
    const failed = outbox.all().length - pending;
    let text;
    let state;
    if (refused) {
      text = limitReason ? format(S.limited_status, { why: limitReason }) : refusedReason || S.refused_status;
      state = "refused";
    } else if (!socket.connected) {
      text = pending ? format(S.offline, { n: pending }) : model.room ? S.offline_none : S.connecting;
      state = model.room || pending ? "offline" : "connecting";
    } else if (pending) {
      text = S.sending;
      state = "sending";
    } else {
      text = failed ? S.connected : S.saved;
      state = "saved";
    }
    if (failed && !refused) text = `${text} · ${format(S.failed_status, { n: failed })}`;
    if (ui.status.textContent !== text) ui.status.textContent = text;
    ui.status.dataset.state = state;
    ui.reconnect.hidden = socket.connected || refused || state === "connecting";
    if (ui.controls) {
      for (const button of ui.controls.querySelectorAll("button")) button.disabled = !socket.connected;
      ui.controlsOffline.hidden = socket.connected;
    }
    if (socket.connected && ui.alert.textContent === S.offline_action) showAlert("");
  }

  function renderTimer() {
    const room = model.room;
    if (!room) return;
    const timer = room.timer || {};
    const step = model.currentStep();
    ui.step.textContent = step ? step.name : S.no_step;
    countdown.set(step ? timer : null);
    if (shownStepId !== undefined && shownStepId !== timer.step_id && step) {
      announce(format(S.step_now, { step: step.name }));
    }
    shownStepId = timer.step_id ?? null;
    renderAgenda();

    if (ui.controls) {
      const control = Boolean(may().control);
      ui.controls.hidden = !control;
      const status = timer.status || "idle";
      const button = (action) => ui.controls.querySelector(`[data-timer="${action}"]`);
      button("start").hidden = status !== "idle";
      button("pause").hidden = status !== "running";
      button("resume").hidden = status !== "paused";
      // Only the steps the room runs: "before"/"after" steps happen outside the session.
      const steps = (room.agenda || []).filter((s) => s.runnable !== false);
      const index = steps.findIndex((s) => s.id === timer.step_id);
      button("previous").hidden = index <= 0;
      button("next").hidden = steps.length > 0 && index === steps.length - 1;
      const prompts = (step && step.prompt_questions) || [];
      ui.promptList.replaceChildren(...prompts.map((q) => h("li", { text: q })));
      ui.prompts.hidden = prompts.length === 0;
    }
  }

  function renderAgenda() {
    const room = model.room;
    if (!room || !Array.isArray(room.agenda)) return;
    const current = room.timer ? room.timer.step_id : null;
    const control = Boolean(may().control);
    ui.agenda.replaceChildren(
      ...room.agenda.map((step) => {
        const isCurrent = step.id === current;
        return h(
          "li",
          {
            className: isCurrent ? "current" : "",
            dataset: step.concluding
              ? { stepId: step.id, concluding: "" }
              : { stepId: step.id },
            "aria-current": isCurrent ? "step" : null,
          },
          isCurrent ? h("span", { className: "now-badge", text: S.now_badge }) : null,
          h("span", { className: "step-name", text: step.name }),
          " ",
          h("span", { className: "muted", text: format(S.minutes, { n: step.minutes }) }),
          control && !isCurrent && step.runnable !== false
            ? h("button", {
                type: "button",
                className: "link goto",
                text: S.go_to,
                "aria-label": format(S.go_to_label, { step: step.name }),
                dataset: { goto: step.id },
                disabled: !socket.connected,
              })
            : null,
        );
      }),
    );
  }

  function allowedKinds() {
    const m = may();
    if (Array.isArray(m.kinds) && m.kinds.length) return m.kinds;
    const step = model.currentStep();
    if (step && Array.isArray(step.contribution_kinds) && step.contribution_kinds.length) {
      return step.contribution_kinds;
    }
    return Object.keys(KINDS);
  }

  function renderRights() {
    const room = model.room;
    if (!room) return;
    const m = may();
    const who = me();
    const lines = [];
    if (who.role && S.roles[who.role]) lines.push(format(S.your_role, { role: S.roles[who.role] }));
    lines.push(
      m.post
        ? format(S.may_post, { kinds: allowedKinds().map(kindLabel).join(", ") })
        : S.may_not_post,
    );
    if (m.star) lines.push(S.may_star);
    if (m.edit_any) lines.push(S.may_edit_any);
    else if (m.post) lines.push(S.may_edit_own);
    if (m.on_behalf) lines.push(S.may_behalf);
    if (m.control) lines.push(S.may_control);
    ui.why.textContent = who.why || "";
    ui.rightsList.replaceChildren(...lines.map((line) => h("li", { text: line })));

    // The composer: open only when the step lets this person post.
    ui.fields.disabled = !m.post;
    ui.reason.textContent = m.post ? "" : format(S.composer_closed, { why: who.why || S.may_not_post });
    ui.reason.hidden = Boolean(m.post);
    const kinds = allowedKinds();
    const chosen = ui.kind.value;
    ui.kind.replaceChildren(...kinds.map((k) => h("option", { value: k, text: kindLabel(k) })));
    if (kinds.includes(chosen)) ui.kind.value = chosen;
    if (ui.behalfField) ui.behalfField.hidden = !m.on_behalf;
    if (ui.behalf && !m.on_behalf) ui.behalf.value = "";
    renderBehalf();
    renderQuestions();
    renderTimer();
  }

  function focusQuestions() {
    const room = model.room;
    return room && Array.isArray(room.focus_questions) ? room.focus_questions : FOCUS;
  }

  function renderQuestions() {
    const questions = focusQuestions();
    const chosen = ui.question.value;
    const general = ui.question.options[0];
    ui.question.replaceChildren(
      general,
      ...questions.map((q, i) =>
        h("option", { value: String(i), text: `${i + 1}. ${q.length > 80 ? `${q.slice(0, 79)}…` : q}` }),
      ),
    );
    ui.question.value = chosen;
    if (ui.question.selectedIndex < 0) ui.question.value = "";
    resetQuestionOnNewStep();
  }

  // The composer's focus question is chosen per step: a new step starts with none chosen,
  // so notes of a later step are not filed under the question picked in an earlier one.
  function resetQuestionOnNewStep() {
    const step = model.room && model.room.timer ? model.room.timer.step_id : null;
    if (step !== questionStep) ui.question.value = "";
    questionStep = step;
  }

  function renderPresence() {
    const room = model.room;
    if (!room) return;
    const people = room.presence || [];
    const myId = me().person_id;
    ui.presenceCount.textContent = format(S.notes_count, { n: people.length });
    ui.presence.replaceChildren(
      ...(people.length
        ? people.map((p) =>
            h(
              "li",
              {},
              h("span", { className: "person-name", text: p.name }),
              p.person_id !== null && p.person_id === myId ? ` ${S.you}` : "",
              p.role ? h("span", { className: "muted", text: ` · ${S.roles[p.role] || p.role}` }) : "",
            ),
          )
        : [h("li", { className: "muted", text: S.nobody })]),
    );
  }

  // --- The board: notes grouped by focus question, newest last --------------------------

  const elements = new Map(); // client_id -> <li>

  function boardItems() {
    const room = model.room;
    const saved = room ? room.contributions.filter((c) => !c.deleted && !c.merged_into) : [];
    const savedIds = new Set(room ? room.contributions.map((c) => c.client_id) : []);
    saved.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
    const pending = outbox
      .all()
      .filter((i) => !savedIds.has(i.message.client_id))
      .map((i) => ({
        pending: true,
        failed: i.failed || null,
        client_id: i.message.client_id,
        kind: i.message.kind,
        text: i.message.text,
        focus_question: i.message.focus_question,
        group_id: i.message.group_id,
        on_behalf_of: i.message.on_behalf_of,
        created_at: i.queued_at,
      }));
    return [...saved, ...pending];
  }

  // Breakout boards and the plenary: one group's notes, or the starred notes of every group.
  const boardView = document.querySelector("[data-board-view]");
  if (boardView) boardView.addEventListener("change", () => renderBoard());

  function inView(item) {
    const view = boardView ? boardView.value : "all";
    if (view === "all") return true;
    if (view === "plenary") return Boolean(item.starred);
    return String(item.group_id) === view;
  }

  function renderBoard() {
    const items = boardItems().filter(inView);
    const questions = focusQuestions();
    const sections = [null, ...questions.map((_, i) => i)];
    const byQuestion = new Map(sections.map((q) => [q, []]));
    for (const item of items) {
      const q = Number.isInteger(item.focus_question) && item.focus_question < questions.length ? item.focus_question : null;
      byQuestion.get(q).push(item);
    }
    ui.boardCount.textContent = format(S.notes_count, { n: items.length });

    const wanted = [];
    for (const q of [...sections.slice(1), null]) {
      const list = byQuestion.get(q);
      if (q === null && list.length === 0 && questions.length) continue;
      let section = ui.board.querySelector(`[data-question="${q === null ? "general" : q}"]`);
      if (!section) {
        const headingId = `question-${q === null ? "general" : q}`;
        section = h(
          "section",
          { className: "question", dataset: { question: q === null ? "general" : String(q) }, "aria-labelledby": headingId },
          h(
            "h3",
            { id: headingId },
            q === null ? S.general : h("span", { className: "question-number", text: `${format(S.question_n, { n: q + 1 })}: ` }),
            q === null ? "" : questions[q],
          ),
          h("ol", { className: "notes" }),
          h("p", { className: "muted empty-notes", text: S.no_notes }),
        );
      }
      wanted.push(section);
      const ol = section.querySelector("ol");
      section.querySelector(".empty-notes").hidden = list.length > 0;
      const nodes = list.map(noteElement);
      nodes.forEach((node, index) => {
        if (ol.children[index] !== node) ol.insertBefore(node, ol.children[index] || null);
      });
      while (ol.children.length > nodes.length) ol.lastElementChild.remove();
    }
    wanted.forEach((section, index) => {
      if (ui.board.children[index] !== section) ui.board.insertBefore(section, ui.board.children[index] || null);
    });
    while (ui.board.children.length > wanted.length) ui.board.lastElementChild.remove();
    const live = new Set(items.map((i) => i.client_id));
    for (const key of [...elements.keys()]) if (!live.has(key)) elements.delete(key);
  }

  function stepName(stepId) {
    const step = model.step(stepId);
    return step ? step.name : "";
  }

  function groupName(groupId) {
    const groups = (model.room && model.room.groups) || [];
    const group = groups.find((g) => g.id === groupId);
    return group ? group.name : "";
  }

  function personName(personId) {
    if (!ui.behalf || personId === null || personId === undefined) return "";
    const option = [...ui.behalf.options].find((o) => o.value === String(personId));
    return option ? option.textContent : "";
  }

  function noteElement(item) {
    let element = elements.get(item.client_id);
    const m = may();
    const myId = me().person_id;
    const mine =
      !item.pending &&
      myId !== null &&
      myId !== undefined &&
      ((item.author && item.author.person_id === myId) || (item.recorded_by && item.recorded_by.person_id === myId));
    const signature = JSON.stringify([item.version, item.text, item.kind, item.starred, item.pending, item.failed,
      item.focus_question, item.tags, m.star, m.edit_any, mine, socket.connected, model.room && model.room.agenda && model.room.agenda.length]);
    if (element && element.dataset.signature === signature) return element;
    if (element && element.dataset.editing) return element; // never pull text from under someone editing
    if (!element) {
      element = h("li", { className: "note", dataset: { testid: "contribution", clientId: item.client_id } });
      elements.set(item.client_id, element);
    }
    element.dataset.signature = signature;
    if (item.id !== undefined) element.dataset.id = String(item.id);
    element.classList.toggle("pending", Boolean(item.pending && !item.failed));
    element.classList.toggle("failed", Boolean(item.failed));
    element.classList.toggle("starred", Boolean(item.starred));

    const author = item.pending
      ? personName(item.on_behalf_of) || me().name || ""
      : (item.author && item.author.name) || "";
    const meta = h(
      "p",
      { className: "note-meta" },
      h("span", { className: "tag kind", text: kindLabel(item.kind) }),
      " ",
      h("strong", { className: "note-author", text: author }),
      item.recorded_by && item.author && item.recorded_by.person_id !== item.author.person_id
        ? h("span", { className: "muted", text: ` (${format(S.recorded_by, { name: item.recorded_by.name })})` })
        : null,
      item.step_id ? h("span", { className: "muted", text: ` · ${stepName(item.step_id)}` }) : null,
      item.group_id ? h("span", { className: "muted", text: ` · ${groupName(item.group_id)}` }) : null,
      item.created_at
        ? h("time", { className: "muted", dateTime: item.created_at, text: ` · ${timeOfDay(item.created_at, language)}` })
        : null,
      item.version > 1 ? h("span", { className: "muted", text: ` · ${S.edited}` }) : null,
      item.starred ? h("span", { className: "star-mark" }, h("span", { "aria-hidden": "true", text: " ★ " }), S.starred) : null,
    );
    const state = item.failed
      ? h("p", { className: "note-state error", text: format(S.not_accepted, { message: item.failed.message || item.failed.code }) })
      : item.pending
        ? h("p", { className: "note-state" }, h("span", { "aria-hidden": "true", text: "○ " }), S.waiting)
        : null;
    const actions = h("div", { className: "note-actions" });
    if (item.failed) {
      actions.append(
        h("button", { type: "button", className: "secondary", text: S.retry, dataset: { action: "retry" } }),
        h("button", { type: "button", className: "secondary", text: S.back_to_composer, dataset: { action: "recompose" } }),
        h("button", { type: "button", className: "danger", text: S.discard, dataset: { action: "discard" } }),
      );
    } else if (!item.pending) {
      if (m.star) {
        actions.append(
          h("button", {
            type: "button",
            className: "secondary",
            "aria-pressed": item.starred ? "true" : "false",
            text: item.starred ? S.unstar : S.star,
            dataset: { action: "star" },
            disabled: !socket.connected,
          }),
        );
      }
      if (m.edit_any || mine) {
        actions.append(
          h("button", { type: "button", className: "secondary", text: S.edit, dataset: { action: "edit" }, disabled: !socket.connected }),
          h("button", { type: "button", className: "danger", text: S.delete, dataset: { action: "delete" }, disabled: !socket.connected }),
        );
      }
    }
    const tags = (item.tags || []).length
      ? h("p", { className: "note-tags" }, ...item.tags.map((t) => h("span", { className: "tag", text: t })))
      : null;
    const parts = [meta, h("p", { className: "note-text" }, linkify(item.text || "")), tags, state];
    if (actions.children.length) parts.push(actions);
    if (!item.pending && !item.failed && m.edit_any) parts.push(sortingTools(item));
    element.replaceChildren(...parts.filter(Boolean));
    return element;
  }

  // Facilitator and note-taker: file a note under a focus question, tag it, merge duplicates.
  const openSorting = new Set(); // ids of notes whose panel stays open across re-renders
  function sortingTools(item) {
    const id = `sort-${item.id}`;
    const where = h("select", { id: `${id}-q`, dataset: { sort: "move" } },
      h("option", { value: "", text: S.general }),
      ...focusQuestions().map((q, i) => h("option", { value: String(i), text: `${format(S.question_n, { n: i + 1 })}: ${q}` })));
    where.value = Number.isInteger(item.focus_question) ? String(item.focus_question) : "";
    const tagInput = h("input", { id: `${id}-t`, type: "text", value: (item.tags || []).join(", "), maxLength: 400 });
    // The other notes are listed only while this panel is open: a list in every note would
    // grow with the square of the board.
    const into = h("select", { id: `${id}-m` });
    const panel = h("details", { className: "note-sort" },
      h("summary", { text: S.sort }),
      h("p", {}, h("label", { htmlFor: where.id, text: S.file_under }), " ", where),
      h("p", {}, h("label", { htmlFor: tagInput.id, text: S.tags }), " ", tagInput, " ",
        h("button", { type: "button", className: "secondary", text: S.save_tags, dataset: { action: "tags" } })),
      h("p", {}, h("label", { htmlFor: into.id, text: S.merge_into }), " ", into, " ",
        h("button", { type: "button", className: "secondary", text: S.merge, dataset: { action: "merge" } })),
    );
    panel.addEventListener("toggle", () => {
      if (panel.open) openSorting.add(item.id);
      else openSorting.delete(item.id);
      const others = panel.open ? boardItems().filter((o) => o.id && o.id !== item.id) : [];
      into.replaceChildren(...others.map((o) => h("option", { value: String(o.id), text: (o.text || "").slice(0, 60) })));
    });
    panel.open = openSorting.has(item.id);
    return panel;
  }

  ui.board.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-sort=move]");
    const element = select && select.closest("li.note");
    const item = element && findItem(element.dataset.clientId);
    if (!item) return;
    act({ type: "move", contribution_id: item.id, focus_question: select.value === "" ? null : Number(select.value), group_id: item.group_id ?? null });
  });

  function findItem(clientId) {
    return boardItems().find((i) => i.client_id === clientId);
  }

  ui.board.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const element = button.closest("li.note");
    const item = element && findItem(element.dataset.clientId);
    if (!item) return;
    const action = button.dataset.action;
    if (action === "tags") {
      const input = element.querySelector(".note-sort input");
      act({ type: "tag", contribution_id: item.id, tags: input.value.split(",").map((t) => t.trim()).filter(Boolean) });
    } else if (action === "merge") {
      const select = element.querySelector(".note-sort select:not([data-sort])");
      if (select && select.value) act({ type: "merge", contribution_id: item.id, into_id: Number(select.value) });
    } else if (action === "star") {
      act({ type: "star", contribution_id: item.id, starred: !item.starred });
    } else if (action === "edit") {
      openEditor(element, item);
    } else if (action === "delete") {
      confirmDelete(element, item);
    } else if (action === "retry") {
      outbox.clearFailure(item.client_id);
      renderBoard();
      flush();
    } else if (action === "recompose") {
      ui.text.value = item.text;
      if ([...ui.kind.options].some((o) => o.value === item.kind)) ui.kind.value = item.kind;
      outbox.remove(item.client_id);
      saveDraft();
      renderBoard();
      renderStatus();
      ui.text.focus();
    } else if (action === "discard") {
      outbox.remove(item.client_id);
      renderBoard();
      renderStatus();
      ui.text.focus();
    }
  });

  function closeEditor(element) {
    delete element.dataset.editing;
    element.dataset.signature = "";
    renderBoard();
    const first = element.querySelector("button[data-action]");
    if (first) first.focus();
  }

  function openEditor(element, item) {
    element.dataset.editing = "true";
    const id = `edit-${item.id}`;
    const kinds = may().edit_any ? Object.keys(KINDS) : [...new Set([item.kind, ...allowedKinds()])];
    const textarea = h("textarea", { id: `${id}-text`, rows: 3, maxLength: 2000, value: item.text });
    textarea.value = item.text;
    const kind = h("select", { id: `${id}-kind` }, ...kinds.map((k) => h("option", { value: k, text: kindLabel(k) })));
    kind.value = item.kind;
    const form = h(
      "form",
      { className: "note-editor" },
      h("div", { className: "field" }, h("label", { htmlFor: `${id}-kind`, text: S.kind }), kind),
      h("div", { className: "field" }, h("label", { htmlFor: `${id}-text`, text: S.edit_label }), textarea),
      h(
        "div",
        { className: "inline-buttons" },
        h("button", { type: "submit", text: S.save }),
        h("button", { type: "button", className: "secondary", text: S.cancel, dataset: { cancel: "" } }),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = textarea.value.trim();
      if (!text) return;
      if (act({ type: "edit", contribution_id: item.id, text, kind: kind.value })) closeEditor(element);
    });
    form.querySelector("[data-cancel]").addEventListener("click", () => closeEditor(element));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeEditor(element);
    });
    element.replaceChildren(form);
    textarea.focus();
  }

  function confirmDelete(element, item) {
    const actions = element.querySelector(".note-actions");
    const yes = h("button", { type: "button", className: "danger", text: S.delete_yes });
    const no = h("button", { type: "button", className: "secondary", text: S.delete_no });
    yes.addEventListener("click", () => {
      if (act({ type: "delete", contribution_id: item.id })) return;
      element.dataset.signature = "";
      renderBoard();
    });
    no.addEventListener("click", () => {
      element.dataset.signature = "";
      renderBoard();
      const again = element.querySelector('[data-action="delete"]');
      if (again) again.focus();
    });
    actions.replaceChildren(h("span", { className: "confirm-text", text: S.delete_confirm }), " ", yes, no);
    no.focus();
  }

  // --- The composer --------------------------------------------------------------------

  const saveDraft = () => store.write("draft", ui.text.value);
  ui.text.value = store.read("draft", "") || "";

  const updateCount = () => {
    ui.count.textContent = ui.text.value.length > 1800 ? format(S.chars, { n: ui.text.value.length }) : "";
  };
  let draftTimer = 0;
  ui.text.addEventListener("input", () => {
    updateCount();
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 300);
  });
  ui.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });

  // Who the next note is for, always in view: "on behalf of" applies to one note only.
  function renderBehalf() {
    if (!ui.behalfNext) return;
    const shown = Boolean(ui.behalfField && !ui.behalfField.hidden);
    ui.behalfNext.hidden = !shown;
    if (!shown) return;
    const option = ui.behalf && ui.behalf.value ? ui.behalf.selectedOptions[0] : null;
    ui.behalfNext.textContent = option
      ? format(S.behalf_next_other, { name: option.textContent })
      : S.behalf_next_self;
  }
  if (ui.behalf) ui.behalf.addEventListener("change", renderBehalf);

  if (ui.copyProjector && ui.projectorUrl && navigator.clipboard) {
    ui.copyProjector.hidden = false;
    ui.copyProjector.addEventListener("click", () => {
      navigator.clipboard.writeText(ui.projectorUrl.value).then(
        () => {
          ui.copyProjectorStatus.textContent = S.projector_copied;
        },
        () => {
          ui.copyProjectorStatus.textContent = S.projector_copy_failed;
          ui.projectorUrl.select();
        },
      );
    });
  }

  const optionalInt = (select) => (select && select.value !== "" ? Number(select.value) : null);

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    if (ui.fields.disabled) return;
    const text = ui.text.value.trim();
    const problem = !text ? S.composer_empty : text.length > 2000 ? format(S.composer_too_long, { n: text.length }) : "";
    ui.error.textContent = problem;
    ui.error.hidden = !problem;
    if (problem) {
      ui.text.focus();
      return;
    }
    const message = {
      type: "post",
      client_id: newClientId(),
      text,
      kind: ui.kind.value,
      focus_question: optionalInt(ui.question),
      group_id: optionalInt(ui.group),
      on_behalf_of: ui.behalfField && !ui.behalfField.hidden ? optionalInt(ui.behalf) : null,
      // The step it was typed in: a note queued offline is judged by the rights of then.
      step_id: model.room && model.room.timer ? model.room.timer.step_id : null,
    };
    if (!outbox.add(message)) {
      ui.error.textContent = S.composer_not_stored;
      ui.error.hidden = false;
    }
    ui.text.value = "";
    if (ui.behalf) ui.behalf.value = "";
    renderBehalf();
    saveDraft();
    updateCount();
    renderBoard();
    flush();
    ui.text.focus();
  });

  // --- Facilitator controls -------------------------------------------------------------

  if (ui.controls) {
    ui.controls.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-timer]");
      if (!button) return;
      const message = { type: "timer", action: button.dataset.timer };
      if (button.dataset.minutes) message.minutes = Number(button.dataset.minutes);
      act(message);
    });
  }
  ui.agenda.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-goto]");
    if (button) act({ type: "timer", action: "goto", step_id: Number(button.dataset.goto) });
  });

  ui.reconnect.addEventListener("click", () => socket.reconnectNow());

  // Another tab of the same room queued or sent a note: show the shared queue as it is.
  window.addEventListener("storage", (event) => {
    if (store.concerns(event) && event.key.endsWith(":outbox")) {
      renderBoard();
      renderStatus();
    }
  });
  window.addEventListener("pagehide", () => {
    const snapshot = model.snapshot();
    if (snapshot) store.write("snapshot", snapshot);
    saveDraft();
  });

  if (model.room) renderAll();
  else {
    renderBoard();
    renderStatus();
  }
  updateCount();
  socket.start();
}
