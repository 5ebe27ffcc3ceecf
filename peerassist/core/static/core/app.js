// Small page behaviours shared by every page (no inline script: the CSP forbids it).

// Move focus to a message the user must read first, e.g. an import's error report,
// so that screen readers announce it and keyboard users start there.
const focusTarget = document.querySelector("[data-focus-on-load]");
if (focusTarget) {
  focusTarget.focus();
}

// A table wider than its box scrolls inside it (never the page). Say so: a visible hint
// above it, and a named, focusable region so that keyboard users can scroll it too.
const scrollHint = document.body.dataset.scrollHint || "";
function markScrolling(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  let hint = box.previousElementSibling;
  if (!hint || !hint.classList.contains("scroll-hint")) {
    hint = null;
  }
  if (scrolls) {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    const caption = box.querySelector("caption");
    const name = caption ? caption.textContent.trim() : "";
    box.setAttribute("aria-label", name ? `${name} — ${scrollHint}` : scrollHint);
    if (!hint) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = scrollHint;
      box.before(hint);
    }
  } else {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
    hint?.remove();
  }
}
if (scrollHint) {
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      markScrolling(entry.target);
    }
  });
  const watched = new WeakSet();
  const watch = () => {
    for (const box of document.querySelectorAll(".table-scroll")) {
      if (!watched.has(box)) {
        watched.add(box);
        observer.observe(box);
      }
    }
  };
  watch();
  document.body.addEventListener("htmx:afterSettle", watch); // tables htmx swaps in
}

// Tell the server the browser's time zone (a cookie read by core.middleware.TimeZoneMiddleware),
// so that times are shown on the reader's clock even before they save a zone in their account.
try {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const cookie = "peerassist_tz=";
  const current = document.cookie.split("; ").find((c) => c.startsWith(cookie));
  // IANA names ("America/Argentina/Buenos_Aires") need no escaping in a cookie.
  if (zone && /^[A-Za-z0-9_+\-/]+$/.test(zone) && current !== cookie + zone) {
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${cookie}${zone}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  }
} catch {
  // An old browser without Intl time zones: the site's zone is used.
}

// The person picker (people/_picker.html): say how many matched in a status line that stays
// on the page (a region swapped in by htmx is not reliably announced by screen readers).
document.body.addEventListener("htmx:afterSwap", (event) => {
  const results = event.detail.target;
  const picker = results?.closest?.("[data-picker]");
  const status = picker?.querySelector("[data-picker-status]");
  const count = results.querySelector(".pick-count");
  if (status && count) {
    status.textContent = count.textContent.trim();
  }
});
