"""What a French or Spanish reader sees: no English UI text on the pages of the role journeys.

Signed in as the demo's member, facilitator and admin, with French then Spanish as the
browser's language (Accept-Language and the language cookie), each page's visible text nodes
are compared with the catalogue: a node that is exactly an msgid whose translation differs is
an English UI string shown untranslated. Read-only visits: later browser tests share the server.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import _new_page, sign_in
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2] / "peerassist"
CATALOGUES = [
    "locale/{lang}/LC_MESSAGES/django.po",
    "invitations/locale/{lang}/LC_MESSAGES/django.po",
]
LANGUAGES = {"fr": "fr-FR", "es": "es-ES"}

# The visible text nodes of the page, whitespace collapsed. Left out: what is not shown, what
# is marked translate="no", and what people wrote that may read like a UI string (a write-up's
# text, an expertise tag): the templates mark it data-user-content.
VISIBLE_TEXT = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = "script, style, noscript, template, [translate=no], [hidden], [data-user-content]";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest(skip)) continue;
    const style = getComputedStyle(parent);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (!parent.getClientRects().length && !parent.closest(".visually-hidden, .sr-only")) continue;
    texts.push(text);
  }
  for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (!el.closest("[translate=no]")) texts.push(el.placeholder.trim());
  }
  return texts;
}"""

# Everything a demo persona may open, with the ids of the demo's assists read once. The live
# pages are those of a live assist made here for the demo's facilitator and home peer: earlier
# browser tests on the same server take the demo's own live assist to its conclusion, where
# its agenda, room and brief are closed (403).
IDS_SCRIPT = """
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.assists.services import _copy_steps
from peerassist.communities.models import Community, Topic
from peerassist.live.services import room_open
from peerassist.people.models import Person
demo = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers")
org = demo.organisation
fmt = Format.objects.get(organisation=None, kind="four_part")
live = PeerAssist.objects.create(
    organisation=org, title="Translations check, live", format=fmt, status="live",
    focus_questions=["How do we warn customers who speak little English?"],
)
_copy_steps(fmt, live)
room_open(assist_id=live.pk)
for email, role in (
    ("facilitator@meridian.example", "facilitator"), ("homepeer@meridian.example", "home_peer")
):
    # Their person, whichever way earlier tests left the link between login and person.
    person = (
        Person.objects.filter(organisation=org, user__email=email).first()
        or Person.objects.filter(organisation=org, email=email).first()
        or Person.objects.create(organisation=org, email=email, name=email.split("@")[0])
    )
    give_login(email, org, person)
    Participation.objects.create(assist=live, person=person, role=role)
done = PeerAssist.objects.get(title="A framework contract for asset data services")
print(json.dumps({
    "live": live.pk, "done": done.pk,
    "community": Community.objects.order_by("pk").first().pk,
    "topic": Topic.objects.order_by("pk").first().pk,
}))
"""


def journeys(ids: dict[str, int]) -> dict[str, list[str]]:
    live, done = ids["live"], ids["done"]
    return {
        "member@meridian.example": [
            "/",
            "/assists/",
            f"/assists/{done}/",
            f"/assists/{done}/brief/print/",
            f"/assists/{done}/conclusion/",
            f"/assists/{done}/writeup/",
            "/search/?q=water",
            "/communities/",
            f"/communities/{ids['community']}/",
            "/communities/topics/",
            f"/communities/topics/{ids['topic']}/",
            "/reports/",
            "/notifications/",
            "/people/",
            "/account/",
        ],
        "facilitator@meridian.example": [
            f"/assists/{live}/",
            f"/assists/{live}/agenda/",
            f"/assists/{live}/live/",
            f"/assists/{live}/conclusion/",
        ],
        "homepeer@meridian.example": [f"/assists/{live}/brief/", f"/assists/{live}/people/"],
        "admin@meridian.example": ["/members/", "/account/organisation/"],
    }


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def untranslated_msgids(lang: str) -> set[str]:
    """The msgids (singular and plural) whose translation in `lang` is not the English text."""
    found: set[str] = set()
    for pattern in CATALOGUES:
        text = (ROOT / pattern.format(lang=lang)).read_text(encoding="utf-8")
        for entry in text.split("\n\n"):
            fields: dict[str, list[str]] = {}
            key = ""
            for line in entry.splitlines():
                if line.startswith("#"):
                    continue
                if match := re.match(
                    r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line
                ):
                    key = match.group(1)
                    fields[key] = [match.group(2)]
                elif line.startswith('"') and key:
                    fields[key].append(line)
            if "msgid" not in fields:
                continue
            translations = {_unquote(v) for k, v in fields.items() if k.startswith("msgstr")}
            for k in ("msgid", "msgid_plural"):
                if k in fields:
                    msgid = " ".join(_unquote(fields[k]).split())
                    # Only whole texts can be seen as they are: not placeholders.
                    if (
                        msgid
                        and "%" not in msgid
                        and "{" not in msgid
                        and msgid not in translations
                    ):
                        found.add(msgid)
    return found


def english_on(page: Page, msgids: set[str]) -> list[str]:
    texts: list[str] = page.evaluate(VISIBLE_TEXT)
    return sorted({t for t in texts if t in msgids})


def signed_in_states(browser: Browser, app_server: AppServer, emails: list[str]) -> dict[str, Any]:
    states = {}
    for email in emails:
        page = _new_page(browser, app_server)
        try:
            sign_in(page, email)
            assert page.url.rstrip("/") == app_server.url, f"{email} sign-in ended on {page.url}"
            states[email] = page.context.storage_state()
        finally:
            page.context.close()
    return states


def test_french_and_spanish_readers_see_no_english_ui_text(
    browser: Browser, app_server: AppServer
) -> None:
    pages = journeys(server_shell(app_server, IDS_SCRIPT))
    states = signed_in_states(browser, app_server, list(pages))
    offenders: list[str] = []
    for lang, locale in LANGUAGES.items():
        msgids = untranslated_msgids(lang)
        for email, paths in pages.items():
            state = dict(states[email])
            host = app_server.url.split("//", 1)[1].split(":")[0]
            state["cookies"] = [
                *state["cookies"],
                {"name": "django_language", "value": lang, "domain": host, "path": "/"},
            ]
            page = _new_page(browser, app_server, storage_state=state, locale=locale)
            # Forty-odd pages in a row: a busy CI machine may take longer than 5 s for one.
            page.set_default_navigation_timeout(30_000)
            try:
                for path in paths:
                    response = page.goto(path, wait_until="load")
                    if response is None or not response.ok:
                        offenders.append(
                            f"{lang} {email} {path}: answered "
                            f"{response.status if response else 'nothing'}"
                        )
                        continue
                    page.wait_for_load_state("networkidle")
                    assert page.locator("html").get_attribute("lang") == lang, path
                    if english := english_on(page, msgids):
                        offenders.append(f"{lang} {email} {path}: {english}")
            finally:
                page.context.close()
    assert not offenders, "English UI text on French/Spanish pages:\n" + "\n".join(offenders)
