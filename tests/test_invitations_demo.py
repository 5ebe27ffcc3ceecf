"""The demo shows invitations in every state, and the demo guest reaches their assist only."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerassist.accounts.models import User
from peerassist.assists.models import PeerAssist
from peerassist.invitations.models import Invitation, InvitationStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_invitations_and_a_guest_with_one_assist():
    call_command("demo", quiet=True)
    statuses = set(Invitation.objects.values_list("status", flat=True))
    assert statuses == set(InvitationStatus.values)
    count = Invitation.objects.count()
    call_command("demo", quiet=True)
    assert Invitation.objects.count() == count  # idempotent

    guest = Client()
    guest.force_login(User.objects.get(email="guest@partner.example"))
    (theirs,) = PeerAssist.objects.filter(
        participations__person__user__email="guest@partner.example"
    )
    page = guest.get(reverse("invitations:brief", args=[theirs.pk]))
    assert page.status_code == 200 and theirs.title in page.content.decode()
    other = PeerAssist.objects.exclude(pk=theirs.pk).first()
    assert guest.get(reverse("invitations:brief", args=[other.pk])).status_code == 404
    assert guest.get(reverse("assists:overview", args=[other.pk])).status_code in (403, 404)
