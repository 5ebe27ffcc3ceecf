"""Participation follows the answers (issue 22): someone who declines through the e-mail's
RSVP link is no participant anywhere — counts, the method's rules, breakout groups, the
live room, the write-up, participants-only notifications and the recommender's evidence —
while the organiser sees the "no" with a way to ask someone else; and the write-up names
who attended, not who was invited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from peerassist.accounts.services import api_token_create
from peerassist.assists import page_data
from peerassist.assists import selectors as assist_selectors
from peerassist.assists import services as assist_services
from peerassist.assists.models import Format, Participation, PeerAssist, Role, Rsvp, Status
from peerassist.assists.services import _copy_steps
from peerassist.invitations import services as invitation_services
from peerassist.invitations import tokens
from peerassist.invitations.models import Invitation
from peerassist.live import selectors as live_selectors
from peerassist.live import services as live_services
from peerassist.live.models import Contribution
from peerassist.notifications.models import Notification
from peerassist.search.recommender.selectors import recommend_for_assist
from peerassist.writeups import selectors as writeup_selectors
from peerassist.writeups import services as writeup_services
from peerassist.writeups.models import WriteUp
from tests.conftest import make_persona
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

BRIEF = {
    "business_context": "Network Maintenance pilots acoustic loggers to find leaks on mains.",
    "challenge": "Place and read acoustic loggers so that leaks are found early.",
    "planned_approach": "Lift and shift 400 acoustic loggers every two weeks.",
    "desired_outcome": "Options and insights on acoustic leak detection.",
}


def rsvp_link(action: str) -> str:
    """The RSVP link for `action` in the last e-mail, as the invitee clicks it."""
    urls = re.findall(r"http://127\.0\.0\.1:8000(/rsvp/[^/\s]+/)", mail.outbox[-1].body)
    assert len(urls) == 3
    return dict(zip(tokens.RSVP_ACTIONS, urls, strict=True))[action]


@pytest.fixture
def scene(org):
    """An invited assist with nine home and visiting voices. The "dev" visiting peer tips
    the plan: with Dev, nine voices in one room (breakouts proposed) and most visiting
    peers from the home team's unit (look across); without Dev, every visiting peer is
    senior (across, not up)."""
    home_unit = UnitFactory(organisation=org, name="Network Maintenance")
    field_unit = UnitFactory(organisation=org, name="Field Services")
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Finding leaks with acoustic loggers",
        format=Format.objects.get(organisation=None, kind="mini"),
        status=Status.INVITED,
        starts_at=timezone.now() + timedelta(days=10),
        focus_questions=["Where do acoustic loggers hear leaks best?"],
        **BRIEF,
    )
    _copy_steps(assist.format, assist)
    hana = make_persona(org, "member", "hana@meridian.test")
    fatima = make_persona(org, "member", "fatima@meridian.test")
    dev = make_persona(org, "member", "dev@meridian.test")
    victor = make_persona(org, "member", "victor@meridian.test")
    for persona, unit, level in [
        (hana, home_unit, "professional"),
        (fatima, field_unit, "professional"),
        (dev, home_unit, "entry"),
        (victor, field_unit, "senior"),
    ]:
        persona.person.unit, persona.person.level = unit, level
        persona.person.save()
    people = [
        (hana.person, Role.HOME_PEER),
        (PersonFactory(organisation=org, name="Hugo Home", unit=home_unit), Role.HOME_PEER),
        (fatima.person, Role.FACILITATOR),
        (dev.person, Role.VISITING_PEER),
        (victor.person, Role.VISITING_PEER),
    ]
    people += [
        (
            PersonFactory(
                organisation=org, name=f"Peer {n}", unit=unit, level="senior", email=f"p{n}@m.test"
            ),
            Role.VISITING_PEER,
        )
        for n, unit in enumerate([home_unit] * 3 + [field_unit] * 2)
    ]
    for person, role in people:
        Participation.objects.create(assist=assist, person=person, role=role)
    return {"assist": assist, "hana": hana, "fatima": fatima, "dev": dev, "victor": victor}


def codes(assist: PeerAssist) -> set[str]:
    return {f.code for f in assist_selectors.plan_review(assist=assist).findings}


def decline_by_link(scene, django_capture_on_commit_callbacks) -> None:
    assist, hana, dev = scene["assist"], scene["hana"], scene["dev"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.invitation_send(
            viewer=hana.viewer, assist=assist, person_ids=[dev.person.pk]
        )
    link = rsvp_link("decline")
    browser = Client()  # the invitee, not signed in
    assert browser.get(link).status_code == 200  # opening the link answers nothing
    assert Participation.objects.get(person=dev.person).rsvp == Rsvp.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(link).status_code == 200


def test_a_declined_invitation_takes_the_person_out_of_everything(
    scene, organiser, django_capture_on_commit_callbacks
):
    assist, hana, fatima, dev = scene["assist"], scene["hana"], scene["fatima"], scene["dev"]
    # Before the answer Dev counts: in the rules and in a breakout group.
    assert {"propose_breakouts", "look_across"} <= codes(assist)
    assert "across_not_up" not in codes(assist)
    assist_services.groups_propose(viewer=hana.viewer, assist=assist)
    assert Participation.objects.get(person=dev.person).group_id is not None

    decline_by_link(scene, django_capture_on_commit_callbacks)

    mine = Participation.objects.get(person=dev.person)
    assert (mine.rsvp, mine.taking_part, mine.group_id) == (Rsvp.DECLINED, False, None)

    # Counts.
    overview = page_data.overview(viewer=hana.viewer, assist=assist)
    assert overview.counts[Role.VISITING_PEER] == 6
    assert dev.person.name not in {p.person.name for g in overview.roles for p in g.people}
    (row,) = [a for a in page_data.assist_rows(viewer=hana.viewer) if a.pk == assist.pk]
    assert row.people_count == 9
    assert page_data.people_page(viewer=hana.viewer, assist=assist).voices == 8

    # The method's rules: eight voices, three of six from the home unit, all senior.
    found = codes(assist)
    assert "propose_breakouts" not in found
    assert "look_across" not in found
    assert "across_not_up" in found

    # Breakout groups.
    for group in assist_selectors.group_list(assist=assist):
        assert dev.person.pk not in {m.person_id for m in group.members.all()}
    assist_services.groups_propose(viewer=hana.viewer, assist=assist)
    assert Participation.objects.get(person=dev.person).group_id is None

    # The organiser sees the answer, with a way to ask someone else.
    page = hana.client().get(f"/assists/{assist.pk}/").content.decode()
    assert "1 person said no" in page and "Invite someone else" in page

    # The API shows the state.
    token = api_token_create(user=hana.user, organisation=hana.organisation, name="t")
    api = Client(headers={"Authorization": f"Bearer {token.raw}"})
    listed = api.get(f"/api/v1/assists/{assist.pk}/participations").json()
    (entry,) = [p for p in listed if p["person"]["id"] == dev.person.pk]
    assert (entry["rsvp"], entry["taking_part"], entry["attended"]) == ("declined", False, None)
    only = api.get(f"/api/v1/assists/{assist.pk}/participations?taking_part=true").json()
    assert dev.person.pk not in {p["person"]["id"] for p in only}
    assert len(only) == 9

    # The live room: no access, no presence, no one to post for.
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    assist.refresh_from_db()
    assert live_selectors.actor_for_user(assist=assist, user_id=dev.user.pk) is None
    assert dev.client().get(f"/assists/{assist.pk}/live/").status_code in (403, 404)
    assert not live_services.attendance_seen(assist_id=assist.pk, person_id=dev.person.pk)
    room = hana.client().get(f"/assists/{assist.pk}/live/").content.decode()
    assert dev.person.name not in room

    # The write-up: Dev is not among who took part.
    Contribution.objects.create(
        assist=assist,
        client_id="00000000-0000-0000-0000-000000000001",
        kind="lesson",
        text="Acoustic loggers on plastic mains hear less than 100 m",
        author=scene["victor"].person,
    )
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.assist_conclude(viewer=fatima.viewer, assist=assist)
    body = WriteUp.objects.get(assist=assist).body
    took_part = body.split("## Who took part", 1)[1].split("\n## ", 1)[0]
    assert "Victor" in took_part and "Hana" in took_part
    assert dev.person.name not in took_part

    # Participants-only notifications and write-ups.
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.writeup_publish(viewer=hana.viewer, assist=assist)
    told = set(
        Notification.objects.filter(kind="writeup.published").values_list("person_id", flat=True)
    )
    assert scene["victor"].person.pk in told
    assert dev.person.pk not in told
    assert not Notification.objects.filter(person=dev.person).exists()
    assert dev.person.email not in {m.to[0] for m in mail.outbox[1:]}  # after the invitation

    # The recommender: the assist and its write-up are evidence for who took part, not Dev.
    new = PeerAssist.objects.create(
        organisation=assist.organisation,
        title="Acoustic loggers for leak detection",
        format=assist.format,
        **BRIEF,
    )
    Participation.objects.create(assist=new, person=organiser.person, role=Role.HOME_PEER)
    found = recommend_for_assist(viewer=organiser.viewer, assist=new, limit=50)
    credited = {
        (s.person.pk, e.source)
        for s in found.suggestions
        for e in s.evidence
        if e.assist_id == assist.pk
    }
    assert {
        (scene["victor"].person.pk, "writeup"),
        (scene["victor"].person.pk, "visited"),
    } <= credited
    assert dev.person.pk not in {person for person, _source in credited}


def test_changing_the_answer_to_yes_makes_them_take_part_again(
    scene, django_capture_on_commit_callbacks
):
    decline_by_link(scene, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(person=scene["dev"].person)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.rsvp_answer(
            claim=tokens.RsvpClaim(invitation.pk, "accept", invitation.rsvp_nonce)
        )
    mine = Participation.objects.get(person=scene["dev"].person)
    assert (mine.rsvp, mine.taking_part) == (Rsvp.ACCEPTED, True)
    assert "propose_breakouts" in codes(scene["assist"])


def test_a_suggested_person_is_one_click_away_on_the_overview(
    scene, django_capture_on_commit_callbacks
):
    assist, hana, dev = scene["assist"], scene["hana"], scene["dev"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.invitation_send(
            viewer=hana.viewer, assist=assist, person_ids=[dev.person.pk]
        )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            rsvp_link("suggest"),
            {"name": "Sam Field", "email": "sam@partner.test", "reason": "Ran the 2023 pilot"},
        )
    client = hana.client()
    page = client.get(f"/assists/{assist.pk}/").content.decode()
    assert "Suggests asking Sam Field" in page
    assert "Invite Sam Field instead" in page
    # The button posts the suggestion, with the decliner's role, to the guest invitation.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/assists/{assist.pk}/invitations/guest/",
            {"name": "Sam Field", "email": "sam@partner.test", "role": Role.VISITING_PEER},
        )
    assert response.status_code == 302
    sam = Participation.objects.get(assist=assist, person__email="sam@partner.test")
    assert (sam.role, sam.taking_part) == (Role.VISITING_PEER, True)
    assert Invitation.objects.filter(assist=assist, person=sam.person).exists()
    page = client.get(f"/assists/{assist.pk}/").content.decode()
    assert "Invite Sam Field instead" not in page
    assert "Sam Field is already asked." in page


def test_the_write_up_names_who_attended_not_who_was_invited(
    scene, django_capture_on_commit_callbacks
):
    assist, hana, fatima, victor = (scene[k] for k in ("assist", "hana", "fatima", "victor"))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.invitation_send(
            viewer=hana.viewer,
            assist=assist,
            person_ids=list(
                Participation.objects.filter(assist=assist, role=Role.VISITING_PEER).values_list(
                    "person_id", flat=True
                )
            ),
        )
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    assist.refresh_from_db()
    # Victor comes into the live room: recorded as there.
    assert live_services.attendance_seen(assist_id=assist.pk, person_id=victor.person.pk)
    rows = {
        r.participation.person.name: r for r in writeup_selectors.attendance_list(assist=assist)
    }
    assert rows["Victor"].present and rows["Victor"].seen_in_room and rows["Victor"].recorded
    # Invited without an answer: not there by default; the home team and facilitator are.
    assert not rows["Peer 0"].present
    assert rows["Hana"].present and rows["Fatima"].present
    page = fatima.client().get(f"/assists/{assist.pk}/conclusion/").content.decode()
    assert "Who was there" in page and "seen in the live room" in page

    # The facilitator ticks Peer 0 (came in person) and unticks Hugo (could not come).
    ticked = [
        r.participation.pk for name, r in rows.items() if r.present and name != "Hugo Home"
    ] + [rows["Peer 0"].participation.pk]
    response = fatima.client().post(
        f"/assists/{assist.pk}/conclusion/attendance/", {"present": ticked}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.assist_conclude(viewer=fatima.viewer, assist=assist)
    body = WriteUp.objects.get(assist=assist).body
    took_part = body.split("## Who took part", 1)[1].split("\n## ", 1)[0]
    assert "Victor" in took_part and "Peer 0" in took_part
    assert "Hugo Home" not in took_part and "Peer 1" not in took_part
    attended = dict(
        Participation.objects.filter(assist=assist).values_list("person__name", "attended")
    )
    assert attended["Peer 1"] is False and attended["Hugo Home"] is False


@pytest.mark.parametrize("bad", [["x"], ["999999"]])
def test_ticking_someone_not_taking_part_is_refused(scene, bad):
    assist, fatima = scene["assist"], scene["fatima"]
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    response = fatima.client().post(
        f"/assists/{assist.pk}/conclusion/attendance/", {"present": bad}
    )
    assert response.status_code == 400
    assert not Participation.objects.filter(assist=assist, attended__isnull=False).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("dev", 403), ("victor", 403), ("hana", 302), ("fatima", 302)]
)
def test_who_may_tick_attendance(scene, who, status):
    assist = scene["assist"]
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    response = scene[who].client().post(f"/assists/{assist.pk}/conclusion/attendance/", {})
    assert response.status_code == status


def bearer(persona) -> Client:
    token = api_token_create(user=persona.user, organisation=persona.organisation, name="t")
    return Client(headers={"Authorization": f"Bearer {token.raw}"})


@pytest.mark.parametrize(
    ("who", "expected"), [("fatima", 200), ("hana", 200), ("victor", 403), ("dev", 403)]
)
def test_api_attendance_is_recorded_by_those_who_record_the_conclusion(scene, who, expected):
    assist = scene["assist"]
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    victor = Participation.objects.get(assist=assist, person=scene["victor"].person)
    response = bearer(scene[who]).put(
        f"/api/v1/assists/{assist.pk}/attendance",
        {"present_ids": [victor.pk]},
        content_type="application/json",
    )
    assert response.status_code == expected
    if expected == 200:
        rows = {r["name"]: r for r in response.json()}
        assert rows["Victor"]["present"] and rows["Victor"]["recorded"]
        assert not rows["Hana"]["present"] and rows["Hana"]["recorded"]


def test_api_attendance_leaves_out_who_said_no_and_refuses_ticking_them(
    scene, django_capture_on_commit_callbacks
):
    decline_by_link(scene, django_capture_on_commit_callbacks)
    assist, fatima = scene["assist"], scene["fatima"]
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    api = bearer(fatima)
    listed = api.get(f"/api/v1/assists/{assist.pk}/attendance").json()
    assert "Dev" not in {r["name"] for r in listed} and len(listed) == 9
    dev = Participation.objects.get(person=scene["dev"].person)
    refused = api.put(
        f"/api/v1/assists/{assist.pk}/attendance",
        {"present_ids": [dev.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert Client().get(f"/api/v1/assists/{assist.pk}/attendance").status_code == 401


def test_declines_and_attendance_take_a_fixed_number_of_queries(
    scene, django_assert_max_num_queries
):
    assist = scene["assist"]
    Participation.objects.filter(assist=assist, role=Role.VISITING_PEER).update(rsvp=Rsvp.DECLINED)
    with django_assert_max_num_queries(3):
        assert len(page_data.declines(assist=assist)) == 7
    with django_assert_max_num_queries(3):
        assert len(writeup_selectors.attendance_list(assist=assist)) == 3


def test_a_participants_only_write_up_is_not_for_who_declined(
    scene, django_capture_on_commit_callbacks
):
    assist, hana, fatima, dev = scene["assist"], scene["hana"], scene["fatima"], scene["dev"]
    decline_by_link(scene, django_capture_on_commit_callbacks)
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE, visibility="participants")
    assist.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.assist_conclude(viewer=fatima.viewer, assist=assist)
        writeup_services.writeup_publish(viewer=hana.viewer, assist=assist)
    url = f"/assists/{assist.pk}/writeup/"
    assert scene["victor"].client().get(url).status_code == 200
    assert dev.client().get(url).status_code == 404
    assert not writeup_selectors.published_writeups(viewer=dev.viewer).exists()
    assert writeup_selectors.published_writeups(viewer=scene["victor"].viewer).count() == 1
