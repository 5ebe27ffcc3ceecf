import uuid

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Format, Participation, PeerAssist, Role, Status
from peerassist.assists.services import _copy_steps
from peerassist.live.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_assist(org, member, organiser):
    fmt = Format.objects.get(organisation=None, kind="standard")
    assist = PeerAssist.objects.create(
        organisation=org, title="Live over HTTP", format=fmt, status=Status.LIVE
    )
    _copy_steps(fmt, assist)
    Participation.objects.create(assist=assist, person=member.person, role=Role.FACILITATOR)
    return assist


def bearer(persona):
    raw = api_token_create(user=persona.user, organisation=persona.organisation, name="t").raw
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_room_state_for_a_participant(live_assist, member):
    body = bearer(member).get(f"/api/v1/assists/{live_assist.pk}/room").json()
    assert body["me"]["role"] == "facilitator"
    assert [s["name"] for s in body["agenda"]][3] == "Discussion and facilitation"
    assert body["timer"]["status"] == "idle"


def test_post_is_idempotent_by_client_id(live_assist, member):
    client = bearer(member)
    payload = {"client_id": str(uuid.uuid4()), "text": "Use one portal", "kind": "insight"}
    url = f"/api/v1/assists/{live_assist.pk}/contributions"
    first = client.post(url, payload, content_type="application/json")
    again = client.post(url, payload, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Contribution.objects.filter(assist=live_assist).count() == 1


def test_not_a_participant_is_403_and_other_org_404(live_assist, org, other_org_member):
    from tests.conftest import make_persona

    bystander = make_persona(org, "member", "bystander@meridian.test")
    assert bearer(bystander).get(f"/api/v1/assists/{live_assist.pk}/room").status_code == 403
    assert bearer(other_org_member).get(f"/api/v1/assists/{live_assist.pk}/room").status_code == 404


def test_refusal_is_422_with_a_reason(live_assist, member):
    live_assist.status = Status.CONCLUDED
    live_assist.save()
    response = bearer(member).post(
        f"/api/v1/assists/{live_assist.pk}/contributions",
        {"client_id": str(uuid.uuid4()), "text": "late", "kind": "insight"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "The session is not live."
