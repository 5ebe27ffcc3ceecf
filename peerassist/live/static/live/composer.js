// The composer and what this person may do: the rights list, the kinds and focus questions
// offered, "on behalf of" (one note only), the draft kept across reloads, and posting into
// the outbox.

import { format, h } from "./render.js";
import { newClientId } from "./queue.js";

const optionalInt = (select) => (select && select.value !== "" ? Number(select.value) : null);

export function createComposer(room) {
  const { ui, S, model, store, outbox } = room;
  let questionStep = null; // the step the composer's focus question was chosen in

  const saveDraft = () => store.write("draft", ui.text.value);
  ui.text.value = store.read("draft", "") || "";

  const updateCount = () => {
    ui.count.textContent = ui.text.value.length > 1800 ? format(S.chars, { n: ui.text.value.length }) : "";
  };

  // Who the next note is for, always in view: "on behalf of" applies to one note only.
  function renderBehalf() {
    if (!ui.behalfNext) return;
    const shown = Boolean(ui.behalfField && !ui.behalfField.hidden);
    ui.behalfNext.hidden = !shown;
    if (!shown) return;
    const option = ui.behalf && ui.behalf.value ? ui.behalf.selectedOptions[0] : null;
    ui.behalfNext.textContent = option ? format(S.behalf_next_other, { name: option.textContent }) : S.behalf_next_self;
  }

  // "Ask without my name": only for a question, in a step where the facilitator allows it.
  function anonymousOffered() {
    return Boolean(ui.anonymousField && room.may().post && model.anonymousNow() && ui.kind.value === "question");
  }

  function renderAnonymous() {
    if (ui.anonymousField) ui.anonymousField.hidden = !anonymousOffered();
  }

  function renderQuestions() {
    const questions = room.focusQuestions();
    const chosen = ui.question.value;
    const general = ui.question.options[0];
    ui.question.replaceChildren(
      general,
      // The whole question, however long (the select fits its box; never cut at 80).
      ...questions.map((q, i) => h("option", { value: String(i), text: `${i + 1}. ${q}`, title: q })),
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

  function renderRights() {
    if (!model.room) return;
    const m = room.may();
    const who = room.me();
    const lines = [];
    if (who.role && S.roles[who.role]) lines.push(format(S.your_role, { role: S.roles[who.role] }));
    lines.push(m.post ? format(S.may_post, { kinds: room.allowedKinds().map(room.kindLabel).join(", ") }) : S.may_not_post);
    if (m.star) lines.push(S.may_star);
    if (m.upvote) lines.push(S.may_upvote);
    if (m.post && model.anonymousNow()) lines.push(S.anonymous_open);
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
    const kinds = room.allowedKinds();
    const chosen = ui.kind.value;
    ui.kind.replaceChildren(...kinds.map((k) => h("option", { value: k, text: room.kindLabel(k) })));
    if (kinds.includes(chosen)) ui.kind.value = chosen;
    if (ui.behalfField) ui.behalfField.hidden = !m.on_behalf;
    if (ui.behalf && !m.on_behalf) ui.behalf.value = "";
    renderBehalf();
    renderAnonymous();
    renderQuestions();
    room.view.timer();
  }

  /** A note the server refused goes back into the composer, out of the outbox. */
  function recompose(item) {
    ui.text.value = item.text;
    if ([...ui.kind.options].some((o) => o.value === item.kind)) ui.kind.value = item.kind;
    outbox.remove(item.client_id);
    saveDraft();
  }

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
  if (ui.behalf) ui.behalf.addEventListener("change", renderBehalf);
  ui.kind.addEventListener("change", renderAnonymous);

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
    if (anonymousOffered() && ui.anonymous.checked) {
      message.anonymous = true;
      message.on_behalf_of = null;
    }
    if (!outbox.add(message)) {
      ui.error.textContent = S.composer_not_stored;
      ui.error.hidden = false;
    }
    ui.text.value = "";
    if (ui.behalf) ui.behalf.value = "";
    renderBehalf();
    saveDraft();
    updateCount();
    room.view.board();
    room.flush();
    ui.text.focus();
  });

  return { renderRights, resetQuestionOnNewStep, saveDraft, updateCount, recompose };
}
