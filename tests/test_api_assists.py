"""The assists API: plans, agenda, roles, groups, formats and requests to join."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerassist.accounts.services import api_token_create
from peerassist.assists import rules, services
from peerassist.assists.models import (
    AssistStep,
    Format,
    JoinRequest,
    Participation,
    PeerAssist,
    Role,
    Status,
    Visibility,
)
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def shipped(kind: str) -> Format:
    return Format.objects.get(organisation=None, kind=kind)


def make_assist(persona, *, kind: str = "standard", title: str = "Supplier onboarding", **fields):
    """An assist started by the persona (who joins its home team), then changed directly."""
    assist = services.assist_create(
        viewer=persona.viewer, title=title, format_id=shipped(kind).pk, join_home_team=True
    )
    if fields:
        PeerAssist.objects.filter(pk=assist.pk).update(**fields)
        assist.refresh_from_db()
    return assist


def count_queries(call) -> int:
    """Queries of a second call: the first also records the token's last use."""
    call()
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def take_part(assist, person, role) -> Participation:
    return Participation.objects.create(assist=assist, person=person, role=role)


@pytest.fixture
def assist(organiser):
    return make_assist(organiser)


# --- Reading and visibility --------------------------------------------------------


def test_assists_without_a_token_is_401(assist):
    assert Client().get("/api/v1/assists/").status_code == 401
    assert Client().get(f"/api/v1/assists/{assist.pk}").status_code == 401


def test_organisation_assist_is_listed_and_read_by_a_member(member, assist):
    client = bearer(member)
    listed = client.get("/api/v1/assists/").json()
    assert [a["id"] for a in listed["items"]] == [assist.pk]
    body = client.get(f"/api/v1/assists/{assist.pk}").json()
    assert body["assist"]["title"] == "Supplier onboarding"
    assert body["assist"]["format"]["kind"] == "standard"
    assert body["agenda_minutes"] == 90
    assert {item["code"] for item in body["checklist"]} >= {"brief", "visiting_peers"}


