// Live room: when the facilitator reaches the agenda's last step, show "Record the conclusion".
const panel = document.querySelector("[data-conclusion-panel]");
const agenda = document.querySelector("[data-agenda]");
if (panel && agenda) {
  const update = () => {
    const steps = agenda.querySelectorAll("li");
    const last = steps.length ? steps[steps.length - 1] : null;
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
