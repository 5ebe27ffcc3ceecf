"""One way to show dates and times: every page the demo's people reach shows them in the house
style (core/when.py) and none of the four shapes seen before ("Nov. 28, 2026, 6:16 p.m.",
"08:37 PM", ISO dates in visible text, American month-first dates)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from peerassist.accounts.models import User

pytestmark = pytest.mark.django_db

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
ZONE = r"(?: \([A-Za-z0-9_/ +-]+\))?"
CLOCK = r"\d{2}:\d{2}"
ONE = rf"(?:{DAY} )?\d{{1,2}} {MONTH} \d{{4}}(?:, {CLOCK})?"
#: What a <time> element may say: "Tue 1 Dec 2026, 09:30–11:00 (Europe/Paris)", "1 Dec 2026".
HOUSE = re.compile(rf"^{ONE}(?:–(?:{CLOCK}|{ONE}))?{ZONE}$")

OLD_SHAPES = {
    "Django's default 'Nov. 28, 2026'": re.compile(rf"\b{MONTH}\. \d{{1,2}}, \d{{4}}"),
    "a.m./p.m.": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.m\."),
    "a 12-hour clock '08:37 PM'": re.compile(r"\b\d{1,2}:\d{2} ?(?:AM|PM|am|pm)\b"),
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "month before day 'November 28, 2026'": re.compile(
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{1,2}, \d{4}"
    ),
}


class Page(HTMLParser):
    """The visible text (not scripts, styles, form values or code), <time> texts and links."""

    HIDDEN = {"script", "style", "textarea", "code", "pre", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.times: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._time: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "time":
            self._time = []
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "time" and self._time is not None:
            self.times.append(" ".join("".join(self._time).split()))
            self._time = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        if self._time is not None:
            self._time.append(data)


SKIP = ("/accounts/logout", "/api/", "/static/", "/media/", "/admin/", "/i18n/", "/live/")
SKIP_PARTS = ("export", "download", ".ics", "print", "/file", "/csv", "/projector")


def crawl(client: Client, start: list[str], limit: int) -> dict[str, Page]:
    seen: dict[str, Page] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or not url.startswith("/") or url.startswith(SKIP):
            continue
        if any(part in url for part in SKIP_PARTS):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode())
        seen[url] = page
        for href in page.links:
            parts = urlsplit(href)
            if not parts.scheme and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.mark.parametrize(
    "email", ["organiser@meridian.example", "admin@meridian.example", "guest@partner.example"]
)
def test_every_page_shows_dates_one_way(email):
    call_command("demo", quiet=True)
    client = Client()
    client.force_login(User.objects.get(email=email))
    client.cookies["peerassist_tz"] = "Europe/Paris"  # as the browser sends it
    pages = crawl(client, ["/", "/notifications/", "/search/?q=meter"], limit=90)
    assert len(pages) > (5 if "guest" in email else 40), sorted(pages)
    problems = []
    times = 0
    for url, page in pages.items():
        text = " ".join(" ".join(page.text).split())
        for name, shape in OLD_SHAPES.items():
            problems += [f"{url}: {name}: {m.group(0)!r}" for m in shape.finditer(text)]
        for shown in page.times:
            times += 1
            if not HOUSE.match(shown):
                problems.append(f"{url}: <time> says {shown!r}")
    assert problems == []
    assert times > (0 if "guest" in email else 30)