def test_participants_only_assist_is_hidden_from_members_who_do_not_take_part(
    organiser, member, other_org_member, directory
):
    hidden = make_assist(organiser, visibility=Visibility.PARTICIPANTS)
    client = bearer(member)
    response = client.get(f"/api/v1/assists/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such assist, or you may not see it."
    assert client.get("/api/v1/assists/").json()["count"] == 0
    assert bearer(other_org_member).get(f"/api/v1/assists/{hidden.pk}").status_code == 404

    take_part(hidden, member.person, Role.VISITING_PEER)
    assert client.get(f"/api/v1/assists/{hidden.pk}").status_code == 200
    assert [a["id"] for a in client.get("/api/v1/assists/").json()["items"]] == [hidden.pk]


def test_another_organisations_token_sees_none_of_our_assists(other_org_member, assist):
    client = bearer(other_org_member)
    assert client.get("/api/v1/assists/").json()["count"] == 0
    for path in ("", "/steps", "/participations", "/groups"):
        assert client.get(f"/api/v1/assists/{assist.pk}{path}").status_code == 404
    response = client.patch(f"/api/v1/assists/{assist.pk}", {"title": "Mine"}, content_type=JSON)
    assert response.status_code == 404
    assert PeerAssist.objects.get(pk=assist.pk).title == "Supplier onboarding"


def test_guest_token_sees_nothing(guest, assist):
    client = bearer(guest)
    assert client.get("/api/v1/assists/").json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/assists/{assist.pk}").status_code == 404
    response = client.post(
        "/api/v1/assists/",
        {"title": "Guest plan", "format_id": shipped("mini").pk},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert not PeerAssist.objects.filter(title="Guest plan").exists()


def test_status_filter(organiser):
    draft = make_assist(organiser, title="Draft one")
    make_assist(organiser, title="Planned one", status=Status.PLANNED)
    body = bearer(organiser).get("/api/v1/assists/?status=draft").json()
    assert [a["id"] for a in body["items"]] == [draft.pk]


def test_list_assists_query_count_does_not_grow_with_rows(
    organiser, member, django_assert_max_num_queries
):
    client = bearer(member)
    make_assist(organiser, title="First")
    few = count_queries(lambda: client.get("/api/v1/assists/"))
    assert few <= 8
    for i in range(15):
        assist = make_assist(organiser, title=f"Assist {i}")
        assist.languages.set(["en", "fr"])
    with django_assert_max_num_queries(few):
        assert client.get("/api/v1/assists/").json()["count"] == 16


# --- Creating and changing ---------------------------------------------------------


def test_member_starts_an_assist_and_joins_its_home_team(member):
    response = bearer(member).post(
        "/api/v1/assists/",
        {"title": "  New warehouse  ", "format_id": shipped("mini").pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assist"]["title"] == "New warehouse"
    assert body["assist"]["status"] == "draft"
    assert body["agenda_minutes"] == 60
    created = PeerAssist.objects.get(pk=body["assist"]["id"])
    assert created.organisation == member.organisation
    assert created.participations.get().role == Role.HOME_PEER


def test_creating_with_an_unknown_format_is_422(member, other_org_member):
    other_format = services.format_copy(
        viewer=other_org_member.viewer, format_id=shipped("mini").pk, name="Theirs"
    )
    for format_id in (999999, other_format.pk):
        response = bearer(member).post(
            "/api/v1/assists/", {"title": "X", "format_id": format_id}, content_type=JSON
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "format_id"]


def test_a_900_word_brief_is_saved_with_a_warning(organiser, assist):
    words = " ".join(f"word{i}" for i in range(900))
    response = bearer(organiser).patch(
        f"/api/v1/assists/{assist.pk}", {"business_context": words}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert PeerAssist.objects.get(pk=assist.pk).business_context == words
    assert body["assist"]["business_context"] == words
    assert body["brief_words"] == 900
    assert body["brief_pages"] == 1.8
    warning = next(f for f in body["findings"] if f["code"] == "brief_too_long")
    assert warning["level"] == "warning"
    assert "900 words" in warning["message"]


def test_patch_changes_only_the_fields_sent(organiser, assist):
    PeerAssist.objects.filter(pk=assist.pk).update(challenge="Keep me", place="Room 4")
    response = bearer(organiser).patch(
        f"/api/v1/assists/{assist.pk}",
        {
            "focus_questions": ["What worked?", "What would you avoid?"],
            "mode": "hybrid",
            "starts_at": "2031-05-06T09:00:00+02:00",
            "ends_at": "2031-05-06T10:30:00+02:00",
            "time_zone": "Europe/Paris",
            "video_link": "https://meet.example.org/abc",
            "visibility": "participants",
            "languages": ["fr", "en"],
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    saved = PeerAssist.objects.get(pk=assist.pk)
    assert saved.challenge == "Keep me" and saved.place == "Room 4"
    assert saved.focus_questions == ["What worked?", "What would you avoid?"]
    assert saved.mode == "hybrid" and saved.visibility == "participants"
    assert saved.video_link == "https://meet.example.org/abc"
    assert saved.starts_at.isoformat() == "2031-05-06T07:00:00+00:00"
    assert sorted(response.json()["assist"]["languages"]) == ["en", "fr"]
    done = {c["code"]: c["done"] for c in response.json()["checklist"]}
    assert done["focus_questions"] and done["when"] and done["where"]


def test_clearing_a_date_with_null_and_a_link_with_empty(organiser):
    dated = make_assist(
        organiser, decision_date="2031-06-01", video_link="https://meet.example.org/x"
    )
    response = bearer(organiser).patch(
        f"/api/v1/assists/{dated.pk}", {"decision_date": None, "video_link": ""}, content_type=JSON
    )
    assert response.status_code == 200
    saved = PeerAssist.objects.get(pk=dated.pk)
    assert saved.decision_date is None and saved.video_link == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mode": "teleport"}, "mode"),
        ({"visibility": "everyone"}, "visibility"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"challenge": None}, "challenge"),
        ({"starts_at": "2031-05-06T09:00:00"}, "starts_at"),
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"video_link": "not a link"}, "video_link"),
        ({"languages": ["xx"]}, "languages"),
        ({"focus_questions": ["Fine", "  "]}, "focus_questions"),
        ({"focus_questions": [f"Question {i}?" for i in range(6)]}, "focus_questions"),
    ],
)
def test_invalid_brief_or_logistics_is_422_naming_the_field(organiser, assist, change, field):
    response = bearer(organiser).patch(
        f"/api/v1/assists/{assist.pk}", {**change, "place": "Changed"}, content_type=JSON
    )
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert field in [e["loc"][-1] for e in detail]
    assert all(e["msg"] for e in detail)
    assert PeerAssist.objects.get(pk=assist.pk).place == ""


def test_session_over_two_days_is_refused(organiser, assist):
    response = bearer(organiser).patch(
        f"/api/v1/assists/{assist.pk}",
        {"starts_at": "2031-05-06T09:00:00Z", "ends_at": "2031-05-09T09:00:00Z"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "longer_than_two_days"
    assert PeerAssist.objects.get(pk=assist.pk).starts_at is None


# --- Who may do what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("admin", 200, 200),
        ("organiser", 200, 200),  # home peer and organiser
        ("member", 200, 403),  # sees the shared plan, does not take part
        ("guest", 404, 404),
        ("other_org_member", 404, 404),
    ],
)
def test_who_may_read_and_change_an_organisation_assist(request, assist, persona, read, write):
    client = bearer(request.getfixturevalue(persona))
    assert client.get(f"/api/v1/assists/{assist.pk}").status_code == read
    response = client.patch(f"/api/v1/assists/{assist.pk}", {"title": "Changed"}, content_type=JSON)
    assert response.status_code == write
    changed = PeerAssist.objects.get(pk=assist.pk).title == "Changed"
    assert changed == (write == 200)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.FACILITATOR, 200),
        (Role.HOME_PEER, 200),
        (Role.VISITING_PEER, 403),
        (Role.NOTE_TAKER, 403),
        (Role.OBSERVER, 403),
    ],
)
def test_only_home_team_and_facilitator_among_participants_change_the_plan(
    assist, member, role, expected
):
    take_part(assist, member.person, role)
    response = bearer(member).patch(
        f"/api/v1/assists/{assist.pk}", {"place": "Room 2"}, content_type=JSON
    )
    assert response.status_code == expected
    if expected == 403:
        assert "home team" in response.json()["detail"]


