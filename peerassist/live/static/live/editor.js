// Editing a note in place, and the "Delete this note?" confirmation. While a note is being
// edited the board leaves it alone (data-editing), so nobody's text is pulled from under them.

import { h } from "./render.js";

export function closeEditor(room, element) {
  delete element.dataset.editing;
  element.dataset.signature = "";
  room.view.board();
  const first = element.querySelector("button[data-action]");
  if (first) first.focus();
}

export function openEditor(room, element, item) {
  const { S, KINDS } = room;
  element.dataset.editing = "true";
  const id = `edit-${item.id}`;
  const kinds = room.may().edit_any ? Object.keys(KINDS) : [...new Set([item.kind, ...room.allowedKinds()])];
  const textarea = h("textarea", { id: `${id}-text`, rows: 3, maxLength: 2000, value: item.text });
  textarea.value = item.text;
  const kind = h("select", { id: `${id}-kind` }, ...kinds.map((k) => h("option", { value: k, text: room.kindLabel(k) })));
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
    if (room.act({ type: "edit", contribution_id: item.id, text, kind: kind.value })) closeEditor(room, element);
  });
  form.querySelector("[data-cancel]").addEventListener("click", () => closeEditor(room, element));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeEditor(room, element);
  });
  element.replaceChildren(form);
  textarea.focus();
}

export function confirmDelete(room, element, item) {
  const { S } = room;
  const actions = element.querySelector(".note-actions");
  const yes = h("button", { type: "button", className: "danger", text: S.delete_yes });
  const no = h("button", { type: "button", className: "secondary", text: S.delete_no });
  yes.addEventListener("click", () => {
    if (room.act({ type: "delete", contribution_id: item.id })) return;
    element.dataset.signature = "";
    room.view.board();
  });
  no.addEventListener("click", () => {
    element.dataset.signature = "";
    room.view.board();
    const again = element.querySelector('[data-action="delete"]');
    if (again) again.focus();
  });
  actions.replaceChildren(h("span", { className: "confirm-text", text: S.delete_confirm }), " ", yes, no);
  no.focus();
}
