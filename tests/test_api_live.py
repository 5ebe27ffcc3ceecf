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


# --- Issue 21: a note's breakout group when notes are read back through the API -----------------


def _post(client, assist, text, **extra):
    payload = {"client_id": str(uuid.uuid4()), "text": text, "kind": "insight", **extra}
    url = f"/api/v1/assists/{assist.pk}/contributions"
    return client.post(url, payload, content_type="application/json")


def test_notes_read_back_carry_their_group_with_its_name_or_null(live_assist, member):
    from peerassist.assists.models import BreakoutGroup

    french = BreakoutGroup.objects.create(assist=live_assist, name="Groupe français", order=1)
    client = bearer(member)
    posted = _post(client, live_assist, "Ask the regulator first", group_id=french.pk)
    plain = _post(client, live_assist, "Plan the cut-over on a weekend")
    assert posted.status_code == plain.status_code == 201
    # The answer to the post says the group too.
    assert posted.json()["group"] == {"id": french.pk, "name": "Groupe français"}
    assert plain.json()["group"] is None

    response = client.get(f"/api/v1/assists/{live_assist.pk}/contributions")
    assert response.status_code == 200
    by_text = {n["text"]: n for n in response.json()}
    assert by_text["Ask the regulator first"]["group"] == {
        "id": french.pk,
        "name": "Groupe français",
    }
    assert by_text["Ask the regulator first"]["group_id"] == french.pk
    assert by_text["Plan the cut-over on a weekend"]["group"] is None
    assert by_text["Plan the cut-over on a weekend"]["author"]["name"] == member.person.name


def test_a_renamed_group_is_read_back_under_its_new_name(live_assist, member):
    from peerassist.assists.models import BreakoutGroup

    group = BreakoutGroup.objects.create(assist=live_assist, name="Group 1", order=1)
    client = bearer(member)
    _post(client, live_assist, "Keep the old portal read-only", group_id=group.pk)
    group.name = "Spanish speakers"
    group.save()
    [note] = client.get(f"/api/v1/assists/{live_assist.pk}/contributions").json()
    assert note["group"] == {"id": group.pk, "name": "Spanish speakers"}


def test_reading_notes_is_for_the_room_only(live_assist, org, other_org_member):
    from tests.conftest import make_persona

    bystander = make_persona(org, "member", "bystander@meridian.test")
    url = f"/api/v1/assists/{live_assist.pk}/contributions"
    assert bearer(bystander).get(url).status_code == 403
    assert bearer(other_org_member).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_the_note_group_is_documented_in_the_openapi_document():
    document = Client().get("/api/v1/openapi.json").json()
    note = document["components"]["schemas"]["NoteOut"]
    group = note["properties"]["group"]
    assert {"$ref": "#/components/schemas/NoteGroupOut"} in group["anyOf"]
    assert {"type": "null"} in group["anyOf"]
    assert "group" in note["required"]
    assert document["components"]["schemas"]["NoteGroupOut"]["required"] == ["id", "name"]
    listed = document["paths"]["/api/v1/assists/{assist_id}/contributions"]["get"]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/NoteOut"
    }