# --- Status ------------------------------------------------------------------------


def test_draft_cannot_go_live(organiser, assist):
    response = bearer(organiser).post(
        f"/api/v1/assists/{assist.pk}/transition", {"status": "live"}, content_type=JSON
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["code"] == "illegal_transition"
    assert error["msg"] == "An assist that is draft cannot become live."
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.DRAFT


def test_invitations_need_visiting_peers(organiser, assist):
    client = bearer(organiser)
    planned = client.post(
        f"/api/v1/assists/{assist.pk}/transition", {"status": "planned"}, content_type=JSON
    )
    assert planned.status_code == 200, planned.content
    assert planned.json()["assist"]["status"] == "planned"
    response = client.post(
        f"/api/v1/assists/{assist.pk}/transition", {"status": "invited"}, content_type=JSON
    )
    assert response.status_code == 422
    missing = next(e for e in response.json()["detail"] if e["code"] == "no_visiting_peers")
    assert missing["loc"] == ["body", "payload", "visiting_peers"]
    assert "visiting peer" in missing["msg"]
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.PLANNED


def test_unknown_status_is_422(organiser, assist):
    response = bearer(organiser).post(
        f"/api/v1/assists/{assist.pk}/transition", {"status": "exploded"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"


def test_a_live_assists_plan_cannot_change(organiser):
    live = make_assist(organiser, status=Status.LIVE)
    response = bearer(organiser).patch(
        f"/api/v1/assists/{live.pk}", {"place": "Room 9"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "not_editable"


# --- Agenda and formats ------------------------------------------------------------


def test_shipped_formats_last_as_the_guides_say(member):
    formats = bearer(member).get("/api/v1/formats/").json()
    minutes = {f["kind"]: f["total_minutes"] for f in formats if f["is_shipped"]}
    assert minutes["mini"] == 60
    assert minutes["standard"] == 90
    mini = next(f for f in formats if f["kind"] == "mini")
    during = [s["duration_minutes"] for s in mini["steps"] if s["phase"] == "during"]
    assert sum(during) == 60
    assert mini["steps"][0]["phase"] == "before"


def test_extended_agenda_over_two_days_is_refused(organiser):
    extended = make_assist(organiser, kind="extended")
    client = bearer(organiser)
    before = client.get(f"/api/v1/assists/{extended.pk}/steps").json()
    during = [s for s in before["steps"] if s["phase"] == "during"]
    first = during[0]
    rest = sum(s["duration_minutes"] for s in during[1:])
    durations = {first["id"]: 17 * 60 - rest}  # 17 hours in all
    response = client.patch(
        f"/api/v1/assists/{extended.pk}/steps", {"durations": durations}, content_type=JSON
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["code"] == "longer_than_two_days"
    assert error["msg"].startswith("A Peer Assist lasts two days at the most.")
    after = client.get(f"/api/v1/assists/{extended.pk}/steps").json()
    assert after["steps"] == before["steps"]
    assert AssistStep.objects.get(pk=first["id"]).duration_minutes == first["duration_minutes"]


def test_agenda_durations_change(organiser, assist):
    client = bearer(organiser)
    steps = client.get(f"/api/v1/assists/{assist.pk}/steps").json()["steps"]
    first = steps[0]
    response = client.patch(
        f"/api/v1/assists/{assist.pk}/steps",
        {"durations": {str(first["id"]): first["duration_minutes"] + 5}},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["agenda_minutes"] == 95
    assert AssistStep.objects.get(pk=first["id"]).duration_minutes == first["duration_minutes"] + 5


def test_a_step_of_another_assist_is_422(organiser, assist):
    other = make_assist(organiser, title="Other")
    step = other.steps.first()
    response = bearer(organiser).patch(
        f"/api/v1/assists/{assist.pk}/steps", {"durations": {step.pk: 5}}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "steps"


def test_organiser_copies_a_format_and_edits_its_step(organiser, member):
    client = bearer(organiser)
    response = client.post(
        f"/api/v1/formats/{shipped('mini').pk}/copy", {"name": "Our mini"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["is_shipped"] is False and copy["total_minutes"] == 60
    step = next(s for s in copy["steps"] if s["phase"] == "during")
    changed = client.patch(
        f"/api/v1/formats/steps/{step['id']}",
        {"duration_minutes": step["duration_minutes"] + 10, "posting_roles": ["facilitator"]},
        content_type=JSON,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["step"]["posting_roles"] == ["facilitator"]
    assert client.get(f"/api/v1/formats/{copy['id']}").json()["total_minutes"] == 70
    assert (
        bearer(member)
        .post(f"/api/v1/formats/{shipped('mini').pk}/copy", {}, content_type=JSON)
        .status_code
        == 403
    )


def test_shipped_and_other_organisations_formats_cannot_be_edited_here(organiser, other_org_member):
    client = bearer(organiser)
    shipped_step = shipped("mini").steps.first()
    response = client.patch(
        f"/api/v1/formats/steps/{shipped_step.pk}", {"name": "Mine"}, content_type=JSON
    )
    assert response.status_code == 404
    theirs = services.format_copy(viewer=other_org_member.viewer, format_id=shipped("mini").pk)
    assert client.get(f"/api/v1/formats/{theirs.pk}").status_code == 404
    assert client.post(f"/api/v1/formats/{theirs.pk}/copy", {}, content_type=JSON).status_code == (
        404
    )
    assert theirs.pk not in [f["id"] for f in client.get("/api/v1/formats/").json()]


def test_list_formats_query_count_does_not_grow_with_rows(organiser, django_assert_max_num_queries):
    client = bearer(organiser)
    few = count_queries(lambda: client.get("/api/v1/formats/"))
    assert few <= 6
    for i in range(5):
        services.format_copy(viewer=organiser.viewer, format_id=shipped("extended").pk, name=str(i))
    with django_assert_max_num_queries(few):
        assert len(client.get("/api/v1/formats/").json()) == 9


# --- Participations ----------------------------------------------------------------


def test_a_home_team_member_cannot_be_named_facilitator(organiser, assist, directory):
    ana = directory["people"]["ana"]
    take_part(assist, ana, Role.HOME_PEER)
    response = bearer(organiser).post(
        f"/api/v1/assists/{assist.pk}/participations",
        {"person_id": ana.pk, "role": "facilitator"},
        content_type=JSON,
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    [rule] = rules.facilitator_outside_home_team([ana.pk], [ana.pk])
    assert error["msg"] == rule.message
    assert error["msg"].startswith("The facilitator cannot be a member of the home team.")
    assert error["code"] == "facilitator_in_home_team"
    assert error["loc"] == ["body", "payload", "facilitator"]
    assert Participation.objects.get(assist=assist, person=ana).role == Role.HOME_PEER


def test_adding_and_changing_roles(organiser, assist, directory):
    client = bearer(organiser)
    bo = directory["people"]["bo"]
    added = client.post(
        f"/api/v1/assists/{assist.pk}/participations",
        {"person_id": bo.pk, "role": "visiting_peer"},
        content_type=JSON,
    )
    assert added.status_code == 201, added.content
    assert added.json()["participation"]["person"]["name"] == "Bo Lindqvist"
    changed = client.post(
        f"/api/v1/assists/{assist.pk}/participations",
        {"person_id": bo.pk, "role": "facilitator"},
        content_type=JSON,
    )
    assert changed.status_code == 200
    assert Participation.objects.get(assist=assist, person=bo).role == Role.FACILITATOR
    roles = {
        p["person"]["id"]: p["role"]
        for p in client.get(f"/api/v1/assists/{assist.pk}/participations").json()
    }
    assert roles == {organiser.person.pk: "home_peer", bo.pk: "facilitator"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"role": "visiting_peer", "person_id": "stranger"}, "person_id"),
    ],
)
def test_invalid_participation_is_422_naming_the_field(organiser, assist, directory, body, field):
    if body.get("person_id") == "stranger":
        body = {**body, "person_id": directory["people"]["stranger"].pk}
    else:
        body = {**body, "person_id": directory["people"]["bo"].pk}
    response = bearer(organiser).post(
        f"/api/v1/assists/{assist.pk}/participations", body, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert assist.participations.count() == 1


def test_removing_a_participant(organiser, assist, directory):
    client = bearer(organiser)
    bo = take_part(assist, directory["people"]["bo"], Role.VISITING_PEER)
    response = client.delete(f"/api/v1/assists/{assist.pk}/participations/{bo.pk}")
    assert response.status_code == 204
    assert not Participation.objects.filter(pk=bo.pk).exists()
    again = client.delete(f"/api/v1/assists/{assist.pk}/participations/{bo.pk}")
    assert again.status_code == 404


def test_member_who_does_not_take_part_cannot_add_people(member, assist, directory):
    response = bearer(member).post(
        f"/api/v1/assists/{assist.pk}/participations",
        {"person_id": directory["people"]["bo"].pk, "role": "visiting_peer"},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert assist.participations.count() == 1


def test_list_participations_query_count_does_not_grow_with_rows(
    organiser, org, assist, django_assert_max_num_queries
):
    client = bearer(organiser)
    few = count_queries(lambda: client.get(f"/api/v1/assists/{assist.pk}/participations"))
    assert few <= 8
    for _ in range(12):
        take_part(assist, PersonFactory(organisation=org, languages=["en"]), Role.VISITING_PEER)
    with django_assert_max_num_queries(few):
        assert len(client.get(f"/api/v1/assists/{assist.pk}/participations").json()) == 13


# --- Breakout groups ---------------------------------------------------------------


@pytest.fixture
def crowded(org, admin):
    """23 peers: 15 French-speaking (5 home, 10 visiting), 8 English-speaking (3 home, 5)."""
    assist = services.assist_create(
        viewer=admin.viewer,
        title="Two languages",
        format_id=shipped("standard").pk,
        join_home_team=False,
    )
    unit = UnitFactory(organisation=org)
    for language, home, visiting in (("fr", 5, 10), ("en", 3, 5)):
        for i in range(home + visiting):
            person = PersonFactory(organisation=org, unit=unit, languages=[language])
            take_part(assist, person, Role.HOME_PEER if i < home else Role.VISITING_PEER)
    return assist


def test_groups_proposal_mixes_roles_within_one_language(admin, crowded):
    response = bearer(admin).post(f"/api/v1/assists/{crowded.pk}/groups/propose")
    assert response.status_code == 200, response.content
    groups = response.json()
    members = {
        p.pk: p
        for p in Participation.objects.filter(assist=crowded).prefetch_related("person__languages")
    }
    placed = [pid for group in groups for pid in group["member_ids"]]
    assert sorted(placed) == sorted(members)  # everyone once
    for group in groups:
        people = [members[pid] for pid in group["member_ids"]]
        assert 6 <= len(people) <= 8
        assert {p.role for p in people} == {Role.HOME_PEER, Role.VISITING_PEER}
        assert group["language"] in ("fr", "en")
        for p in people:
            assert group["language"] in {lang.code for lang in p.person.languages.all()}
    assert sorted(g["language"] for g in groups) == ["en", "fr", "fr"]
    listed = bearer(admin).get(f"/api/v1/assists/{crowded.pk}/groups").json()
    assert listed == groups


def test_moving_a_participant_to_another_group(admin, crowded):
    client = bearer(admin)
    groups = client.post(f"/api/v1/assists/{crowded.pk}/groups/propose").json()
    moving, target = groups[0]["member_ids"][0], groups[1]["id"]
    response = client.patch(
        f"/api/v1/assists/{crowded.pk}/participations/{moving}",
        {"group_id": target},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["group_id"] == target
    assert Participation.objects.get(pk=moving).group_id == target
    nowhere = client.patch(
        f"/api/v1/assists/{crowded.pk}/participations/{moving}",
        {"group_id": 999999},
        content_type=JSON,
    )
    assert nowhere.status_code == 422
    assert nowhere.json()["detail"][0]["loc"][-1] == "group_id"
    assert (
        client.patch(
            f"/api/v1/assists/{crowded.pk}/participations/999999",
            {"group_id": None},
            content_type=JSON,
        ).status_code
        == 404
    )


def test_list_groups_query_count_does_not_grow_with_rows(
    admin, crowded, django_assert_max_num_queries
):
    client = bearer(admin)
    first = services.group_create(viewer=admin.viewer, assist=crowded, name="First")
    crowded.participations.filter(pk=crowded.participations.first().pk).update(group=first)
    few = count_queries(lambda: client.get(f"/api/v1/assists/{crowded.pk}/groups"))
    assert few <= 6
    client.post(f"/api/v1/assists/{crowded.pk}/groups/propose")
    with django_assert_max_num_queries(few):
        assert len(client.get(f"/api/v1/assists/{crowded.pk}/groups").json()) == 3


# --- Requests to join --------------------------------------------------------------


def test_member_asks_to_join_a_shared_plan_and_is_accepted(organiser, member):
    shared = make_assist(organiser, status=Status.PLANNED)
    asked = bearer(member).post(
        f"/api/v1/assists/{shared.pk}/join-requests",
        {"role": "visiting_peer", "message": "We did this in Lyon."},
        content_type=JSON,
    )
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    assert asked.json()["status"] == "pending"
    client = bearer(organiser)
    url = f"/api/v1/assists/{shared.pk}/join-requests/{request_id}/decision"
    decided = client.post(url, {"accept": True}, content_type=JSON)
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "accepted"
    assert Participation.objects.get(assist=shared, person=member.person).role == (
        Role.VISITING_PEER
    )
    assert client.post(url, {"accept": False}, content_type=JSON).status_code == 422


def test_join_requests_are_checked(organiser, member):
    shared = make_assist(organiser, status=Status.PLANNED)
    client = bearer(member)
    url = f"/api/v1/assists/{shared.pk}/join-requests"
    as_facilitator = client.post(url, {"role": "facilitator"}, content_type=JSON)
    assert as_facilitator.status_code == 422
    assert as_facilitator.json()["detail"][0]["loc"][-1] == "role"
    draft = make_assist(organiser, title="Not yet")
    too_early = client.post(
        f"/api/v1/assists/{draft.pk}/join-requests", {"role": "observer"}, content_type=JSON
    )
    assert too_early.status_code == 422
    request = JoinRequest.objects.create(assist=shared, person=member.person, role=Role.OBSERVER)
    refused = client.post(
        f"/api/v1/assists/{shared.pk}/join-requests/{request.pk}/decision",
        {"accept": True},
        content_type=JSON,
    )
    assert refused.status_code == 403
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"


def test_openapi_lists_the_assists_operations():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/assists/",
        "/api/v1/assists/{assist_id}",
        "/api/v1/assists/{assist_id}/transition",
        "/api/v1/assists/{assist_id}/steps",
        "/api/v1/assists/{assist_id}/participations",
        "/api/v1/assists/{assist_id}/participations/{participation_id}",
        "/api/v1/assists/{assist_id}/groups",
        "/api/v1/assists/{assist_id}/groups/propose",
        "/api/v1/assists/{assist_id}/join-requests",
        "/api/v1/assists/{assist_id}/join-requests/{request_id}/decision",
        "/api/v1/formats/",
        "/api/v1/formats/{format_id}",
        "/api/v1/formats/{format_id}/copy",
        "/api/v1/formats/steps/{step_id}",
    } <= set(paths)
