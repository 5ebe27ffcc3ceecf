// One polite live region per page (the room's and the projector's): messages that come
// together, such as a new step that starts in its last minute, are read as one.

import { format } from "./render.js";

export function makeAnnouncer(element, { delay = 100 } = {}) {
  let heard = [];
  let timer = 0;
  return (message) => {
    heard.push(message);
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (element) element.textContent = heard.join(" ");
      heard = [];
    }, delay);
  };
}

// The current step's name and countdown, as the room's header and the projector show them,
// and "Now: <step>" said when the step changes (not for the step the page opens on).
export function makeStepHeader({ element, countdown, announce, strings }) {
  let shownStepId; // undefined until the first draw: no announcement for the first step
  return (step, timer) => {
    element.textContent = step ? step.name : strings.no_step;
    countdown.set(step ? timer : null);
    if (shownStepId !== undefined && shownStepId !== timer.step_id && step) {
      announce(format(strings.step_now, { step: step.name }));
    }
    shownStepId = timer.step_id ?? null;
  };
}
