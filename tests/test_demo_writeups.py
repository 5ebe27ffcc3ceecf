"""The demo's sessions after the fact: notes, write-ups, exports and follow-ups (issue 6's
"done when", on the demo data that `make run` shows)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from docx import Document
from markdown_it import MarkdownIt
from pypdf import PdfReader

from peerassist.assists.models import PeerAssist, Status
from peerassist.live.models import Contribution
from peerassist.writeups.exports import writeup_export
from peerassist.writeups.models import Action, FollowUp, WriteUp, WriteUpStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", quiet=True)
    return PeerAssist.objects.filter(organisation__slug="meridian")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_session_held_has_notes_and_every_concluded_one_a_write_up(demo):
    for assist in demo.filter(status__in=[Status.LIVE, Status.CONCLUDED, Status.WRITTEN_UP]):
        assert Contribution.objects.filter(assist=assist, starred=True).exists(), assist.title
    done = demo.filter(status__in=[Status.CONCLUDED, Status.WRITTEN_UP, Status.FOLLOWED_UP])
    assert WriteUp.objects.filter(assist__in=done).count() == done.count() == 3
    published = WriteUp.objects.filter(status=WriteUpStatus.PUBLISHED)
    assert set(published.values_list("assist__status", flat=True)) == {
        Status.WRITTEN_UP,
        Status.FOLLOWED_UP,
    }


def test_each_demo_draft_holds_every_starred_note_and_every_action(demo):
    for writeup in WriteUp.objects.filter(assist__in=demo).select_related("assist"):
        starred = Contribution.objects.filter(assist=writeup.assist, starred=True)
        actions = Action.objects.filter(assist=writeup.assist)
        assert starred.exists() and actions.count() == 3
        body = _flat(writeup.body)
        for note in starred:
            assert _flat(note.text) in body, note.text
        for action in actions:
            assert action.title in body


def test_each_demo_write_up_exports_to_every_format(demo):
    for writeup in WriteUp.objects.filter(assist__in=demo).select_related("assist"):
        title = writeup.assist.title
        pdf = PdfReader(io.BytesIO(writeup_export(writeup=writeup, fmt="pdf").content))
        text = _flat(" ".join(page.extract_text() for page in pdf.pages))
        assert len(pdf.pages) <= 2
        assert _flat(title).replace("’", "'") in text.replace("’", "'")
        for action in Action.objects.filter(assist=writeup.assist):
            assert action.title in text

        docx = Document(io.BytesIO(writeup_export(writeup=writeup, fmt="docx").content))
        assert any(title in p.text for p in docx.paragraphs)
        assert docx.tables, "the actions table"

        markdown = writeup_export(writeup=writeup, fmt="md").content.decode()
        tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
        assert any(t.type == "table_open" for t in tokens)


def test_the_follow_ups_show_each_moment(demo):
    written_up = FollowUp.objects.get(assist__in=demo, assist__status=Status.WRITTEN_UP)
    assert written_up.asked_at is None and written_up.answered_at is None  # due: the worker asks
    followed_up = FollowUp.objects.get(assist__in=demo, assist__status=Status.FOLLOWED_UP)
    assert followed_up.answered_at and followed_up.followed_up_with.exists()


def test_loading_the_demo_again_adds_no_notes_or_write_ups(demo):
    counts = (Contribution.objects.count(), WriteUp.objects.count(), Action.objects.count())
    call_command("demo", quiet=True)
    assert (Contribution.objects.count(), WriteUp.objects.count(), Action.objects.count()) == counts


def test_report_as_a_person_needs_no_organisation_when_they_have_one(demo, tmp_path):
    # The demo has two organisations; the member belongs to one of them only.
    out = tmp_path / "q.docx"
    held = demo.get(status=Status.WRITTEN_UP).starts_at
    quarter = f"{held.year}Q{(held.month - 1) // 3 + 1}"
    call_command(
        "report", quarter=quarter, format="docx", output=str(out), email="member@meridian.example"
    )
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Meridian Water" in text
    assert "A framework contract for asset data services" in text


def test_members_find_search_and_reports_in_the_menu_and_admins_find_webhooks(member, admin, guest):
    from django.urls import reverse

    profile = reverse("accounts:profile")
    page = member.client().get("/").content.decode()
    assert 'href="/search/"' in page and 'href="/reports/"' in page
    assert 'href="/webhooks/"' not in member.client().get(profile).content.decode()
    assert 'href="/webhooks/"' in admin.client().get(profile).content.decode()
    guest_page = guest.client().get("/").content.decode()
    assert 'href="/search/"' not in guest_page and 'href="/reports/"' not in guest_page
