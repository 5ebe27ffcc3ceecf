// The board: notes grouped by focus question, newest last — the saved notes and, after
// them, this browser's queued ones (pending or refused). Each note's element is kept and
// redrawn only when what it shows changes (its signature).

import { confirmDelete, openEditor } from "./editor.js";
import { format, h, linkify, timeOfDay } from "./render.js";

export function createBoard(room, { composer }) {
  const { ui, S, model, outbox } = room;
  const elements = new Map(); // client_id -> <li>

  function boardItems() {
    const state = model.room;
    const saved = state ? state.contributions.filter((c) => !c.deleted && !c.merged_into) : [];
    const savedIds = new Set(state ? state.contributions.map((c) => c.client_id) : []);
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
        anonymous: i.message.anonymous === true,
        created_at: i.queued_at,
      }));
    return [...saved, ...pending];
  }

  // Breakout boards and the plenary: one group's notes, the starred notes of every group, or
  // every group's board side by side (where the facilitator starts, to see all groups at once).
  const boardView = document.querySelector("[data-board-view]");
  if (boardView) boardView.addEventListener("change", () => renderBoard());

  function currentView() {
    return boardView ? boardView.value : "all";
  }

  function inView(item) {
    const view = currentView();
    if (view === "all" || view === "side") return true;
    if (view === "plenary") return Boolean(item.starred);
    return String(item.group_id) === view;
  }

  // The notes under each focus question, in `container` (the board, or a group's column);
  // `scope` keeps heading ids unique when there are several columns.
  function renderSections(container, items, scope, headingTag) {
    const questions = room.focusQuestions();
    const sections = [null, ...questions.map((_, i) => i)];
    const byQuestion = new Map(sections.map((q) => [q, []]));
    for (const item of items) {
      const q = Number.isInteger(item.focus_question) && item.focus_question < questions.length ? item.focus_question : null;
      byQuestion.get(q).push(item);
    }
    const wanted = [];
    for (const q of [...sections.slice(1), null]) {
      const list = byQuestion.get(q);
      if (q === null && list.length === 0 && questions.length) continue;
      const key = q === null ? "general" : String(q);
      let section = container.querySelector(`:scope > section[data-question="${key}"]`);
      if (!section) {
        const headingId = `question-${scope}${key}`;
        section = h(
          "section",
          { className: "question", dataset: { question: key }, "aria-labelledby": headingId },
          h(
            headingTag,
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
    placeChildren(container, wanted);
  }

  function placeChildren(container, wanted) {
    wanted.forEach((child, index) => {
      if (container.children[index] !== child) container.insertBefore(child, container.children[index] || null);
    });
    while (container.children.length > wanted.length) container.lastElementChild.remove();
  }

  // One column per breakout group (and one for notes filed under no group, if any).
  function renderColumns(items) {
    const groups = (model.room && model.room.groups) || [];
    const known = new Set(groups.map((g) => String(g.id)));
    const columns = groups.map((g) => ({
      key: String(g.id),
      name: g.name,
      items: items.filter((i) => String(i.group_id) === String(g.id)),
    }));
    const loose = items.filter((i) => !known.has(String(i.group_id)));
    if (loose.length) columns.push({ key: "none", name: S.no_group, items: loose });
    const wanted = columns.map((column) => {
      let element = ui.board.querySelector(`:scope > section[data-group-column="${column.key}"]`);
      const headingId = `group-column-${column.key}`;
      if (!element) {
        element = h(
          "section",
          { className: "group-column", dataset: { groupColumn: column.key, testid: "group-column" }, "aria-labelledby": headingId },
          h("h3", { id: headingId }, h("span", { className: "group-column-name" }), " ", h("span", { className: "count" })),
          h("div", { className: "group-column-notes" }),
        );
      }
      element.querySelector(".group-column-name").textContent = column.name;
      element.querySelector(".count").textContent = format(S.notes_count, { n: column.items.length });
      renderSections(element.querySelector(".group-column-notes"), column.items, `${column.key}-`, "h4");
      return element;
    });
    placeChildren(ui.board, wanted);
  }

  function renderBoard() {
    const side = currentView() === "side";
    const items = boardItems().filter(inView);
    ui.boardCount.textContent = format(S.notes_count, { n: items.length });
    ui.board.classList.toggle("side-by-side", side);
    // Switching layouts starts the board afresh; the notes' own elements are kept.
    const layout = side ? "side" : "list";
    if (ui.board.dataset.layout !== layout) {
      ui.board.replaceChildren();
      ui.board.dataset.layout = layout;
    }
    if (side) renderColumns(items);
    else renderSections(ui.board, items, "", "h3");
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

  // A note written in a breakout group that works in another language says so (WCAG 3.1.2).
  function groupLanguage(groupId) {
    const groups = (model.room && model.room.groups) || [];
    const group = groups.find((g) => g.id === groupId);
    return (group && group.language) || null;
  }

  function personName(personId) {
    if (!ui.behalf || personId === null || personId === undefined) return "";
    const option = [...ui.behalf.options].find((o) => o.value === String(personId));
    return option ? option.textContent : "";
  }

  function noteElement(item) {
    let element = elements.get(item.client_id);
    const m = room.may();
    const myId = room.me().person_id;
    const mine =
      !item.pending &&
      myId !== null &&
      myId !== undefined &&
      (item.mine === true ||
        (item.author && item.author.person_id === myId) ||
        (item.recorded_by && item.recorded_by.person_id === myId));
    const isQuestion = item.kind === "question" && !item.pending && !item.failed;
    const signature = JSON.stringify([item.version, item.text, item.kind, item.starred, item.pending, item.failed,
      item.focus_question, item.tags, m.star, m.edit_any, m.upvote, mine, item.upvotes, item.upvoted, item.answered,
      room.socket.connected, model.room && model.room.agenda && model.room.agenda.length]);
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

    // An anonymous question names nobody; its author alone sees that it is theirs.
    const anonymous = item.anonymous === true;
    const author = anonymous
      ? mine || item.pending
        ? `${S.anonymous} ${S.you}`
        : S.anonymous
      : item.pending
        ? personName(item.on_behalf_of) || room.me().name || ""
        : (item.author && item.author.name) || "";
    const meta = h(
      "p",
      { className: "note-meta" },
      h("span", { className: "tag kind", text: room.kindLabel(item.kind) }),
      " ",
      h("strong", { className: "note-author", text: author }),
      item.recorded_by && item.author && item.recorded_by.person_id !== item.author.person_id
        ? h("span", { className: "muted", text: ` (${format(S.recorded_by, { name: item.recorded_by.name })})` })
        : null,
      item.step_id ? h("span", { className: "muted", text: ` · ${stepName(item.step_id)}` }) : null,
      item.group_id ? h("span", { className: "muted", text: ` · ${groupName(item.group_id)}` }) : null,
      item.created_at
        ? h("time", { className: "muted", dateTime: item.created_at, text: ` · ${timeOfDay(item.created_at, room.language)}` })
        : null,
      item.version > 1 ? h("span", { className: "muted", text: ` · ${S.edited}` }) : null,
      item.starred ? h("span", { className: "star-mark" }, h("span", { "aria-hidden": "true", text: " ★ " }), S.starred) : null,
      isQuestion && item.answered ? h("span", { className: "answered-mark", text: ` · ${S.answered}` }) : null,
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
      if (isQuestion && (m.upvote || item.upvotes)) {
        const count = format(S.upvotes, { n: item.upvotes || 0 });
        actions.append(
          m.upvote && !mine
            ? h("button", {
                type: "button",
                className: "secondary upvote",
                "aria-pressed": item.upvoted ? "true" : "false",
                "aria-label": `${item.upvoted ? S.upvoted : S.upvote} (${count})`,
                text: `▲ ${item.upvotes || 0}`,
                dataset: { action: "upvote" },
                disabled: !room.socket.connected,
              })
            : h("span", { className: "upvote-count", text: `▲ ${item.upvotes || 0}`, "aria-label": count }),
        );
      }
      if (isQuestion && m.edit_any) {
        actions.append(
          h("button", {
            type: "button",
            className: "secondary",
            "aria-pressed": item.answered ? "true" : "false",
            text: item.answered ? S.reopen_question : S.mark_answered,
            dataset: { action: "answer" },
            disabled: !room.socket.connected,
          }),
        );
      }
      if (m.star) {
        actions.append(
          h("button", {
            type: "button",
            className: "secondary",
            "aria-pressed": item.starred ? "true" : "false",
            text: item.starred ? S.unstar : S.star,
            dataset: { action: "star" },
            disabled: !room.socket.connected,
          }),
        );
      }
      if (m.edit_any || mine) {
        actions.append(
          h("button", { type: "button", className: "secondary", text: S.edit, dataset: { action: "edit" }, disabled: !room.socket.connected }),
          h("button", { type: "button", className: "danger", text: S.delete, dataset: { action: "delete" }, disabled: !room.socket.connected }),
        );
      }
    }
    const tags = (item.tags || []).length
      ? h("p", { className: "note-tags" }, ...item.tags.map((t) => h("span", { className: "tag", text: t })))
      : null;
    const text = h("p", { className: "note-text", lang: item.group_id ? groupLanguage(item.group_id) : null }, linkify(item.text || ""));
    const parts = [meta, text, tags, state];
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
      ...room.focusQuestions().map((q, i) => h("option", { value: String(i), text: `${format(S.question_n, { n: i + 1 })}: ${q}` })));
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
    room.act({ type: "move", contribution_id: item.id, focus_question: select.value === "" ? null : Number(select.value), group_id: item.group_id ?? null });
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
      room.act({ type: "tag", contribution_id: item.id, tags: input.value.split(",").map((t) => t.trim()).filter(Boolean) });
    } else if (action === "merge") {
      const select = element.querySelector(".note-sort select:not([data-sort])");
      if (select && select.value) room.act({ type: "merge", contribution_id: item.id, into_id: Number(select.value) });
    } else if (action === "upvote") {
      const on = !item.upvoted;
      if (room.act({ type: "upvote", contribution_id: item.id, on })) {
        // Which questions I upvoted is mine to know: kept on my copy of the note only.
        const saved = model.room.contributions.find((c) => c.id === item.id);
        if (saved) saved.upvoted = on;
        renderBoard();
      }
    } else if (action === "answer") {
      room.act({ type: "answer", contribution_id: item.id, answered: !item.answered });
    } else if (action === "star") {
      room.act({ type: "star", contribution_id: item.id, starred: !item.starred });
    } else if (action === "edit") {
      openEditor(room, element, item);
    } else if (action === "delete") {
      confirmDelete(room, element, item);
    } else if (action === "retry") {
      outbox.clearFailure(item.client_id);
      renderBoard();
      room.flush();
    } else if (action === "recompose") {
      composer.recompose(item);
      renderBoard();
      room.view.status();
      ui.text.focus();
    } else if (action === "discard") {
      outbox.remove(item.client_id);
      renderBoard();
      room.view.status();
      ui.text.focus();
    }
  });

  return { render: renderBoard, items: boardItems };
}
