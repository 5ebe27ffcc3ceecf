"""The access module (`peerassist.core.access`): who sees an assist, what each role may do with
it, the "write-up sent to me" exception and the CLI's operator — as role × action tables."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404

from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.core import access
from peerassist.writeups.models import WriteUp
from tests.factories import PeerAssistFactory
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

PERSONAS = ("home", "facilitator", "note_taker", "visiting", "observer")


@pytest.fixture
def scene(org):
    return make_scene(org, status="concluded", visibility="participants")


def _viewer(who, scene, organiser, member, guest, other_org_member):
    personas = {
        "organiser": organiser,
        "member": member,
        "guest": guest,
        "other_org": other_org_member,
    }
    persona = getattr(scene, who, None) or personas[who]
    return persona.viewer


# --- What each role may do ------------------------------------------------------------------

#: who: (edit_plan, edit, publish, conclude, feedback, answer_followup)
RIGHTS = {
    "home": (True, True, True, False, True, True),
    "facilitator": (True, True, True, True, True, False),
    "note_taker": (False, True, False, False, True, False),
    "visiting": (False, False, False, False, True, False),
    "observer": (False, False, False, False, True, False),
    "organiser": (True, True, True, True, False, True),
    "member": (False, False, False, False, False, False),
    "other_org": (False, False, False, False, False, False),
}


@pytest.mark.parametrize(("who", "expected"), RIGHTS.items())
def test_rights_follow_the_role(who, expected, scene, organiser, member, guest, other_org_member):
    viewer = _viewer(who, scene, organiser, member, guest, other_org_member)
    rights = access.assist_rights(viewer=viewer, assist=scene.assist)
    got = (
        rights.edit_plan,
        rights.edit,
        rights.publish,
        rights.conclude,
        rights.feedback,
        rights.answer_followup,
    )
    assert got == expected


def test_someone_who_declined_has_no_role_left(scene):
    Participation.objects.filter(assist=scene.assist, person=scene.home.person).update(
        rsvp="declined"
    )
    rights = access.assist_rights(viewer=scene.home.viewer, assist=scene.assist)
    assert rights.roles == frozenset()
    assert not rights.edit_plan


# --- Who finds the assist -------------------------------------------------------------------

#: visibility × who → found (True) or 404 (False)
FINDS = [
    ("participants", "home", True),
    ("participants", "observer", True),
    ("participants", "organiser", True),
    ("participants", "member", False),
    ("participants", "guest", False),
    ("participants", "other_org", False),
    ("organisation", "member", True),
    ("organisation", "guest", False),
    ("organisation", "other_org", False),
    ("published", "member", True),
    ("published", "guest", False),
]


@pytest.mark.parametrize(("visibility", "who", "found"), FINDS)
def test_who_finds_the_assist(
    visibility, who, found, scene, organiser, member, guest, other_org_member
):
    PeerAssist.objects.filter(pk=scene.assist.pk).update(visibility=visibility)
    viewer = _viewer(who, scene, organiser, member, guest, other_org_member)
    if found:
        assert access.get_assist_or_404(viewer=viewer, assist_id=scene.assist.pk) == scene.assist
        assert PeerAssist.objects.filter(access.assist_visible_q(viewer)).count() == 1
    else:
        with pytest.raises(Http404):
            access.get_assist_or_404(viewer=viewer, assist_id=scene.assist.pk)
        assert not PeerAssist.objects.filter(access.assist_visible_q(viewer)).exists()


def test_a_guest_finds_the_assist_they_take_part_in(scene, guest, org):
    from tests.factories import PersonFactory

    person = PersonFactory(organisation=org, email=guest.user.email, user=guest.user)
    Participation.objects.create(assist=scene.assist, person=person, role=Role.VISITING_PEER)
    assert access.get_assist_or_404(viewer=guest.viewer, assist_id=scene.assist.pk)


def test_changing_the_plan_is_refused_with_403_to_those_who_only_see_it(scene):
    with pytest.raises(PermissionDenied):
        access.get_assist_or_404(viewer=scene.visiting.viewer, assist_id=scene.assist.pk, edit=True)
    assert access.get_assist_or_404(viewer=scene.home.viewer, assist_id=scene.assist.pk, edit=True)


# --- The one exception: a published write-up sent to someone ----------------------------------


@pytest.fixture
def sent(scene, member):
    writeup = WriteUp.objects.create(assist=scene.assist, body="# Done", status="published")
    writeup.recipients.add(member.person)
    return writeup


def test_the_write_up_sent_to_someone_opens_the_assist_for_them(scene, sent, member, guest):
    assist_id = scene.assist.pk
    with pytest.raises(Http404):
        access.get_assist_or_404(viewer=member.viewer, assist_id=assist_id)
    found = access.get_assist_or_404(viewer=member.viewer, assist_id=assist_id, sent_writeup=True)
    assert found == scene.assist
    with pytest.raises(Http404):
        access.get_assist_or_404(viewer=guest.viewer, assist_id=assist_id, sent_writeup=True)


def test_a_draft_is_sent_to_no_one(scene, sent, member):
    WriteUp.objects.filter(pk=sent.pk).update(status="draft")
    with pytest.raises(Http404):
        access.get_assist_or_404(viewer=member.viewer, assist_id=scene.assist.pk, sent_writeup=True)


def test_the_recipient_reads_the_write_up_and_the_one_who_declined_does_not(scene, sent, member):
    Participation.objects.filter(assist=scene.assist, person=scene.visiting.person).update(
        rsvp="declined"
    )
    for viewer, readable in [(member.viewer, True), (scene.visiting.viewer, False)]:
        rights = access.assist_rights(viewer=viewer, assist=scene.assist)
        assert access.writeup_readable(viewer=viewer, writeup=sent, rights=rights) is readable
        listed = WriteUp.objects.filter(access.published_writeup_readable_q(viewer)).exists()
        assert listed is readable


# --- The operator (management commands without --as) -----------------------------------------


def test_the_operator_sees_the_whole_organisation_and_is_no_one_in_it(scene, org, other_org):
    operator = access.operator_viewer(org)
    assert operator.is_member and operator.can_manage_people and operator.is_admin
    assert access.get_assist_or_404(viewer=operator, assist_id=scene.assist.pk)
    rights = access.assist_rights(viewer=operator, assist=scene.assist)
    assert rights.roles == frozenset() and rights.edit
    elsewhere = PeerAssistFactory(organisation=other_org)
    with pytest.raises(Http404):
        access.get_assist_or_404(viewer=operator, assist_id=elsewhere.pk)


def test_the_export_command_reads_as_the_operator(scene, tmp_path):
    WriteUp.objects.create(assist=scene.assist, body="# Loggers\n\nWhat we learned.")
    out = tmp_path / "w.md"
    call_command("export", str(scene.assist.pk), "--format", "md", "--output", str(out))
    assert "What we learned." in out.read_text()
