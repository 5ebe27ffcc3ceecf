"""Members end to end in Chromium: an organisation admin invites three directory people, each
chooses a password from the e-mail and signs in with their role; deactivating a member closes
their open live room within 5 seconds and their API token gets 401."""

from __future__ import annotations

import email as email_lib
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import _new_page, sign_in
from tests.harness.app import PEERASSIST, AppServer, server_env, serving
from tests.harness.app import run_cli as _run

pytestmark = pytest.mark.browser  # run last: Playwright's loop would block the asyncio tests

NEW_PASSWORD = "a long chosen secret 7"


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, dict]]:
    """Its own server whose e-mails land in files, and the environment to run its worker."""
    tmp = tmp_path_factory.mktemp("members-e2e")
    env = server_env(tmp)
    env["EMAIL_URL"] = f"filemail:///{tmp / 'mail'}"  # four slashes: an absolute path
    _run(["migrate", "--no-input"], env, tmp)
    _run(["demo", "--quiet"], env, tmp)
    with serving(env, tmp) as server:
        yield server, env


def cli(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(PEERASSIST), *args],
        env=env,
        cwd=env["PEERASSIST_VAR_DIR"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def invitation_links(mail_dir: Path) -> dict[str, str]:
    """Recipient -> path of the welcome link, from the e-mails the worker wrote to files."""
    links = {}
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if not chunk.strip():
                continue
            message = email_lib.message_from_string(chunk.strip())
            for part in message.walk():
                if part.get_content_type() != "text/plain":
                    continue
                body = part.get_payload(decode=True).decode()
                link = re.search(r"https?://\S+?(/members/welcome/\S+/)", body)
                if link:
                    links[message["To"]] = link.group(1)
    return links


def api_status(url: str, token: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the test server on loopback
        f"{url}/api/v1/people/", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_admin_invites_three_people_who_sign_in_and_deactivation_ends_access(
    browser: Browser, mail_server
):
    server, env = mail_server
    admin = _new_page(browser, server)
    sign_in(admin, "admin@meridian.example")
    admin.goto("/members/")
    expect(admin.get_by_role("heading", name="Members")).to_be_visible()
    admin.get_by_role("link", name="Invite people from the directory").click()
    boxes = admin.locator("input[name=people]")
    chosen = []
    for i in range(3):
        box = boxes.nth(i)
        box.check()
        chosen.append(box.locator("xpath=..").inner_text())
    admin.get_by_label("Role for everyone invited").select_option("organiser")
    admin.get_by_role("button", name="Invite the people ticked").click()
    expect(admin.get_by_text("Invited 3 people")).to_be_visible()

    cli(env, "db_worker", "--batch")  # the worker sends the invitation e-mails
    links = invitation_links(server.var_dir / "mail")
    assert len(links) == 3, links

    for email, link in links.items():
        invited = _new_page(browser, server)
        invited.goto(link)
        invited.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        invited.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        invited.get_by_role("button", name="Set my password").click()
        expect(invited.get_by_text("Your password is set")).to_be_visible()
        sign_in(invited, email, NEW_PASSWORD)
        assert invited.url.rstrip("/") == server.url, invited.locator("main").inner_text()
        nav = invited.get_by_role("navigation").first
        expect(nav.get_by_role("link", name="People")).to_be_visible()  # a member's menu
        expect(nav.get_by_role("link", name="Members")).to_have_count(0)  # not an admin
        assert invited.goto("/people/import/").status == 200  # organisers import people
        invited.context.close()

    # A visiting peer in the live room, with an API token.
    out = cli(env, "token", "create", "--user", "visitingpeer@meridian.example", "--name", "e2e")
    token = re.search(r"pa_\S+", out).group(0)
    assert api_status(server.url, token) == 200
    peer = _new_page(browser, server)
    sign_in(peer, "visitingpeer@meridian.example")
    peer.goto("/assists/")
    room_link = peer.locator("a[href$='/live/']").first
    href = room_link.get_attribute("href") if room_link.count() else None
    if href is None:
        out = cli(env, "shell", "-c", LIVE_ASSIST)
        href = f"/assists/{out.strip().splitlines()[-1]}/live/"
    peer.goto(href)
    status = peer.get_by_test_id("connection-status")
    expect(status).to_have_text("Saved")

    admin.goto("/members/")
    row = admin.locator("tr[data-email='visitingpeer@meridian.example']")
    row.get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_text("was deactivated")).to_be_visible()
    expect(status).to_have_text(re.compile("turned your access off"), timeout=5_000)
    assert api_status(server.url, token) == 401
    peer.context.close()
    admin.context.close()


LIVE_ASSIST = (
    "from peerassist.assists.models import Participation;"
    "print(Participation.objects.filter(person__user__email='visitingpeer@meridian.example')"
    ".values_list('assist_id', flat=True).first())"
)
