// Live room: when the facilitator reaches the last step the room runs, show "Record the
// conclusion". That is the step marked data-concluding, not the agenda's last item: in the
// Mini format the last item is the follow-up at the next meeting, which is never run here.
const panel = document.querySelector("[data-conclusion-panel]");
const agenda = document.querySelector("[data-agenda]");
if (panel && agenda) {
  const update = () => {
    const steps = agenda.querySelectorAll("li");
    const last =
      agenda.querySelector("li[data-concluding]") ||
      (steps.length ? steps[steps.length - 1] : null);
    panel.hidden = !(last && last.getAttribute("aria-current") === "step");
  };
  new MutationObserver(update).observe(agenda, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-current"],
  });
  update();
}
