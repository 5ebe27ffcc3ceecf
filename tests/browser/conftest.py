"""End-to-end fixtures: the real `peerassist serve` in a subprocess, driven by Chromium.

The server runs with `peerassist.settings` (not the test settings), on a throw-away
SQLite database loaded with the demo organisation, exactly as `make run` gives it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.harness.app import (
    PEERASSIST,
    AppServer,
    server_env,
    serving,
)
from tests.harness.app import run_cli as _run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "peerassist-demo"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """`peerassist migrate`, `demo --quiet`, then `serve` on a free port, until the session ends."""
    if not PEERASSIST.exists():
        pytest.fail(f"{PEERASSIST} is missing: install the project into this virtualenv")
    tmp = tmp_path_factory.mktemp("e2e")
    env = server_env(tmp)
    cwd = tmp  # not the checkout: nothing there (var/, .env) should matter
    _run(["migrate", "--no-input"], env, cwd)
    _run(["demo", "--quiet"], env, cwd)

    with serving(env, cwd) as server:
        yield server


# --- Browser ---------------------------------------------------------------------------

# Records Content-Security-Policy violations in the page, alongside the console messages.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`
  );
});
"""


@dataclass
class PageProblems:
    """What went wrong in the browser while a page was open.

    `console_errors` are console messages of type error (CSP violations land here too),
    except Chromium's "Failed to load resource" lines, kept apart in `resource_errors`
    with the HTTP responses of 400 and above in `failed_responses`.
    """

    console_errors: list[str] = field(default_factory=list)
    resource_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed; the browser tests need Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: browser tests must run in CI)", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an asyncio loop in this thread, so Django would raise
    # SynchronousOnlyOperation for ORM calls made here. These tests only speak HTTP to the
    # server subprocess, so DJANGO_ALLOW_ASYNC_UNSAFE is deliberately not set: it would
    # leak into every test that runs after this session fixture.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _new_page(browser: Browser, app_server: AppServer, **context_options: Any) -> Page:
    context_options.setdefault("locale", "en-GB")
    context = browser.new_context(base_url=app_server.url, **context_options)
    context.set_default_timeout(5_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems = PageProblems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = f"{message.text} [{message.location.get('url', '')}]"
        if message.text.startswith("Failed to load resource"):
            problems.resource_errors.append(text)
        else:
            problems.console_errors.append(text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.failed_responses.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    page.on("response", on_response)
    page.problems = problems  # type: ignore[attr-defined]
    return page


def assert_clean(page: Page) -> None:
    """No CSP violation, console error or uncaught script error on the page so far."""
    problems = page.problems  # type: ignore[attr-defined]
    csp = page.evaluate("window.__cspViolations")
    assert csp == [], f"CSP violations: {csp}"
    assert problems.console_errors == [], f"console errors: {problems.console_errors}"
    assert problems.page_errors == [], f"uncaught errors: {problems.page_errors}"


@pytest.fixture
def page(browser: Browser, app_server: AppServer) -> Iterator[Page]:
    """A fresh, signed-out page in its own browser context (own cookies)."""
    page = _new_page(browser, app_server)
    yield page
    page.context.close()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form as a person would: by the labels, then the button."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture(scope="session")
def organiser_state(browser: Browser, app_server: AppServer) -> dict[str, Any]:
    """The organiser's signed-in cookies, made once through the login form."""
    page = _new_page(browser, app_server)
    try:
        sign_in(page, "organiser@meridian.example")
        if page.url.rstrip("/") != app_server.url:
            pytest.fail(
                f"organiser sign-in ended on {page.url}:\n{page.locator('main').inner_text()}"
                f"\nServer log:\n{app_server.log_text()}"
            )
        return page.context.storage_state()
    finally:
        page.context.close()


@pytest.fixture
def organiser_page(
    browser: Browser, app_server: AppServer, organiser_state: dict[str, Any]
) -> Iterator[Page]:
    """A page signed in as the demo organiser (Meridian Water, may import people)."""
    page = _new_page(browser, app_server, storage_state=organiser_state)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(
    browser: Browser, app_server: AppServer, organiser_state: dict[str, Any]
) -> Iterator[Page]:
    """The organiser on a 390px-wide touch screen (an iPhone 14's CSS width)."""
    page = _new_page(
        browser,
        app_server,
        storage_state=organiser_state,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    yield page
    page.context.close()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
