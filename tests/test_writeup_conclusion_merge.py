"""'The conclusion changed since this draft' with a one-click merge (issue 21, Deliver 4): the
sections the conclusion changed are brought into the edited write-up, every other edit stays."""

import pytest
from django.urls import reverse

from peerassist.writeups import merging, services
from peerassist.writeups.models import WriteUp
from tests.writeups_support import make_scene

BASE = """# Loggers

*Peer Assist*

## What we heard

- Map hydrants first

## Our response

**What we learned.** Placement matters.

## Actions

| Action | Owner |
| --- | --- |
| Get the sheet | Hana |
"""

EDITED = BASE.replace("- Map hydrants first", "- Map hydrants first (edited by the home team)")
FRESH = BASE.replace(
    "| Get the sheet | Hana |", "| Get the sheet | Hana |\n| Call the 2023 team | Bo |"
)


def test_only_the_sections_the_conclusion_changed_are_found():
    assert merging.changed_sections(BASE, FRESH) == ["Actions"]
    assert merging.changed_sections(BASE, BASE) == []


def test_a_merge_brings_the_new_action_and_keeps_the_editors_other_edits():
    merged = merging.merge(EDITED, FRESH, ["Actions"])
    assert "| Call the 2023 team | Bo |" in merged
    assert "(edited by the home team)" in merged
    assert merged.count("## Actions") == 1
    assert merging.merge(merged, FRESH, ["Actions"]) == merged  # merging twice changes nothing


def test_a_section_the_editor_deleted_comes_back_at_the_end():
    without = EDITED.split("## Actions")[0]
    merged = merging.merge(without, FRESH, ["Actions"])
    assert merged.rstrip().endswith("| Call the 2023 team | Bo |")


def test_sections_keep_the_text_before_the_first_heading():
    found = merging.sections(BASE)
    assert found[""].startswith("# Loggers")
    assert list(found) == ["", "What we heard", "Our response", "Actions"]
    assert "".join(found.values()) == BASE


# --- On the editor ---------------------------------------------------------------------------


@pytest.fixture
def edited(db, org):
    """A concluded session's write-up, drafted, then edited by the home team."""
    scene = make_scene(org, status="concluded")
    writeup = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
    body = writeup.body.replace(
        "Loggers on plastic pipes hear less than 100 m",
        "Loggers on plastic pipes hear less than 100 m (we checked)",
    )
    services.writeup_save(viewer=scene.home.viewer, assist=scene.assist, body=body)
    return scene


def _editor(scene, persona=None):
    client = (persona or scene.home).client()
    return client, client.get(reverse("writeups:writeup", args=[scene.assist.pk]))


def test_nothing_is_offered_while_the_conclusion_is_unchanged(edited):
    _client, page = _editor(edited)
    assert page.status_code == 200
    assert 'data-testid="conclusion-changed"' not in page.text


def test_a_new_action_is_announced_and_merged_in_one_click_keeping_the_edit(edited):
    services.action_create(
        viewer=edited.facilitator.viewer, assist=edited.assist, title="Call the 2023 pilot team"
    )
    client, page = _editor(edited)
    assert "The conclusion changed since this draft" in page.text
    assert "Actions" in page.context["conclusion_changes"]
    response = client.post(reverse("writeups:merge_conclusion", args=[edited.assist.pk]))
    assert response.status_code == 302
    body = WriteUp.objects.get(assist=edited.assist).body
    assert "Call the 2023 pilot team" in body
    assert "(we checked)" in body
    _client, page = _editor(edited)
    assert 'data-testid="conclusion-changed"' not in page.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("home", 302), ("facilitator", 302), ("visiting", 403), ("guest", 404)],
)
def test_who_may_merge(request, edited, who, status):
    services.action_create(
        viewer=edited.facilitator.viewer, assist=edited.assist, title="Call the 2023 pilot team"
    )
    persona = request.getfixturevalue("guest") if who == "guest" else getattr(edited, who)
    response = persona.client().post(reverse("writeups:merge_conclusion", args=[edited.assist.pk]))
    assert response.status_code == status
    merged = "Call the 2023 pilot team" in WriteUp.objects.get(assist=edited.assist).body
    assert merged is (status == 302)
