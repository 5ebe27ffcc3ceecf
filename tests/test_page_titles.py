"""Every page's <title> reads "Page · peerassist" (base.html once ran the two together)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import peerassist

PAGES = [
    "/",
    "/assists/",
    "/assists/new/",
    "/assists/shared/",
    "/people/",
    "/communities/",
    "/communities/topics/",
    "/search/",
    "/reports/",
    "/reports/dashboard/",
    "/notifications/",
    "/account/",
    "/no-such-page/",
]
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(html: str) -> str:
    match = TITLE.search(html)
    assert match, "no <title>"
    return " ".join(match.group(1).split())


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_page_title_names_the_page_then_the_site(organiser, path):
    response = organiser.client().get(path)
    assert response.status_code in (200, 404), path
    title = title_of(response.content.decode())
    page, sep, site = title.rpartition(" · ")
    assert sep and site == "peerassist" and page.strip(), f"{path}: {title!r}"


@pytest.mark.django_db
def test_sign_in_page_title_has_the_separator(client):
    title = title_of(client.get("/accounts/login/").content.decode())
    assert title.endswith(" · peerassist") and len(title) > len(" · peerassist"), title


def test_every_page_template_sets_a_title():
    root = Path(peerassist.__file__).parent
    missing = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text()
        extends = re.search(r'{%\s*extends\s+"([^"]+)"', text)
        if not extends or extends.group(1).startswith("email/"):
            continue
        if not re.search(r"{%\s*block\s+(title|head_title|error_title)\s*%}", text):
            missing.append(str(template.relative_to(root)))
    assert missing == []
