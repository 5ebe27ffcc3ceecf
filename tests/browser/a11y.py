"""Page checks the journeys make on every page: axe-core's WCAG 2.2 AA rules, sideways
scrolling at phone width, the title's separator.

axe-core comes from the npm registry, pinned: the first run installs it with npm into
`.cache/` at the checkout's root (ignored by git); later runs reuse it. Under the app's
nonce CSP it cannot be added with a <script> tag, so it is evaluated into the page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_VERSION = "4.10.3"  # pinned: a new release adds rules, and findings must not move on their own
CACHE = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{AXE_VERSION}"
AXE_PACKAGE = f"axe-core@{AXE_VERSION}"
AXE_JS = CACHE / "node_modules" / "axe-core" / "axe.min.js"
#: The rule sets of WCAG 2.2 level A and AA (axe tags each rule with the version that added it).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the accessibility checks must run)", pytrace=False)
    pytest.skip(reason)


def axe_source() -> str:
    """axe.min.js, installed from npm on first use."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed; the journeys install axe-core with it")
        CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), AXE_PACKAGE],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not AXE_JS.exists():
            _unavailable(f"npm install {AXE_PACKAGE} failed:\n{result.stderr[-2000:]}")
    return AXE_JS.read_text()


AXE_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} :: ${n.failureSummary}`),
  }));
}"""


def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now."""
    # Let the page react to its size first: core/app.js's ResizeObserver makes a table that
    # scrolls sideways a focusable, named region after the next layout, and a viewport just
    # resized (1280 -> 390 px) has not had one; axe then saw the table as it was at 1280 px
    # (it fitted: no tabindex) and failed scrollable-region-focusable, now and then, in CI.
    # Two animation frames, or 200 ms where a page gets none.
    page.evaluate(
        "() => new Promise((done) => {"
        " requestAnimationFrame(() => requestAnimationFrame(done)); setTimeout(done, 200); })"
    )
    if page.evaluate("typeof window.axe") != "object":
        page.evaluate("() => {" + source + "\n}")
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, WCAG_AA)
    return violations


def sideways_overflow(page: Page) -> str:
    """Empty if the page does not scroll sideways; else by how much, and the widest elements."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width <= inner_width:
        return ""
    culprits = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(-4)
          .map((e) => {
            const right = Math.round(e.getBoundingClientRect().right);
            return `${e.tagName.toLowerCase()}.${e.className} ends at ${right}px`;
          })"""
    )
    return f"scrolls sideways: {scroll_width}px wide in {inner_width}px ({'; '.join(culprits)})"


def silent_scrollers(page: Page) -> list[str]:
    """Tables that scroll sideways inside their box without saying so (a visible hint and
    a named, focusable region), after the page has had a frame to react to its width."""
    culprits: list[str] = page.evaluate(
        """async () => {
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return [...document.querySelectorAll(".table-scroll")]
            .filter((box) => box.checkVisibility() && box.scrollWidth > box.clientWidth + 1)
            .filter((box) => !(
              box.previousElementSibling?.classList.contains("scroll-hint")
              && box.getAttribute("role") === "region"
              && box.tabIndex === 0
              && box.getAttribute("aria-label")
            ))
            .map((box) => box.querySelector("caption")?.textContent || box.outerHTML)
            .map((text) => text.trim().slice(0, 80));
        }"""
    )
    return culprits
