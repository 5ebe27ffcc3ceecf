"""Breakout groups carried through to the record (issue 21, Deliver 2): the group of each
note and person in the draft, and from there in the PDF, the DOCX and the API."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from peerassist.assists.models import BreakoutGroup, Participation
from peerassist.writeups import drafting, services
from peerassist.writeups.exports import writeup_export
from peerassist.writeups.selectors import session_data
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db


def grouped_scene(org):
    """The write-up scene split into two language groups, each note filed under one."""
    scene = make_scene(org, status="concluded")
    english = BreakoutGroup.objects.create(assist=scene.assist, name="Group 1 (English)", order=0)
    french = BreakoutGroup.objects.create(assist=scene.assist, name="Group 2 (French)", order=1)
    people = Participation.objects.filter(assist=scene.assist)
    people.filter(person=scene.visiting.person).update(group=english)
    people.filter(person=scene.home.person).update(group=english)
    people.filter(person=scene.other_peer).update(group=french)
    for note in scene.notes:
        note.group = english if note.author_id == scene.visiting.person.pk else french
        note.save(update_fields=["group"])
    return scene, english, french


def test_every_note_and_person_carries_their_group_into_the_session_data(org):
    scene, english, french = grouped_scene(org)
    data = session_data(assist=scene.assist)

    assert [g.name for g in data.groups] == [english.name, french.name]
    assert set(data.groups[0].members) == {scene.visiting.person.name, scene.home.person.name}
    assert list(data.groups[1].members) == [scene.other_peer.name]
    by_text = {n.text: n.group for n in data.notes}
    assert by_text["Loggers on plastic pipes hear less than 100 m"] == english.name
    assert by_text["Map hydrant access before the first deployment"] == french.name


def test_the_draft_names_each_notes_group_and_lists_who_was_in_which(org):
    scene, english, french = grouped_scene(org)
    body = drafting.draft_markdown(session_data(assist=scene.assist))

    assert "### Breakout groups" in body
    assert f"- **{french.name}:** {scene.other_peer.name}" in body
    visitor = scene.visiting.person.name
    assert f"Loggers on plastic pipes hear less than 100 m — *{visitor}* · {english.name}" in body
    assert f"Map hydrant access before the first deployment — *Vera Peer* · {french.name}" in body


def test_a_session_without_groups_has_no_groups_section(org):
    scene = make_scene(org, status="concluded")
    body = drafting.draft_markdown(session_data(assist=scene.assist))
    assert "Breakout groups" not in body
    assert " · Group" not in body


def test_pure_draft_lists_groups_with_their_spokesperson():
    data = drafting.SessionData(
        title="Breakouts",
        notes=[drafting.NoteData("insight", "Insight", "Ask early", True, None, "Ana", group="G1")],
        groups=[
            drafting.GroupData("G1", ["Ana", "Bo"], spokesperson="Ana"),
            drafting.GroupData("G2", []),
        ],
    )
    body = drafting.draft_markdown(data)
    assert "- **G1:** Ana, Bo (spokesperson: Ana)" in body
    assert "- **G2:** nobody" in body
    assert "- ★ Ask early — *Ana* · G1" in body


def test_pdf_and_docx_say_which_group_each_note_came_from(org):
    scene, english, french = grouped_scene(org)
    writeup = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)

    pdf = writeup_export(writeup=writeup, fmt="pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Breakout groups" in text
    assert f"Map hydrant access before the first deployment — Vera Peer · {french.name}" in text
    assert f"{english.name}:" in text

    docx = writeup_export(writeup=writeup, fmt="docx")
    paragraphs = " ".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"Map hydrant access before the first deployment — Vera Peer · {french.name}" in (
        paragraphs
    )
