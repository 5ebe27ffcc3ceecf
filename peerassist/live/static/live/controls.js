// The step, its countdown and the agenda; for the facilitator, the timer controls, the
// step's prompt questions, "Go to" on the agenda and copying the projector link.

import { makeStepHeader } from "./announcer.js";
import { format, h } from "./render.js";

export function createControls(room, { countdown, announce }) {
  const { ui, S, model } = room;
  const showStep = makeStepHeader({ element: ui.step, countdown, announce, strings: S });

  function renderAgenda() {
    const state = model.room;
    if (!state || !Array.isArray(state.agenda)) return;
    const current = state.timer ? state.timer.step_id : null;
    const control = Boolean(room.may().control);
    ui.agenda.replaceChildren(
      ...state.agenda.map((step) => {
        const isCurrent = step.id === current;
        return h(
          "li",
          {
            className: isCurrent ? "current" : "",
            dataset: step.concluding ? { stepId: step.id, concluding: "" } : { stepId: step.id },
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
                disabled: !room.socket.connected,
              })
            : null,
        );
      }),
    );
  }

  function renderTimer() {
    const state = model.room;
    if (!state) return;
    const timer = state.timer || {};
    const step = model.currentStep();
    showStep(step, timer);
    renderAgenda();

    if (ui.controls) {
      const control = Boolean(room.may().control);
      ui.controls.hidden = !control;
      const status = timer.status || "idle";
      const button = (action) => ui.controls.querySelector(`[data-timer="${action}"]`);
      button("start").hidden = status !== "idle";
      button("pause").hidden = status !== "running";
      button("resume").hidden = status !== "paused";
      // Only the steps the room runs: "before"/"after" steps happen outside the session.
      const steps = (state.agenda || []).filter((s) => s.runnable !== false);
      const index = steps.findIndex((s) => s.id === timer.step_id);
      button("previous").hidden = index <= 0;
      button("next").hidden = steps.length > 0 && index === steps.length - 1;
      if (ui.anonymousStep) {
        ui.anonymousStep.checked = model.anonymousNow();
        ui.anonymousStep.closest("[data-anonymous-control]").hidden = !step;
      }
      const prompts = (step && step.prompt_questions) || [];
      ui.promptList.replaceChildren(...prompts.map((q) => h("li", { text: q })));
      ui.prompts.hidden = prompts.length === 0;
    }
  }

  if (ui.controls) {
    ui.controls.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-timer]");
      if (!button) return;
      const message = { type: "timer", action: button.dataset.timer };
      if (button.dataset.minutes) message.minutes = Number(button.dataset.minutes);
      room.act(message);
    });
  }
  if (ui.anonymousStep) {
    ui.anonymousStep.addEventListener("change", () => {
      const stepId = model.room && model.room.timer ? model.room.timer.step_id : null;
      if (stepId === null || !room.act({ type: "anonymous", step_id: stepId, on: ui.anonymousStep.checked })) {
        ui.anonymousStep.checked = model.anonymousNow();
      }
    });
  }
  ui.agenda.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-goto]");
    if (button) room.act({ type: "timer", action: "goto", step_id: Number(button.dataset.goto) });
  });

  // The projector link: copy it to the clipboard (shown only where the browser allows it).
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

  return { renderTimer };
}
