"""The conclusion page and the write-up editor, as the people who use them: who may see and
change what, the htmx fragments, the versions, and bad input that loses nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerassist.assists.models import Participation, Role, Status
from peerassist.writeups import services
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    ConnectPair,
    Feedback,
    FollowUp,
    WriteUp,
    WriteUpStatus,
)
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def scene(org):
    return make_scene(org, status="concluded")


def url(name, scene, *args):
    return reverse(f"writeups:{name}", args=[scene.assist.pk, *args])


def persona(request, scene, who):
    """A scene persona (home, facilitator, …) or a conftest one (member, guest, …)."""
    if hasattr(scene, who):
        return getattr(scene, who)
    return request.getfixturevalue(who)


def drafted(scene):
    return services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)


# --- Who may see and change the conclusion ------------------------------------------------

SEE = [
    ("home", 200),
    ("facilitator", 200),
    ("note_taker", 200),
    ("visiting", 200),
    ("observer", 200),
    ("member", 200),  # everyone in the organisation sees an organisation-wide assist
    ("organiser", 200),
    ("guest", 404),  # a guest sees only what they took part in
    ("outsider", 403),
    ("other_org_member", 404),
]


@pytest.mark.parametrize(("who", "expected"), SEE)
def test_who_sees_the_conclusion(request, scene, who, expected):
    response = persona(request, scene, who).client().get(url("conclusion", scene))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("home", 200), ("visiting", 200), ("member", 404), ("organiser", 200)],
)
def test_a_participants_only_assist_is_hidden_from_others(request, org, who, expected):
    scene = make_scene(org, status="concluded", visibility="participants")
    response = persona(request, scene, who).client().get(url("conclusion", scene))
    assert response.status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(client, scene):
    response = client.get(url("conclusion", scene))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


RESPONSE = {
    "learned": "Placement matters more than the logger",
    "do_differently": "Survey access first",
    "shared_knowledge": "Night correlation works",
    "followup": "date",
    "followup_on": "",
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("home", 302),
        ("facilitator", 302),
        ("note_taker", 302),
        ("organiser", 302),
        ("visiting", 403),
        ("observer", 403),
        ("member", 403),
        ("other_org_member", 404),
    ],
)
def test_who_records_the_response(request, scene, who, expected):
    data = {**RESPONSE, "followup_on": str(timezone.localdate() + timedelta(days=30))}
    response = persona(request, scene, who).client().post(url("conclusion", scene), data)
    assert response.status_code == expected
    assert FollowUp.objects.filter(assist=scene.assist).exists() == (expected == 302)


def test_the_response_is_saved_and_the_followup_scheduled(scene):
    due = timezone.localdate() + timedelta(days=30)
    client = scene.home.client()
    response = client.post(url("conclusion", scene), {**RESPONSE, "followup_on": str(due)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The home team&#x27;s response is saved." in page
    assert "Placement matters more than the logger" in page
    assert FollowUp.objects.get(assist=scene.assist).due_on == due
    # Someone who may not edit reads it instead of a form.
    page = scene.visiting.client().get(url("conclusion", scene)).content.decode()
    assert "Placement matters more than the logger" in page
    assert 'data-testid="save-response"' not in page


def test_a_bad_response_names_the_field_and_loses_nothing(scene):
    response = scene.home.client().post(url("conclusion", scene), RESPONSE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the date of the follow-up." in page
    assert "Placement matters more than the logger" in page
    assert "Survey access first" in page
    assert not FollowUp.objects.filter(assist=scene.assist).exists()


# --- Actions -------------------------------------------------------------------------------


def action_data(scene, prefix="new", **overrides):
    data = {
        f"{prefix}-title": "Ask the 2023 pilot team for their placement sheet",
        f"{prefix}-owner": scene.home.person.pk,
        f"{prefix}-due_on": str(timezone.localdate() + timedelta(days=14)),
        f"{prefix}-status": ActionStatus.OPEN,
        f"{prefix}-contributions": [scene.note("Ask the 2023").pk],
    }
    data.update({f"{prefix}-{k}": v for k, v in overrides.items()})
    return data


def test_an_action_is_added_with_htmx_and_its_notes(scene):
    response = scene.home.client().post(url("action_add", scene), action_data(scene), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # just the section
    assert "Ask the 2023 pilot team for their placement sheet" in html
    action = Action.objects.get(assist=scene.assist)
    assert action.owner == scene.home.person
    assert list(action.contributions.all()) == [scene.note("Ask the 2023")]


def test_an_action_without_a_title_shows_the_error_and_keeps_the_rest(scene):
    data = action_data(scene, title="", due_on="2099-01-01")
    response = scene.home.client().post(url("action_add", scene), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "2099-01-01" in page
    assert not Action.objects.exists()


def test_an_action_cannot_rest_on_an_ordinary_note(scene):
    data = action_data(scene, contributions=[scene.note("Map hydrant").pk])
    response = scene.home.client().post(url("action_add", scene), data)
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_an_actions_status_is_changed_and_it_can_be_removed(scene):
    action = services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="Call Bo")
    client = scene.facilitator.client()
    prefix = f"a{action.pk}"
    data = action_data(scene, prefix=prefix, title="Call Bo today", status=ActionStatus.DONE)
    response = client.post(url("action_edit", scene, action.pk), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{action.pk}")
    action.refresh_from_db()
    assert (action.title, action.status) == ("Call Bo today", ActionStatus.DONE)
    assert action.completed_at is not None
    client.post(url("action_edit", scene, action.pk), {"delete": "1"})
    assert not Action.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize(("who", "expected"), [("visiting", 403), ("member", 403)])
def test_who_may_not_touch_actions(request, scene, who, expected):
    action = services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="Call Bo")
    client = persona(request, scene, who).client()
    assert client.post(url("action_add", scene), action_data(scene)).status_code == expected
    assert client.post(url("action_edit", scene, action.pk), {"delete": "1"}).status_code == (
        expected
    )
    assert Action.objects.filter(assist=scene.assist).count() == 1


def test_another_assists_action_is_not_found(org, scene):
    from tests.factories import PeerAssistFactory

    other = PeerAssistFactory(organisation=org, status=Status.CONCLUDED)
    foreign = Action.objects.create(assist=other, title="Not here")
    response = scene.home.client().post(url("action_edit", scene, foreign.pk), {"delete": "1"})
    assert response.status_code == 404
    assert Action.objects.filter(pk=foreign.pk).exists()


# --- Connect afterwards --------------------------------------------------------------------


def test_a_home_peer_and_a_visiting_peer_are_paired_and_unpaired(scene):
    client = scene.home.client()
    data = {
        "home_peer": scene.home.person.pk,
        "visiting_peer": scene.visiting.person.pk,
        "topic": "Night correlation",
    }
    response = client.post(url("pair_add", scene), data, headers=HTMX)
    assert response.status_code == 200
    assert "Night correlation" in response.content.decode()
    pair = ConnectPair.objects.get(assist=scene.assist)
    assert scene.visiting.client().post(url("pair_remove", scene, pair.pk)).status_code == 403
    assert client.post(url("pair_remove", scene, pair.pk)).status_code == 302
    assert not ConnectPair.objects.exists()


def test_a_pair_must_be_a_home_peer_and_a_visiting_peer(scene):
    data = {"home_peer": scene.visiting.person.pk, "visiting_peer": scene.home.person.pk}
    response = scene.home.client().post(url("pair_add", scene), data)
    assert response.status_code == 400
    assert not ConnectPair.objects.exists()


# --- Feedback ------------------------------------------------------------------------------


def test_a_participant_gives_feedback_and_may_be_anonymous(scene):
    client = scene.visiting.client()
    data = {"usefulness": "4", "comment": "Good pace", "anonymous": "on"}
    response = client.post(url("feedback", scene), data, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you: your feedback is saved." in html
    assert "Good pace" in html and "anonymous" in html
    feedback = Feedback.objects.get(assist=scene.assist)
    assert (feedback.person, feedback.anonymous) == (scene.visiting.person, True)
    # The name of who gave it is shown to nobody, not even the home team.
    page = scene.home.client().get(url("conclusion", scene)).content.decode()
    assert "Good pace" in page
    assert scene.visiting.person.name not in page.split('id="feedback"')[1].split("</section>")[0]


def test_named_feedback_shows_the_name(scene):
    scene.observer.client().post(url("feedback", scene), {"usefulness": "5", "comment": "Great"})
    page = scene.home.client().get(url("conclusion", scene)).content.decode()
    section = page.split('id="feedback"')[1].split("</section>")[0]
    assert scene.observer.person.name in section


@pytest.mark.parametrize(("who", "expected"), [("member", 403), ("other_org_member", 404)])
def test_who_took_no_part_gives_no_feedback(request, scene, who, expected):
    client = persona(request, scene, who).client()
    assert client.post(url("feedback", scene), {"usefulness": "5"}).status_code == expected
    assert not Feedback.objects.exists()


def test_feedback_out_of_range_is_an_error_on_the_form(scene):
    response = scene.visiting.client().post(url("feedback", scene), {"usefulness": "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Feedback.objects.exists()


# --- Concluding from the page ---------------------------------------------------------------


def test_the_facilitator_concludes_from_the_page(org):
    scene = make_scene(org, status="live")
    assert scene.home.client().post(url("conclude", scene)).status_code == 403
    response = scene.facilitator.client().post(url("conclude", scene))
    assert response.status_code == 302
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.CONCLUDED
    assert WriteUp.objects.get(assist=scene.assist).version == 1


# --- The write-up editor --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("home", 200),
        ("note_taker", 200),
        ("visiting", 200),  # a draft is for those who took part
        ("member", 404),  # ... and not yet for the rest of the organisation
        ("organiser", 200),
        ("guest", 404),
        ("other_org_member", 404),
    ],
)
def test_who_reads_the_draft(request, scene, who, expected):
    drafted(scene)
    response = persona(request, scene, who).client().get(url("writeup", scene))
    assert response.status_code == expected


def test_only_editors_get_the_editor(scene):
    drafted(scene)
    assert 'data-testid="writeup-body"' in scene.home.client().get(url("writeup", scene)).text
    page = scene.visiting.client().get(url("writeup", scene)).text
    assert 'data-testid="writeup-body"' not in page
    assert "Loggers on plastic pipes hear less than 100 m" in page


def test_saving_makes_a_version_and_the_history_shows_it(scene):
    drafted(scene)
    client = scene.home.client()
    body = "# Leaks\n\nWe **learned** a lot.\n"
    response = client.post(url("writeup", scene), {"body": body, "note": "Tightened"})
    assert response.status_code == 302
    writeup = WriteUp.objects.get(assist=scene.assist)
    assert (writeup.version, writeup.body) == (2, body)
    page = client.get(response["Location"]).text
    assert "Saved as version 2." in page
    history = client.get(url("versions", scene)).text
    assert "Tightened" in history and "Drafted from the session" in history
    # Saving the same text again makes no version.
    client.post(url("writeup", scene), {"body": body})
    assert WriteUp.objects.get(assist=scene.assist).version == 2


def test_a_visiting_peer_may_not_save_or_preview(scene):
    drafted(scene)
    client = scene.visiting.client()
    assert client.post(url("writeup", scene), {"body": "Mine now"}).status_code == 403
    assert client.post(url("preview", scene), {"body": "x"}).status_code == 403
    assert WriteUp.objects.get(assist=scene.assist).version == 1


def test_the_preview_renders_markdown_without_running_scripts(scene):
    drafted(scene)
    body = (
        "## Options\n\n- **night** correlation\n\n<script>alert('x')</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
    )
    response = scene.home.client().post(url("preview", scene), {"body": body}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Options</h2>" in html
    assert "<strong>night</strong>" in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert 'href="javascript' not in html
    assert "<img" not in html
    assert 'id="writeup-gauge"' in html


def test_the_gauge_shows_pages_and_words_and_warns_past_two_pages(scene):
    drafted(scene)
    client = scene.home.client()
    short = client.post(url("preview", scene), {"body": "one two three"}).text
    # Pages as the PDF lays them out (tests/test_writeups_length.py compares with the PDF).
    assert "1 of 2 pages in the PDF" in short and "3 words" in short
    assert "finding warning" not in short
    long = client.post(url("preview", scene), {"body": "word " * 3000}).text
    assert re.search(r"[3-9] of 2 pages in the PDF", long) and "3000 words" in long
    assert "finding warning" in long


def test_a_diff_between_versions_and_restore(scene):
    drafted(scene)
    client = scene.home.client()
    client.post(url("writeup", scene), {"body": "First line\nSecond line\n"})
    client.post(url("writeup", scene), {"body": "First line\nChanged line\n"})
    diff = client.get(url("version", scene, 2))
    assert diff.status_code == 200
    text = diff.content.decode()
    assert "Second line" in text and "Changed line" in text
    assert client.get(url("version", scene, 99)).status_code == 404
    response = client.post(url("restore", scene, 2))
    assert response.status_code == 302
    writeup = WriteUp.objects.get(assist=scene.assist)
    assert (writeup.version, writeup.body) == (4, "First line\nSecond line\n")
    assert scene.visiting.client().post(url("restore", scene, 1)).status_code == 403
    assert client.post(url("restore", scene, 99)).status_code == 404


def test_an_edit_that_breaks_a_rule_keeps_the_text(org):
    scene = make_scene(org, status="concluded")
    drafted(scene)
    # The assist moves back (an organiser reopened it): the write-up is closed to edits.
    type(scene.assist).objects.filter(pk=scene.assist.pk).update(status=Status.LIVE)
    response = scene.home.client().post(url("writeup", scene), {"body": "My careful words"})
    assert response.status_code == 400
    assert "My careful words" in response.content.decode()
    assert WriteUp.objects.get(assist=scene.assist).version == 1


# --- Publishing -----------------------------------------------------------------------------


def test_publish_with_recipients(org, scene, directory):
    drafted(scene)
    client = scene.home.client()
    form = client.get(url("publish", scene))
    assert form.status_code == 200
    ana = directory["people"]["ana"]
    assert ana.name in form.text
    response = client.post(
        url("publish", scene), {"recipients": [ana.pk], "shared_with_guests": ""}
    )
    assert response.status_code == 302
    writeup = WriteUp.objects.get(assist=scene.assist)
    assert writeup.status == WriteUpStatus.PUBLISHED
    assert list(writeup.recipients.all()) == [ana]
    assert writeup.shared_with_guests is False
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.WRITTEN_UP


def test_publish_refuses_another_organisations_person_and_keeps_the_draft(scene, directory):
    drafted(scene)
    stranger = directory["people"]["stranger"]
    response = scene.home.client().post(url("publish", scene), {"recipients": [stranger.pk]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert WriteUp.objects.get(assist=scene.assist).status == WriteUpStatus.DRAFT


@pytest.mark.parametrize(("who", "expected"), [("note_taker", 403), ("visiting", 403)])
def test_who_may_not_publish(request, scene, who, expected):
    drafted(scene)
    assert persona(request, scene, who).client().post(url("publish", scene)).status_code == expected
    assert WriteUp.objects.get(assist=scene.assist).status == WriteUpStatus.DRAFT


def test_a_published_write_up_is_read_by_the_organisation(scene, member):
    drafted(scene)
    services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)
    page = member.client().get(url("writeup", scene))
    assert page.status_code == 200
    assert "Loggers on plastic pipes hear less than 100 m" in page.text
    assert 'data-testid="writeup-body"' not in page.text


def test_a_guest_who_took_part_reads_it_only_when_shared(scene, guest, org):
    from tests.factories import PersonFactory

    person = PersonFactory(organisation=org, email=guest.user.email, user=guest.user)
    Participation.objects.create(assist=scene.assist, person=person, role=Role.OBSERVER)
    drafted(scene)
    services.writeup_publish(
        viewer=scene.home.viewer, assist=scene.assist, shared_with_guests=False
    )
    assert guest.client().get(url("writeup", scene)).status_code == 404
    WriteUp.objects.filter(assist=scene.assist).update(shared_with_guests=True)
    assert guest.client().get(url("writeup", scene)).status_code == 200
