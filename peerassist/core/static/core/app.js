// Small page behaviours shared by every page (no inline script: the CSP forbids it).

// Move focus to a message the user must read first, e.g. an import's error report,
// so that screen readers announce it and keyboard users start there.
const focusTarget = document.querySelector("[data-focus-on-load]");
if (focusTarget) {
  focusTarget.focus();
}
