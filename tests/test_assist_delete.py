"""Deleting an assist: organisers and administrators only, drafts and planned assists only,
a confirmation page then a POST, recorded in the audit log; everyone else is refused."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from peerassist.assists import rules, services
from peerassist.assists.models import BriefAttachment, Participation, PeerAssist, Role
from peerassist.audit.models import AuditEntry, Kind
from peerassist.core.findings import RuleViolation
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(admin, organiser, member, guest, outsider, other_org_member):
    return {
        "admin": admin,
        "organiser": organiser,
        "member": member,  # the assist's home peer: may edit the plan, not delete it
        "guest": guest,
        "outsider": outsider,
        "other_org_admin": other_org_member,
    }


def assist_in(org, status, home_peer=None):
    assist = PeerAssistFactory(organisation=org, status=status, title=f"Plan {status}")
    if home_peer is not None:
        Participation.objects.create(assist=assist, person=home_peer, role=Role.HOME_PEER)
    return assist


# status → persona → expected answer to GET (confirmation page) and POST (delete)
EXPECTED = {
    "draft": {
        "admin": (200, 302),
        "organiser": (200, 302),
        "member": (403, 403),
        "guest": (404, 404),
        "outsider": (403, 403),
        "other_org_admin": (404, 404),
    },
    "planned": {
        "admin": (200, 302),
        "organiser": (200, 302),
        "member": (403, 403),
        "guest": (404, 404),
        "outsider": (403, 403),
        "other_org_admin": (404, 404),
    },
    "invited": {
        "admin": (403, 403),
        "organiser": (403, 403),
        "member": (403, 403),
        "guest": (404, 404),
        "outsider": (403, 403),
        "other_org_admin": (404, 404),
    },
    "concluded": {
        "admin": (403, 403),
        "organiser": (403, 403),
        "member": (403, 403),
        "guest": (404, 404),
        "outsider": (403, 403),
        "other_org_admin": (404, 404),
    },
}
CASES = [(s, p) for s, row in EXPECTED.items() for p in row]


@pytest.mark.parametrize(("status", "persona_name"), CASES)
def test_who_may_delete_which_assist(org, personas, status, persona_name):
    assist = assist_in(org, status, home_peer=personas["member"].person)
    client = personas[persona_name].client()
    url = reverse("assists:delete", args=[assist.pk])
    expected_get, expected_post = EXPECTED[status][persona_name]

    assert client.get(url).status_code == expected_get
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == expected_post

    deleted = expected_post == 302
    assert PeerAssist.objects.filter(pk=assist.pk).exists() is not deleted
    entries = AuditEntry.objects.filter(kind=Kind.ASSIST_DELETED)
    assert entries.count() == (1 if deleted else 0)
    if deleted:
        assert response["Location"] == reverse("assists:list")
        entry = entries.get()
        assert entry.organisation == org
        assert entry.actor == personas[persona_name].user
        assert entry.target == f"Plan {status}"
        assert entry.detail == {"assist_id": assist.pk, "status": status}


def test_the_confirmation_page_says_what_goes_and_a_post_without_the_tick_deletes_nothing(
    org, organiser, member
):
    assist = assist_in(org, "draft", home_peer=member.person)
    client = organiser.client()
    url = reverse("assists:delete", args=[assist.pk])
    page = client.get(url).content.decode()
    assert "Delete this Peer Assist?" in page
    assert "1 person taking part" in page
    assert 'name="confirm"' in page

    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == url
    assert PeerAssist.objects.filter(pk=assist.pk).exists()
    assert not AuditEntry.objects.filter(kind=Kind.ASSIST_DELETED).exists()
    # The overview links to the page for those who may, not for the others.
    overview = reverse("assists:overview", args=[assist.pk])
    assert url in client.get(overview).content.decode()
    assert url not in member.client().get(overview).content.decode()


def test_deleting_removes_the_plan_and_its_attachment_files(
    org, admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    assist = assist_in(org, "planned", home_peer=PersonFactory(organisation=org))
    attachment = BriefAttachment.objects.create(
        assist=assist, file=ContentFile(b"%PDF-1.4 brief", name="brief.pdf"), name="brief.pdf"
    )
    name = attachment.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        services.assist_delete(viewer=admin.viewer, assist=assist)
    assert not PeerAssist.objects.filter(pk=assist.pk).exists()
    assert not Participation.objects.filter(assist_id=assist.pk).exists()
    assert not default_storage.exists(name)  # the file went once the rows were gone


def test_the_rule_and_the_service_refuse_what_the_page_refuses(org, member, admin):
    assert rules.can_delete(status="draft", manages_people=True) == []
    assert rules.can_delete(status="planned", manages_people=False)[0].code == (
        "delete_not_allowed"
    )
    assert rules.can_delete(status="live", manages_people=True)[0].code == "delete_too_late"
    invited = assist_in(org, "invited")
    with pytest.raises(RuleViolation):
        services.assist_delete(viewer=admin.viewer, assist=invited)
    draft = assist_in(org, "draft")
    with pytest.raises(RuleViolation):
        services.assist_delete(viewer=member.viewer, assist=draft)
    assert PeerAssist.objects.filter(pk__in=[invited.pk, draft.pk]).count() == 2
