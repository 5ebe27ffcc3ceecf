"""What the Invitations tab's tests share: an invited assist, a member in each role of it,
and two visiting peers who are not members."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerassist.assists.models import Participation, Role, Visibility
from tests.conftest import make_persona
from tests.factories import PeerAssistFactory, PersonFactory


@pytest.fixture
def assist(org, organiser):
    assist = PeerAssistFactory(
        status="invited",
        organisation=org,
        title="Depot consolidation",
        visibility=Visibility.ORGANISATION,
        starts_at=timezone.now() + timedelta(days=12),
        challenge="Merging two depots without losing drivers.",
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    return assist


@pytest.fixture
def team(org, assist):
    """Members in each role of the assist, each a signed-in persona."""
    people = {
        "home_peer": make_persona(org, "member", "hana@meridian.test"),
        "facilitator": make_persona(org, "member", "fatima@meridian.test"),
        "visiting_peer": make_persona(org, "member", "victor@meridian.test"),
    }
    for role, persona in people.items():
        Participation.objects.create(assist=assist, person=persona.person, role=role)
    return people


@pytest.fixture
def peers(org, assist):
    people = [
        PersonFactory(organisation=org, name="Nia Brooks", email="nia@meridian.test"),
        PersonFactory(organisation=org, name="Omar Haddad", email="omar@meridian.test"),
    ]
    for person in people:
        Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    return people


def tab(assist):
    return reverse("invitations:manage", args=[assist.pk])
