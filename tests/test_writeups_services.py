"""Concluding, the conclusion, the write-up's versions and publishing, through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from peerassist.assists.models import Status, Visibility
from peerassist.core.findings import RuleViolation
from peerassist.notifications.models import Notification
from peerassist.webhooks.models import Delivery, Webhook
from peerassist.writeups import diffing, selectors, services
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    Feedback,
    FollowUp,
    WriteUp,
    WriteUpStatus,
)
from tests.factories import PersonFactory
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org):
    return make_scene(org)


@pytest.fixture
def concluded(org):
    return make_scene(org, status="concluded")


def hook(org, *events):
    return Webhook.objects.create(organisation=org, url="http://127.0.0.1:9/hook", events=events)


# --- Concluding --------------------------------------------------------------------------


def test_facilitator_concludes_the_live_session_and_the_write_up_is_drafted(
    org, scene, django_capture_on_commit_callbacks
):
    hook(org, "assist.concluded")
    with django_capture_on_commit_callbacks(execute=True):
        assist = services.assist_conclude(viewer=scene.facilitator.viewer, assist=scene.assist)
    assert assist.status == Status.CONCLUDED
    writeup = WriteUp.objects.get(assist=assist)
    assert writeup.version == 1 and writeup.status == WriteUpStatus.DRAFT
    assert "★ Loggers on plastic pipes hear less than 100 m" in writeup.body
    [delivery] = Delivery.objects.filter(event="assist.concluded")
    assert delivery.payload["assist"]["id"] == assist.pk
    assert delivery.payload["assist"]["status"] == "concluded"


def test_home_peer_cannot_conclude_the_session(scene):
    with pytest.raises(PermissionDenied):
        services.assist_conclude(viewer=scene.home.viewer, assist=scene.assist)


def test_an_assist_that_is_not_live_cannot_be_concluded(org):
    scene = make_scene(org, status="invited")
    with pytest.raises(RuleViolation):
        services.assist_conclude(viewer=scene.facilitator.viewer, assist=scene.assist)


# --- The conclusion ----------------------------------------------------------------------


def test_saving_the_response_schedules_the_followup(scene):
    due = timezone.localdate() + timedelta(days=42)
    services.conclusion_save(
        viewer=scene.note_taker.viewer,
        assist=scene.assist,
        learned="Placement matters",
        do_differently="Start on metal mains",
        shared_knowledge="Nobody has data on plastic",
        followup_on=due,
    )
    assert scene.assist.conclusion.learned == "Placement matters"
    assert FollowUp.objects.get(assist=scene.assist).due_on == due


def test_followup_at_the_next_meeting_without_a_meeting_is_refused(scene):
    with pytest.raises(RuleViolation) as refused:
        services.conclusion_save(
            viewer=scene.home.viewer,
            assist=scene.assist,
            learned="",
            do_differently="",
            shared_knowledge="",
            followup_at_next_meeting=True,
        )
    assert "no community meeting planned; choose a date" in str(refused.value)
    assert not FollowUp.objects.exists()


def test_followup_at_the_next_meeting_takes_the_meetings_date(org, scene):
    from peerassist.communities.models import Community, Meeting

    community = Community.objects.create(organisation=org, name="Leakage")
    community.members.add(scene.home.person)
    starts = timezone.now() + timedelta(days=30)
    Meeting.objects.create(community=community, title="Quarterly", starts_at=starts)
    services.conclusion_save(
        viewer=scene.home.viewer,
        assist=scene.assist,
        learned="",
        do_differently="",
        shared_knowledge="",
        followup_at_next_meeting=True,
    )
    assert FollowUp.objects.get(assist=scene.assist).due_on == timezone.localdate(starts)
    assert scene.assist.conclusion.followup_at_next_meeting


def test_visiting_peer_cannot_record_the_conclusion(scene):
    with pytest.raises(PermissionDenied):
        services.conclusion_save(
            viewer=scene.visiting.viewer,
            assist=scene.assist,
            learned="x",
            do_differently="",
            shared_knowledge="",
        )


def test_action_links_only_starred_notes_and_action_ideas(scene):
    starred, idea = scene.note("Loggers on plastic"), scene.note("Ask the 2023")
    action = services.action_create(
        viewer=scene.home.viewer,
        assist=scene.assist,
        title="Get the 2023 placement sheet",
        owner_id=scene.home.person.pk,
        due_on=timezone.localdate() + timedelta(days=14),
        contribution_ids=[starred.pk, idea.pk],
    )
    assert set(action.contributions.all()) == {starred, idea}
    plain = scene.note("Map hydrant")
    with pytest.raises(ValidationError):
        services.action_create(
            viewer=scene.home.viewer, assist=scene.assist, title="x", contribution_ids=[plain.pk]
        )


def test_action_owner_comes_from_the_organisation(scene, directory):
    stranger = directory["people"]["stranger"]
    with pytest.raises(ValidationError):
        services.action_create(
            viewer=scene.home.viewer, assist=scene.assist, title="x", owner_id=stranger.pk
        )
    ana = directory["people"]["ana"]
    action = services.action_create(
        viewer=scene.home.viewer, assist=scene.assist, title="x", owner_id=ana.pk
    )
    assert action.owner == ana


def test_marking_an_action_done_records_when(scene):
    action = services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="x")
    action = services.action_update(
        viewer=scene.home.viewer, action=action, changes={"status": ActionStatus.DONE}
    )
    assert action.completed_at is not None
    action = services.action_update(
        viewer=scene.home.viewer, action=action, changes={"status": ActionStatus.OPEN}
    )
    assert action.completed_at is None


def test_connect_pair_is_a_home_peer_with_a_visiting_peer(scene):
    pair = services.connect_pair_add(
        viewer=scene.facilitator.viewer,
        assist=scene.assist,
        home_peer_id=scene.home.person.pk,
        visiting_peer_id=scene.visiting.person.pk,
        topic="night correlation",
    )
    assert str(pair) == f"{scene.home.person} ↔ {scene.visiting.person}"
    with pytest.raises(ValidationError):
        services.connect_pair_add(
            viewer=scene.facilitator.viewer,
            assist=scene.assist,
            home_peer_id=scene.visiting.person.pk,
            visiting_peer_id=scene.home.person.pk,
            topic="",
        )


def test_each_participant_gives_feedback_once_and_may_change_it(scene):
    services.feedback_give(
        viewer=scene.visiting.viewer,
        assist=scene.assist,
        usefulness=3,
        comment="ok",
        anonymous=False,
    )
    services.feedback_give(
        viewer=scene.visiting.viewer,
        assist=scene.assist,
        usefulness=5,
        comment="great",
        anonymous=True,
    )
    [only] = Feedback.objects.filter(assist=scene.assist)
    assert (only.usefulness, only.anonymous) == (5, True)


def test_anonymous_feedback_never_carries_a_name(scene):
    services.feedback_give(
        viewer=scene.visiting.viewer,
        assist=scene.assist,
        usefulness=4,
        comment="secret",
        anonymous=True,
    )
    services.feedback_give(
        viewer=scene.observer.viewer,
        assist=scene.assist,
        usefulness=2,
        comment="named",
        anonymous=False,
    )
    views = selectors.feedback_list(assist=scene.assist)
    assert [(v.name, v.comment) for v in views] == [
        (scene.observer.person.name, "named"),
        (None, "secret"),
    ]
    assert selectors.feedback_average(views) == 3.0


def test_someone_who_did_not_take_part_gives_no_feedback(scene, member):
    with pytest.raises(PermissionDenied):
        services.feedback_give(
            viewer=member.viewer, assist=scene.assist, usefulness=4, comment="", anonymous=False
        )


def test_feedback_out_of_range_is_refused(scene):
    with pytest.raises(RuleViolation):
        services.feedback_give(
            viewer=scene.visiting.viewer,
            assist=scene.assist,
            usefulness=9,
            comment="",
            anonymous=False,
        )


# --- The write-up ------------------------------------------------------------------------


def drafted(scene):
    return services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)


def test_draft_of_a_session_holds_every_starred_note_and_every_action(concluded):
    scene = concluded
    for title in ("Get the placement sheet", "Night survey of zone 4", "Brief the call centre"):
        services.action_create(viewer=scene.home.viewer, assist=scene.assist, title=title)
    body = drafted(scene).body
    for note in scene.notes:
        if note.starred:
            assert f"★ {note.text}" in body
        else:
            assert note.text in body
    for action in Action.objects.filter(assist=scene.assist):
        assert f"| {action.title} |" in body
    assert "Deleted note" not in body and "Merged-away" not in body


def test_write_up_waits_for_the_session_to_be_concluded(scene):
    with pytest.raises(RuleViolation):
        drafted(scene)


def test_each_save_is_a_version_and_restore_makes_another(concluded):
    scene = concluded
    first = drafted(scene).body
    services.writeup_save(viewer=scene.home.viewer, assist=scene.assist, body="# Shorter\n")
    unchanged = services.writeup_save(
        viewer=scene.home.viewer, assist=scene.assist, body="# Shorter\n"
    )
    assert unchanged.version == 2
    restored = services.writeup_restore(viewer=scene.home.viewer, assist=scene.assist, number=1)
    assert restored.version == 3 and restored.body == first
    notes = list(selectors.version_list(writeup=restored).values_list("number", "note"))
    assert notes == [(3, "Restored version 1"), (2, "Edited"), (1, "Drafted from the session")]


def test_redraft_keeps_the_edited_text_as_a_version(concluded):
    scene = concluded
    drafted(scene)
    services.writeup_save(viewer=scene.home.viewer, assist=scene.assist, body="My careful edit")
    redrafted = drafted(scene)
    assert redrafted.version == 3 and "# Finding leaks" in redrafted.body
    assert redrafted.versions.get(number=2).body == "My careful edit"


def test_diff_marks_added_and_removed_lines():
    lines = diffing.diff_lines("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(line.op, line.text) for line in lines] == [
        ("same", "a"),
        ("remove", "b"),
        ("add", "B"),
        ("same", "c"),
        ("add", "d"),
    ]


def test_visiting_peer_cannot_edit_the_write_up(concluded):
    drafted(concluded)
    with pytest.raises(PermissionDenied):
        services.writeup_save(viewer=concluded.visiting.viewer, assist=concluded.assist, body="x")


# --- Publishing --------------------------------------------------------------------------


def test_publishing_moves_the_assist_on_and_tells_participants_and_recipients(
    org, concluded, django_capture_on_commit_callbacks
):
    scene = concluded
    hook(org, "writeup.published")
    drafted(scene)
    reader = PersonFactory(organisation=org, name="Rita Reader", email="rita@meridian.test")
    with django_capture_on_commit_callbacks(execute=True):
        writeup = services.writeup_publish(
            viewer=scene.home.viewer, assist=scene.assist, recipient_ids=[reader.pk]
        )
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.WRITTEN_UP
    assert writeup.status == WriteUpStatus.PUBLISHED and writeup.published_by == scene.home.person
    told = set(
        Notification.objects.filter(kind="writeup.published").values_list("person", flat=True)
    )
    assert reader.pk in told and scene.visiting.person.pk in told and scene.other_peer.pk in told
    assert {m.to[0] for m in mail.outbox} >= {"rita@meridian.test", "victor@meridian.test"}
    assert Delivery.objects.filter(event="writeup.published").count() == 1
    with pytest.raises(ValidationError):
        services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)


def test_note_taker_may_not_publish(concluded):
    drafted(concluded)
    with pytest.raises(PermissionDenied):
        services.writeup_publish(viewer=concluded.note_taker.viewer, assist=concluded.assist)


def test_recipients_must_be_people_of_the_organisation(concluded, directory):
    drafted(concluded)
    with pytest.raises(ValidationError):
        services.writeup_publish(
            viewer=concluded.home.viewer,
            assist=concluded.assist,
            recipient_ids=[directory["people"]["stranger"].pk],
        )


def test_recipient_reads_a_write_up_of_a_participants_only_assist(org, member, directory):
    scene = make_scene(org, status="concluded", visibility=Visibility.PARTICIPANTS)
    drafted(scene)
    # Before publishing, someone outside the assist does not even see it.
    with pytest.raises(WriteUp.DoesNotExist):
        selectors.writeup_for_viewer(viewer=member.viewer, assist_id=scene.assist.pk)
    services.writeup_publish(
        viewer=scene.home.viewer, assist=scene.assist, recipient_ids=[member.person.pk]
    )
    assert selectors.writeup_for_viewer(viewer=member.viewer, assist_id=scene.assist.pk)
    assert list(selectors.published_writeups(viewer=member.viewer)) == [scene.assist.writeup]


def test_a_draft_is_for_those_who_took_part(org, member):
    scene = make_scene(org, status="concluded", visibility=Visibility.ORGANISATION)
    drafted(scene)
    assert selectors.writeup_for_viewer(viewer=scene.observer.viewer, assist_id=scene.assist.pk)
    with pytest.raises(WriteUp.DoesNotExist):
        selectors.writeup_for_viewer(viewer=member.viewer, assist_id=scene.assist.pk)
    services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)
    assert selectors.writeup_for_viewer(viewer=member.viewer, assist_id=scene.assist.pk)


def test_guests_who_took_part_read_it_only_when_shared_with_guests(org, guest):
    from peerassist.assists.models import Participation

    scene = make_scene(org, status="concluded", visibility=Visibility.PARTICIPANTS)
    person = PersonFactory(organisation=org, email="guest@partner.test", user=guest.user)
    Participation.objects.create(assist=scene.assist, person=person, role="visiting_peer")
    drafted(scene)
    with pytest.raises(WriteUp.DoesNotExist):  # a draft is not for guests
        selectors.writeup_for_viewer(viewer=guest.viewer, assist_id=scene.assist.pk)
    services.writeup_publish(
        viewer=scene.home.viewer, assist=scene.assist, shared_with_guests=False
    )
    with pytest.raises(WriteUp.DoesNotExist):
        selectors.writeup_for_viewer(viewer=guest.viewer, assist_id=scene.assist.pk)
    WriteUp.objects.filter(assist=scene.assist).update(shared_with_guests=True)
    assert selectors.writeup_for_viewer(viewer=guest.viewer, assist_id=scene.assist.pk)


def test_another_organisation_never_reads_it(org, other_org_member):
    scene = make_scene(org, status="concluded", visibility=Visibility.PUBLISHED)
    drafted(scene)
    services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)
    with pytest.raises(WriteUp.DoesNotExist):
        selectors.writeup_for_viewer(viewer=other_org_member.viewer, assist_id=scene.assist.pk)
    assert not selectors.published_writeups(viewer=other_org_member.viewer).exists()
