"""The planning pages: who may open and change them, and what a person sees when a rule speaks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from peerassist.accounts.models import Role as OrgRole
from peerassist.assists import services
from peerassist.assists.models import (
    BreakoutGroup,
    Format,
    JoinRequest,
    Participation,
    PeerAssist,
    Role,
    Status,
    Visibility,
)
from tests.conftest import make_persona
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

BRIEF_TOO_LONG = "Keep it to one page"
FACILITATOR_REFUSAL = (
    "The facilitator cannot be a member of the home team. A facilitator from outside keeps the "
    "balance between telling and listening, and can hold the home team to listening without "
    "defending its plan. Ask someone from another team."
)
NO_VISITING_PEERS = (
    "Add at least one visiting peer: they are the people whose experience you ask for."
)
TWO_DAYS = "A Peer Assist lasts two days at the most."


def shipped(kind: str) -> Format:
    return Format.objects.get(organisation=None, kind=kind)


@pytest.fixture
def team(org):
    """Three members who take part: a home peer, a facilitator and a visiting peer."""
    return {
        "home_peer": make_persona(org, OrgRole.MEMBER, "home@meridian.test"),
        "facilitator": make_persona(org, OrgRole.MEMBER, "facilitator@meridian.test"),
        "visiting_peer": make_persona(org, OrgRole.MEMBER, "visiting@meridian.test"),
    }


def plan(organiser, team, *, title="Roll out smart meters", kind="standard", visibility=None):
    """An assist the home peer created (so is in the home team), with a facilitator and a peer."""
    assist = services.assist_create(
        viewer=team["home_peer"].viewer, title=title, format_id=shipped(kind).pk
    )
    for role in ("facilitator", "visiting_peer"):
        services.participation_add(
            viewer=organiser.viewer, assist=assist, person_id=team[role].person.pk, role=role
        )
    if visibility:
        services.assist_update(
            viewer=organiser.viewer, assist=assist, changes={"visibility": visibility}
        )
    return PeerAssist.objects.get(pk=assist.pk)


@pytest.fixture
def assist(organiser, team):
    return plan(organiser, team)


# --- Permissions ------------------------------------------------------------------------------

READ_PAGES = ["", "brief/print/"]
EDIT_PAGES = ["brief/", "agenda/", "people/", "logistics/"]
EDITORS = ["admin", "organiser", "home_peer", "facilitator"]
READERS = ["visiting_peer", "member"]  # a plain participant; a member not involved


def persona(request, name, team):
    return team[name] if name in team else request.getfixturevalue(name)


PERMISSIONS = (
    [(who, page, 200) for who in EDITORS for page in READ_PAGES + EDIT_PAGES]
    + [(who, page, 200) for who in READERS for page in READ_PAGES]
    + [(who, page, 403) for who in READERS for page in EDIT_PAGES]
    + [("outsider", page, 403) for page in READ_PAGES + EDIT_PAGES]
    # A guest's link opens only their own assist: other pages do not exist for them.
    + [("guest", page, 404) for page in READ_PAGES + EDIT_PAGES]
    + [("other_org_member", page, 404) for page in READ_PAGES + EDIT_PAGES]
)


@pytest.mark.parametrize(("who", "page", "expected"), PERMISSIONS)
def test_page_permissions_on_an_organisation_visible_assist(
    request, team, assist, who, page, expected
):
    assert assist.visibility == Visibility.ORGANISATION
    client = persona(request, who, team).client()
    assert client.get(f"/assists/{assist.pk}/{page}").status_code == expected


PARTICIPANTS_ONLY = [
    ("visiting_peer", "", 200),
    ("visiting_peer", "brief/print/", 200),
    ("visiting_peer", "brief/", 403),
    ("member", "", 404),
    ("member", "brief/print/", 404),
    ("member", "brief/", 404),
    ("organiser", "", 200),
    ("other_org_member", "", 404),
    ("guest", "", 404),
]


@pytest.mark.parametrize(("who", "page", "expected"), PARTICIPANTS_ONLY)
def test_page_permissions_on_a_participants_only_assist(
    request, organiser, team, who, page, expected
):
    private = plan(organiser, team, visibility=Visibility.PARTICIPANTS)
    client = persona(request, who, team).client()
    assert client.get(f"/assists/{private.pk}/{page}").status_code == expected


POSTS = [
    ("status/", {"target": "planned"}),
    ("brief/", {"challenge": "Changed"}),
    ("agenda/", {}),
    ("logistics/", {"title": "Changed"}),
    ("people/add/", {"role": "observer"}),
    ("groups/propose/", {}),
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("visiting_peer", 403),
        ("member", 403),
        ("guest", 404),
        ("outsider", 403),
        ("other_org_member", 404),
    ],
)
@pytest.mark.parametrize(("path", "data"), POSTS)
def test_only_editors_can_post(request, team, assist, who, expected, path, data):
    client = persona(request, who, team).client()
    assert client.post(f"/assists/{assist.pk}/{path}", data).status_code == expected
    assist.refresh_from_db()
    assert assist.status == Status.DRAFT
    assert assist.challenge == ""
    assert assist.title == "Roll out smart meters"
    assert not BreakoutGroup.objects.filter(assist=assist).exists()


@pytest.mark.parametrize(
    ("who", "expected"), [("member", 200), ("organiser", 200), ("guest", 404), ("outsider", 403)]
)
@pytest.mark.parametrize("path", ["/assists/", "/assists/new/", "/assists/shared/"])
def test_list_pages_are_for_members(request, team, who, expected, path):
    assert persona(request, who, team).client().get(path).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(client, assist):
    response = client.get(f"/assists/{assist.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_overview_shows_readers_no_editing_controls(member, assist):
    body = member.client().get(f"/assists/{assist.pk}/").content.decode()
    assert "Mark as planned" not in body
    assert f'/assists/{assist.pk}/brief/"' not in body
    assert "You can read this plan" in body


# --- The list, creating, the home page ---------------------------------------------------------


def test_list_separates_own_assists_from_the_organisations(team, assist, organiser, member):
    other = services.assist_create(
        viewer=organiser.viewer, title="Treatment works upgrade", format_id=shipped("mini").pk
    )
    response = team["visiting_peer"].client().get("/assists/")
    assert [a.title for a in response.context["mine"]] == ["Roll out smart meters"]
    assert [a.title for a in response.context["others"]] == [other.title]
    assert "Visiting peer" in response.content.decode()


def test_list_filters_by_status(organiser, team, assist):
    services.assist_transition(viewer=organiser.viewer, assist=assist, target="planned")
    plan(organiser, team, title="Still a draft")
    response = organiser.client().get("/assists/", {"status": "planned"})
    titles = [a.title for a in response.context["mine"] + response.context["others"]]
    assert titles == ["Roll out smart meters"]


def test_empty_list_invites_to_plan_one(member):
    body = member.client().get("/assists/").content.decode()
    assert "You take part in no Peer Assist yet." in body
    assert 'href="/assists/new/"' in body


def test_creating_an_assist_puts_the_creator_in_the_home_team(member):
    standard = shipped("standard")
    response = member.client().post(
        "/assists/new/",
        {"title": "New billing system", "format_id": standard.pk, "join_home_team": "on"},
    )
    created = PeerAssist.objects.get(title="New billing system")
    assert response.status_code == 302
    assert response["Location"] == f"/assists/{created.pk}/"
    assert created.steps.count() == standard.steps.count()
    assert created.participations.get().role == Role.HOME_PEER


def test_create_page_lists_formats_with_their_minutes(member):
    body = member.client().get("/assists/new/").content.decode()
    assert "Mini Peer Assist" in body
    assert "Extended Peer Assist" in body or "Extended" in body
    assert re.search(
        r"Standard Peer Assist \(90 minutes\)\s*<span class=\"muted\">· 90 minutes", body
    )


def test_create_without_a_title_is_refused(member):
    response = member.client().post("/assists/new/", {"format_id": shipped("mini").pk})
    assert response.status_code == 400
    assert "Error:" in response.content.decode()
    assert not PeerAssist.objects.exists()


def test_home_page_lists_the_viewers_upcoming_assists(team, assist, member):
    body = team["home_peer"].client().get("/").content.decode()
    assert "Your Peer Assists" in body and "Roll out smart meters" in body
    empty = member.client().get("/").content.decode()
    assert "You have no Peer Assist coming up." in empty


# --- The overview -------------------------------------------------------------------------------


def test_overview_shows_checklist_findings_timeline_and_moves(team, assist):
    response = team["home_peer"].client().get(f"/assists/{assist.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "At least one visiting peer" in body
    assert "Done:" in body and "To do:" in body  # state in words, not only a tick's colour
    assert (
        "The brief goes to the visiting peers" in body and "The decision this assist feeds" in body
    )
    assert "Mark as planned" in body
    assert "Facilitator (1)" in body


def test_transition_to_invited_without_visiting_peers_is_refused(organiser, team):
    assist = services.assist_create(
        viewer=team["home_peer"].viewer, title="Alone", format_id=shipped("mini").pk
    )
    client = team["home_peer"].client()
    assert client.post(f"/assists/{assist.pk}/status/", {"target": "planned"}).status_code == 302
    response = client.post(f"/assists/{assist.pk}/status/", {"target": "invited"})
    assert response.status_code == 400
    assert NO_VISITING_PEERS in response.content.decode()
    assert "Refused:" in response.content.decode()
    assist.refresh_from_db()
    assert assist.status == Status.PLANNED


def test_illegal_transition_is_refused(organiser, assist):
    response = organiser.client().post(f"/assists/{assist.pk}/status/", {"target": "concluded"})
    assert response.status_code == 400
    assert "An assist that is draft cannot become concluded." in response.content.decode()


# --- The brief ---------------------------------------------------------------------------------


def test_saving_a_900_word_brief_stores_it_and_shows_the_warning(team, assist):
    challenge = " ".join(f"word{i}" for i in range(900))
    response = (
        team["home_peer"]
        .client()
        .post(
            f"/assists/{assist.pk}/brief/",
            {"challenge": challenge, "business_context": "", "focus_questions": "What worked?\n\n"},
            follow=True,
        )
    )
    body = response.content.decode()
    assist.refresh_from_db()
    assert assist.challenge == challenge
    assert assist.focus_questions == ["What worked?"]
    assert "The brief is saved." in body
    assert BRIEF_TOO_LONG in body
    assert 'data-code="brief_too_long"' in body
    assert "Warning" in body
    assert re.search(r"data-gauge-words>902<", body)  # 900 + "What worked"


def test_six_focus_questions_are_refused_next_to_the_field(team, assist):
    questions = "\n".join(f"Question {i}?" for i in range(6))
    response = (
        team["home_peer"]
        .client()
        .post(f"/assists/{assist.pk}/brief/", {"challenge": "New", "focus_questions": questions})
    )
    assert response.status_code == 400
    assert "6 focus questions are too many" in response.content.decode()
    assist.refresh_from_db()
    assert assist.challenge == ""


def test_brief_page_loads_the_gauge_module_without_inline_script(team, assist):
    body = team["home_peer"].client().get(f"/assists/{assist.pk}/brief/").content.decode()
    assert re.search(
        r'<script type="module" src="/static/assists/brief-gauge\.js" nonce="[^"]+">', body
    )
    assert " style=" not in body
    assert "<script>" not in body


def test_printable_brief_has_every_section(team, assist):
    services.assist_update(
        viewer=team["home_peer"].viewer,
        assist=assist,
        changes={
            "business_context": "Ten thousand meters a month.",
            "challenge": "Installers miss appointments.",
            "planned_approach": "Text reminders.",
            "desired_outcome": "Options.",
            "focus_questions": ["How did you cut no-shows?"],
            "place": "Room 4",
        },
    )
    body = team["visiting_peer"].client().get(f"/assists/{assist.pk}/brief/print/").content.decode()
    for text in (
        "Ten thousand meters a month.",
        "Installers miss appointments.",
        "Text reminders.",
        "How did you cut no-shows?",
        "Room 4",
        "Home",  # the home team's name (persona named after its e-mail)
        "Facilitator",
    ):
        assert text in body
    assert " style=" not in body


# --- The agenda --------------------------------------------------------------------------------


def test_agenda_saves_minutes_and_shows_prompts(team, assist):
    steps = list(assist.steps.order_by("order"))
    data = {f"step_{s.pk}": s.duration_minutes for s in steps}
    data[f"step_{steps[3].pk}"] = 50
    client = team["facilitator"].client()
    assert client.post(f"/assists/{assist.pk}/agenda/", data).status_code == 302
    steps[3].refresh_from_db()
    assert steps[3].duration_minutes == 50
    body = client.get(f"/assists/{assist.pk}/agenda/").content.decode()
    assert "95 minutes" in body


def test_extended_agenda_over_two_days_is_refused(organiser, team):
    extended = plan(organiser, team, kind="extended")
    steps = list(extended.steps.order_by("order"))
    data = {f"step_{s.pk}": s.duration_minutes for s in steps}
    during = next(s for s in steps if s.phase == "during")
    data[f"step_{during.pk}"] = 2000
    response = organiser.client().post(f"/assists/{extended.pk}/agenda/", data)
    assert response.status_code == 400
    assert TWO_DAYS in response.content.decode()
    during.refresh_from_db()
    assert during.duration_minutes != 2000


def test_mini_agenda_shows_the_guides_prompt_questions(organiser, team):
    mini = plan(organiser, team, kind="mini")
    body = organiser.client().get(f"/assists/{mini.pk}/agenda/").content.decode()
    assert "What were the key drivers that led to success or failure?" in body
    assert "Before the session" in body


# --- People, groups, requests to join -----------------------------------------------------------


def test_adding_a_visiting_peer_from_the_directory(organiser, assist, directory):
    ana = directory["people"]["ana"]
    client = organiser.client()
    # The picker lists no one until something is typed (10,000 people make no page).
    assert f'value="{ana.pk}"' not in client.get(f"/assists/{assist.pk}/people/").content.decode()
    found = client.get(f"/assists/{assist.pk}/people/", {"q": "ana"}).content.decode()
    assert f'value="{ana.pk}"' in found
    response = client.post(
        f"/assists/{assist.pk}/people/add/", {"person_id": ana.pk, "role": "visiting_peer"}
    )
    assert response.status_code == 302
    assert assist.participations.get(person=ana).role == Role.VISITING_PEER


def test_a_person_of_another_organisation_cannot_be_added(organiser, assist, directory):
    stranger = directory["people"]["stranger"]
    response = organiser.client().post(
        f"/assists/{assist.pk}/people/add/", {"person_id": stranger.pk, "role": "visiting_peer"}
    )
    assert response.status_code == 400
    assert not assist.participations.filter(person=stranger).exists()


def test_naming_a_home_peer_as_facilitator_shows_the_refusal(team, assist):
    home = assist.participations.get(role=Role.HOME_PEER)
    response = (
        team["facilitator"]
        .client()
        .post(f"/assists/{assist.pk}/people/{home.pk}/role/", {"role": "facilitator"})
    )
    assert response.status_code == 400
    assert FACILITATOR_REFUSAL in response.content.decode()
    home.refresh_from_db()
    assert home.role == Role.HOME_PEER


def test_changing_a_role_and_removing_someone(organiser, team, assist):
    visiting = assist.participations.get(role=Role.VISITING_PEER)
    client = organiser.client()
    client.post(f"/assists/{assist.pk}/people/{visiting.pk}/role/", {"role": "observer"})
    visiting.refresh_from_db()
    assert visiting.role == Role.OBSERVER
    client.post(f"/assists/{assist.pk}/people/{visiting.pk}/remove/")
    assert not Participation.objects.filter(pk=visiting.pk).exists()


def test_propose_groups_with_23_people_creates_groups(organiser, assist):
    unit = UnitFactory(organisation=organiser.organisation)
    for i in range(21):  # + the home peer and the visiting peer already there = 23 voices
        person = PersonFactory(organisation=organiser.organisation, unit=unit, languages=["en"])
        services.participation_add(
            viewer=organiser.viewer,
            assist=assist,
            person_id=person.pk,
            role="home_peer" if i < 3 else "visiting_peer",
        )
    client = organiser.client()
    body = client.get(f"/assists/{assist.pk}/people/").content.decode()
    assert "23 home and visiting peers." in body
    assert 'data-code="too_many_people"' in body
    response = client.post(f"/assists/{assist.pk}/groups/propose/", follow=True)
    groups = list(BreakoutGroup.objects.filter(assist=assist))
    assert len(groups) == 3
    voices = assist.participations.filter(role__in=[Role.HOME_PEER, Role.VISITING_PEER])
    assert not voices.filter(group=None).exists()
    assert "Proposed 3 breakout groups." in response.content.decode()
    assert "Group 3" in response.content.decode()


def test_moving_someone_to_another_group(organiser, assist):
    services.groups_propose(viewer=organiser.viewer, assist=assist)
    other = services.group_create(viewer=organiser.viewer, assist=assist, name="Spanish")
    visiting = assist.participations.get(role=Role.VISITING_PEER)
    response = organiser.client().post(
        f"/assists/{assist.pk}/people/{visiting.pk}/group/", {"group_id": other.pk}
    )
    assert response.status_code == 302
    visiting.refresh_from_db()
    assert visiting.group == other


def test_asking_to_join_a_shared_plan_and_being_accepted(organiser, member, team, assist):
    services.assist_transition(viewer=organiser.viewer, assist=assist, target="planned")
    client = member.client()
    assert (
        "Ask to join as visiting peer / observer" in client.get("/assists/shared/").content.decode()
    )
    client.post(
        f"/assists/{assist.pk}/join/", {"role": "observer", "message": "We start the same in May."}
    )
    body = client.get("/assists/shared/").content.decode()
    assert "You asked to join as observer." in body
    join = JoinRequest.objects.get(assist=assist)
    people_page = team["home_peer"].client().get(f"/assists/{assist.pk}/people/").content.decode()
    assert "We start the same in May." in people_page
    team["home_peer"].client().post(
        f"/assists/{assist.pk}/requests/{join.pk}/", {"decision": "accept"}
    )
    assert assist.participations.get(person=member.person).role == Role.OBSERVER
    assert "You take part in this Peer Assist." in client.get("/assists/shared/").content.decode()


def test_a_draft_is_not_a_shared_plan(member, assist):
    response = member.client().get("/assists/shared/")
    assert response.context["plans"] == []
    assert (
        member.client().post(f"/assists/{assist.pk}/join/", {"role": "observer"}).status_code == 302
    )
    assert not JoinRequest.objects.exists()


# --- Logistics ---------------------------------------------------------------------------------


def test_logistics_reads_times_in_the_assists_time_zone(team, assist):
    response = (
        team["home_peer"]
        .client()
        .post(
            f"/assists/{assist.pk}/logistics/",
            {
                "title": "Roll out smart meters",
                "starts_at": "2030-03-12T09:30",
                "ends_at": "2030-03-12T11:00",
                "time_zone": "Europe/Paris",
                "decision_date": "2030-03-13",
                "brief_send_on": "2030-03-08",
                "mode": "hybrid",
                "place": "Room 4",
                "video_link": "https://meet.example.org/abc",
                "visibility": "organisation",
            },
            follow=True,
        )
    )
    assist.refresh_from_db()
    assert assist.starts_at == dt.datetime(2030, 3, 12, 8, 30, tzinfo=dt.UTC)
    assert assist.ends_at == dt.datetime(2030, 3, 12, 10, 0, tzinfo=dt.UTC)
    body = response.content.decode()
    assert 'value="2030-03-12T09:30"' in body  # shown back in the assist's zone
    assert 'data-code="brief_late"' in body and 'data-code="too_late_to_change"' in body


def test_logistics_picks_the_time_zone_from_a_list_with_the_current_one_chosen(team, assist):
    PeerAssist.objects.filter(pk=assist.pk).update(time_zone="America/Argentina/Buenos_Aires")
    body = team["home_peer"].client().get(f"/assists/{assist.pk}/logistics/").content.decode()
    picker = body[body.index('<select name="time_zone"') :]
    picker = picker[: picker.index("</select>")]
    assert '<option value="Europe/London">Europe/London</option>' in picker
    assert (
        '<option value="America/Argentina/Buenos_Aires" selected>'
        "America/Argentina/Buenos Aires</option>" in picker
    )
    assert "Etc/GMT+5" not in picker  # POSIX's inverted signs confuse more than they help


def test_logistics_keeps_an_older_zone_alias_it_does_not_list(team, assist):
    PeerAssist.objects.filter(pk=assist.pk).update(time_zone="GB")
    body = team["home_peer"].client().get(f"/assists/{assist.pk}/logistics/").content.decode()
    assert '<option value="GB" selected>GB</option>' in body


def test_logistics_refuses_an_end_before_the_start(team, assist):
    response = (
        team["home_peer"]
        .client()
        .post(
            f"/assists/{assist.pk}/logistics/",
            {
                "title": "Roll out smart meters",
                "starts_at": "2030-03-12T09:30",
                "ends_at": "2030-03-12T08:00",
                "time_zone": "UTC",
                "mode": "in_person",
                "visibility": "organisation",
            },
        )
    )
    assert response.status_code == 400
    assert "The session ends before it starts." in response.content.decode()
    assist.refresh_from_db()
    assert assist.starts_at is None


def test_logistics_refuses_an_unknown_time_zone(team, assist):
    response = (
        team["home_peer"]
        .client()
        .post(
            f"/assists/{assist.pk}/logistics/",
            {
                "title": "X",
                "time_zone": "Mars/Olympus",
                "mode": "virtual",
                "visibility": "organisation",
            },
        )
    )
    assert response.status_code == 400
    assert "is not a time zone name" in response.content.decode()


# --- Queries -----------------------------------------------------------------------------------


@pytest.fixture
def busy_org(organiser, team):
    """Eight assists, each with a handful of people."""
    unit = UnitFactory(organisation=organiser.organisation)
    extra = [
        PersonFactory(organisation=organiser.organisation, unit=unit, languages=["en", "fr"])
        for _ in range(5)
    ]
    assists = []
    for n in range(8):
        assist = plan(organiser, team, title=f"Assist {n}")
        for person in extra:
            services.participation_add(
                viewer=organiser.viewer, assist=assist, person_id=person.pk, role="visiting_peer"
            )
        assists.append(assist)
    return assists


def test_list_page_queries_do_not_grow_with_assists(
    organiser, busy_org, django_assert_max_num_queries
):
    client = organiser.client()
    client.get("/assists/")
    with django_assert_max_num_queries(6):
        response = client.get("/assists/")
    assert len(response.context["mine"]) + len(response.context["others"]) == 8


def test_overview_queries_do_not_grow_with_people(
    organiser, busy_org, django_assert_max_num_queries
):
    client = organiser.client()
    with django_assert_max_num_queries(12):
        response = client.get(f"/assists/{busy_org[0].pk}/")
    assert response.status_code == 200


def test_people_page_queries_do_not_grow_with_people(
    organiser, busy_org, django_assert_max_num_queries
):
    services.groups_propose(viewer=organiser.viewer, assist=busy_org[0])
    client = organiser.client()
    # 4 of them check the breakout groups against the guide's rules (whatever their size).
    with django_assert_max_num_queries(18):
        response = client.get(f"/assists/{busy_org[0].pk}/people/")
    assert response.status_code == 200


def test_shared_plans_queries_do_not_grow_with_plans(
    organiser, member, busy_org, django_assert_max_num_queries
):
    for assist in busy_org:
        services.assist_transition(viewer=organiser.viewer, assist=assist, target="planned")
    client = member.client()
    with django_assert_max_num_queries(9):
        response = client.get("/assists/shared/")
    assert len(response.context["plans"]) == 8


class TestAttachmentPages:
    @pytest.fixture
    def shared_assist(self, member):
        from peerassist.assists.models import Format

        return services.assist_create(
            viewer=member.viewer,
            title="With documents",
            format_id=Format.objects.get(organisation=None, kind="mini").pk,
        )

    def test_home_team_attaches_and_a_colleague_downloads(self, member, shared_assist, org):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.conftest import make_persona

        client = member.client()
        upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
        response = client.post(f"/assists/{shared_assist.pk}/attachments/", {"file": upload})
        assert response.status_code == 302
        attachment = shared_assist.attachments.get()
        assert "plan.pdf" in client.get(f"/assists/{shared_assist.pk}/brief/").content.decode()

        colleague = make_persona(org, "member", "reader@meridian.test").client()
        download = colleague.get(f"/assists/{shared_assist.pk}/attachments/{attachment.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"
        assert "attachment" in download["Content-Disposition"]

        refused = colleague.post(f"/assists/{shared_assist.pk}/attachments/{attachment.pk}/remove/")
        assert refused.status_code == 403
        assert shared_assist.attachments.exists()

    def test_participants_only_attachment_is_404_for_others(self, member, shared_assist, org):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.conftest import make_persona

        services.assist_update(
            viewer=member.viewer, assist=shared_assist, changes={"visibility": "participants"}
        )
        attachment = services.attachment_add(
            viewer=member.viewer,
            assist=shared_assist,
            upload=SimpleUploadedFile("secret.pdf", b"secret"),
        )
        outsider = make_persona(org, "member", "nosy@meridian.test").client()
        url = f"/assists/{shared_assist.pk}/attachments/{attachment.pk}/"
        assert outsider.get(url).status_code == 404
        assert member.client().get(url).status_code == 200

    def test_refused_file_shows_the_reason(self, member, shared_assist):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = member.client()
        upload = SimpleUploadedFile("tool.exe", b"MZ")
        response = client.post(
            f"/assists/{shared_assist.pk}/attachments/", {"file": upload}, follow=True
        )
        assert "is not a type peers can open here" in response.content.decode()
        assert not shared_assist.attachments.exists()
