"""The write-ups API: conclusions, actions, pairs, feedback, write-ups with versions, publish
and the follow-up answer — status codes and who may do what."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Status
from peerassist.writeups import services
from peerassist.writeups.models import Action, ConnectPair, Feedback, WriteUp, WriteUpStatus
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@pytest.fixture
def scene(org):
    return make_scene(org, status="concluded")


def persona(request, scene, who):
    if hasattr(scene, who):
        return getattr(scene, who)
    return request.getfixturevalue(who)


def api(scene, path=""):
    return f"/api/v1/assists/{scene.assist.pk}/{path}"


# --- Conclusion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("home", 200), ("visiting", 200), ("member", 200), ("other_org_member", 404)],
)
def test_who_reads_the_conclusion(request, scene, who, expected):
    response = bearer(persona(request, scene, who)).get(api(scene, "conclusion"))
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["can_edit"] == (who == "home")


def test_a_participants_only_assist_is_404_to_others(org, member):
    scene = make_scene(org, status="concluded", visibility="participants")
    assert bearer(member).get(api(scene, "conclusion")).status_code == 404
    assert bearer(member).get(api(scene, "actions")).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("home", 200), ("note_taker", 200), ("visiting", 403), ("member", 403), ("guest", 404)],
)
def test_who_records_the_response(request, scene, who, expected):
    due = str(timezone.localdate() + timedelta(days=30))
    response = bearer(persona(request, scene, who)).put(
        api(scene, "conclusion"), {"learned": "Placement matters", "followup_on": due}, JSON
    )
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["learned"] == "Placement matters"
        assert body["followup"]["due_on"] == due


def test_a_followup_at_a_meeting_that_does_not_exist_is_422(scene):
    response = bearer(scene.home).put(
        api(scene, "conclusion"), {"followup_at_next_meeting": True}, JSON
    )
    assert response.status_code == 422


def test_conclude_is_the_facilitators(org):
    scene = make_scene(org, status="live")
    assert bearer(scene.home).post(api(scene, "conclude")).status_code == 403
    response = bearer(scene.facilitator).post(api(scene, "conclude"))
    assert response.status_code == 200
    assert response.json() == {"id": scene.assist.pk, "status": "concluded"}
    # Twice is a rule saying no.
    assert bearer(scene.facilitator).post(api(scene, "conclude")).status_code == 422


# --- Actions ---------------------------------------------------------------------------------


def test_actions_are_created_changed_and_removed(scene):
    client = bearer(scene.home)
    note = scene.note("Ask the 2023")
    created = client.post(
        api(scene, "actions"),
        {
            "title": "Ask for the placement sheet",
            "owner_id": scene.home.person.pk,
            "due_on": str(timezone.localdate() - timedelta(days=1)),
            "contribution_ids": [note.pk],
        },
        JSON,
    )
    assert created.status_code == 201, created.content
    action = created.json()
    assert action["owner"]["name"] == scene.home.person.name
    assert action["overdue"] is True
    assert [c["id"] for c in action["contributions"]] == [note.pk]
    url = api(scene, f"actions/{action['id']}")
    changed = client.patch(url, {"status": "done"}, JSON)
    assert changed.status_code == 200
    assert changed.json()["status"] == "done" and changed.json()["overdue"] is False
    assert client.get(url).json()["title"] == "Ask for the placement sheet"
    assert [a["id"] for a in client.get(api(scene, "actions")).json()] == [action["id"]]
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x", "status": "finished"}, "status"),
        ({"title": "x", "contribution_ids": [-1]}, "contribution_ids"),
        ({"title": "x", "owner_id": -1}, "owner_id"),
    ],
)
def test_a_bad_action_is_422(scene, payload, field):
    response = bearer(scene.home).post(api(scene, "actions"), payload, JSON)
    assert response.status_code == 422
    assert field in str(response.json())
    assert not Action.objects.exists()


@pytest.mark.parametrize(("who", "expected"), [("visiting", 403), ("other_org_member", 404)])
def test_who_may_not_touch_actions(request, scene, who, expected):
    action = services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="Call")
    client = bearer(persona(request, scene, who))
    assert client.post(api(scene, "actions"), {"title": "Mine"}, JSON).status_code == expected
    url = api(scene, f"actions/{action.pk}")
    assert client.patch(url, {"status": "done"}, JSON).status_code == expected
    assert client.delete(url).status_code == expected
    assert Action.objects.get().status == "open"


# --- Pairs and feedback ---------------------------------------------------------------------


def test_pairs(scene):
    client = bearer(scene.home)
    data = {
        "home_peer_id": scene.home.person.pk,
        "visiting_peer_id": scene.visiting.person.pk,
        "topic": "Night correlation",
    }
    created = client.post(api(scene, "connect-pairs"), data, JSON)
    assert created.status_code == 201
    assert created.json()["visiting_peer"]["name"] == scene.visiting.person.name
    swapped = {**data, "home_peer_id": data["visiting_peer_id"]}
    assert client.post(api(scene, "connect-pairs"), swapped, JSON).status_code == 422
    pair_url = api(scene, f"connect-pairs/{created.json()['id']}")
    assert bearer(scene.visiting).delete(pair_url).status_code == 403
    assert client.delete(pair_url).status_code == 204
    assert not ConnectPair.objects.exists()


def test_feedback_anonymous_has_no_name_for_anyone(scene, member):
    response = bearer(scene.visiting).post(
        api(scene, "feedback"), {"usefulness": 4, "comment": "Good", "anonymous": True}, JSON
    )
    assert response.status_code == 200
    assert response.json()["name"] is None
    bearer(scene.observer).post(api(scene, "feedback"), {"usefulness": 2}, JSON)
    listed = bearer(scene.home).get(api(scene, "feedback")).json()
    assert listed["count"] == 2 and listed["average"] == 3.0
    assert sorted(str(i["name"]) for i in listed["items"]) == sorted(
        ["None", scene.observer.person.name]
    )
    assert scene.visiting.person.name not in str(listed)
    assert bearer(member).post(api(scene, "feedback"), {"usefulness": 5}, JSON).status_code == 403
    assert (
        bearer(scene.observer).post(api(scene, "feedback"), {"usefulness": 6}, JSON).status_code
        == 422
    )
    assert Feedback.objects.count() == 2


# --- Write-up --------------------------------------------------------------------------------


def test_the_write_up_lifecycle(scene, directory):
    client = bearer(scene.home)
    assert client.get(api(scene, "writeup")).status_code == 404  # not drafted yet
    drafted = client.post(api(scene, "writeup/redraft"))
    assert drafted.status_code == 200
    assert drafted.json()["version"] == 1
    assert "Loggers on plastic pipes" in drafted.json()["body"]
    saved = client.put(api(scene, "writeup"), {"body": "# Short\n<script>x</script>\n"}, JSON)
    assert saved.status_code == 200
    out = saved.json()
    assert out["version"] == 2 and "<script>" not in out["html"] and out["pages"] == 1
    versions = client.get(api(scene, "writeup/versions")).json()
    assert [v["number"] for v in versions] == [2, 1]
    one = client.get(api(scene, "writeup/versions/1"))
    assert one.status_code == 200 and any(d["op"] == "remove" for d in one.json()["diff"])
    assert client.get(api(scene, "writeup/versions/9")).status_code == 404
    restored = client.post(api(scene, "writeup/versions/1/restore"))
    assert restored.status_code == 200 and restored.json()["version"] == 3
    assert client.post(api(scene, "writeup/versions/9/restore")).status_code == 404
    ana = directory["people"]["ana"]
    published = client.post(api(scene, "writeup/publish"), {"recipient_ids": [ana.pk]}, JSON)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.WRITTEN_UP
    assert client.post(api(scene, "writeup/publish"), {}, JSON).status_code == 422


@pytest.mark.parametrize(
    ("who", "read", "save", "publish"),
    [
        ("home", 200, 200, 200),
        ("note_taker", 200, 200, 403),
        ("visiting", 200, 403, 403),
        ("member", 404, 404, 404),
        ("guest", 404, 404, 404),
        ("other_org_member", 404, 404, 404),
    ],
)
def test_who_reads_saves_and_publishes_a_draft(request, scene, who, read, save, publish):
    services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
    client = bearer(persona(request, scene, who))
    assert client.get(api(scene, "writeup")).status_code == read
    assert client.put(api(scene, "writeup"), {"body": "Mine"}, JSON).status_code == save
    assert client.post(api(scene, "writeup/publish"), {}, JSON).status_code == publish


def test_publishing_to_another_organisations_person_is_422(scene, directory):
    services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
    stranger = directory["people"]["stranger"]
    response = bearer(scene.home).post(
        api(scene, "writeup/publish"), {"recipient_ids": [stranger.pk]}, JSON
    )
    assert response.status_code == 422
    assert WriteUp.objects.get().status == WriteUpStatus.DRAFT


# --- Follow-up -------------------------------------------------------------------------------


def test_the_followup_answer(scene):
    services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
    services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)
    assert bearer(scene.home).get(api(scene, "followup")).status_code == 404
    action = services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="Call")
    payload = {
        "followed_up_with_ids": [scene.visiting.person.pk],
        "what_changed": "Surveyed access",
        "action_statuses": {str(action.pk): "done"},
    }
    assert (
        bearer(scene.visiting).post(api(scene, "followup/answer"), payload, JSON).status_code == 403
    )
    bad = {**payload, "followed_up_with_ids": [scene.home.person.pk]}
    assert bearer(scene.home).post(api(scene, "followup/answer"), bad, JSON).status_code == 422
    bad_status = {**payload, "action_statuses": {str(action.pk): "finished"}}
    assert (
        bearer(scene.home).post(api(scene, "followup/answer"), bad_status, JSON).status_code == 422
    )
    response = bearer(scene.home).post(api(scene, "followup/answer"), payload, JSON)
    assert response.status_code == 200
    assert response.json()["what_changed"] == "Surveyed access"
    assert bearer(scene.visiting).get(api(scene, "followup")).json()["answered_at"] is not None
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.FOLLOWED_UP
    assert Action.objects.get(pk=action.pk).status == "done"


def test_the_api_needs_a_token(scene):
    assert Client().get(api(scene, "conclusion")).status_code == 401
