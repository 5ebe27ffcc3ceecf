"""Planning services and selectors against the real database."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from peerassist.assists import selectors, services
from peerassist.assists.models import (
    Format,
    JoinRequest,
    Participation,
    PeerAssist,
    Role,
    Status,
    Visibility,
)
from peerassist.core.findings import RuleViolation
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def shipped(kind: str) -> Format:
    return Format.objects.get(organisation=None, kind=kind)


@pytest.fixture
def assist(member):
    return services.assist_create(
        viewer=member.viewer, title="Supplier onboarding", format_id=shipped("standard").pk
    )


@pytest.fixture
def peers(org):
    far = UnitFactory(organisation=org, name="Far away unit")
    return [PersonFactory(organisation=org, unit=far, name=f"Peer {i}") for i in range(3)]


def ready(assist, member, peers):
    """Fill everything the checklist asks for."""
    start = datetime(2027, 3, 10, 9, tzinfo=UTC)
    services.assist_update(
        viewer=member.viewer,
        assist=assist,
        changes={
            "business_context": "We buy from 40 new suppliers next year.",
            "challenge": "Onboarding takes 90 days; we need 30.",
            "focus_questions": ["What shortened onboarding for you?"],
            "starts_at": start,
            "ends_at": start + timedelta(minutes=90),
            "decision_date": date(2027, 4, 1),
            "brief_send_on": date(2027, 3, 1),
            "mode": "virtual",
            "video_link": "https://meet.example.org/onboarding",
        },
    )
    services.participation_add(
        viewer=member.viewer, assist=assist, person_id=peers[0].pk, role=Role.FACILITATOR
    )
    services.participation_add(
        viewer=member.viewer, assist=assist, person_id=peers[1].pk, role=Role.VISITING_PEER
    )


class TestCreate:
    def test_draft_copies_the_format_agenda_and_puts_the_creator_in_the_home_team(
        self, assist, member
    ):
        assert assist.status == Status.DRAFT
        assert assist.steps.count() == 7
        assert selectors.agenda_minutes(assist=assist) == 90
        assert Participation.objects.get(assist=assist).person == member.person
        assert Participation.objects.get(assist=assist).role == Role.HOME_PEER

    def test_agenda_is_a_copy_changing_it_leaves_the_format_alone(self, assist, member):
        step = assist.steps.get(order=4)
        services.agenda_set_durations(viewer=member.viewer, assist=assist, durations={step.pk: 50})
        assert selectors.agenda_minutes(assist=assist) == 95
        assert shipped("standard").steps.get(order=4).duration_minutes == 45

    def test_guest_cannot_plan(self, guest):
        with pytest.raises(PermissionDenied):
            services.assist_create(viewer=guest.viewer, title="x", format_id=shipped("mini").pk)

    def test_another_organisations_format_is_not_offered(self, member, other_org_member):
        theirs = services.format_copy(
            viewer=other_org_member.viewer, format_id=shipped("mini").pk, name="Theirs"
        )
        with pytest.raises(ValidationError):
            services.assist_create(viewer=member.viewer, title="x", format_id=theirs.pk)


def test_shipped_formats_have_the_methods_totals(db):
    assert sum(s.duration_minutes for s in shipped("mini").steps.filter(phase="during")) == 60
    assert sum(s.duration_minutes for s in shipped("standard").steps.filter(phase="during")) == 90
    mini_steps = list(shipped("mini").steps.values_list("name", flat=True))
    assert mini_steps[:5] == [
        "Home peer challenge",
        "What the home peers know",
        "What the visiting peers know",
        "What we all now know together",
        "Home peer response",
    ]
    assert "What haven't you heard that you expected to?" in (
        shipped("mini").steps.get(order=4).prompt_questions
    )
    assert shipped("mini").steps.get(order=6).optional


class TestBrief:
    def test_a_900_word_brief_is_saved_with_a_warning(self, assist, member):
        text = " ".join(["word"] * 900)
        _, findings = services.assist_update(
            viewer=member.viewer, assist=assist, changes={"challenge": text}
        )
        assert PeerAssist.objects.get(pk=assist.pk).challenge == text
        assert "brief_too_long" in [f.code for f in findings]

    def test_six_focus_questions_are_refused_and_nothing_changes(self, assist, member):
        with pytest.raises(RuleViolation, match="at most 5"):
            services.assist_update(
                viewer=member.viewer,
                assist=assist,
                changes={"focus_questions": [f"Q{i}" for i in range(6)], "title": "Changed"},
            )
        assist.refresh_from_db()
        assert assist.focus_questions == [] and assist.title == "Supplier onboarding"

    def test_late_session_warns_too_late_to_change_the_plan(self, assist, member):
        start = datetime(2027, 3, 10, 9, tzinfo=UTC)
        _, findings = services.assist_update(
            viewer=member.viewer,
            assist=assist,
            changes={"starts_at": start, "decision_date": date(2027, 3, 9)},
        )
        assert "too_late_to_change" in [f.code for f in findings]

    def test_unknown_fields_are_refused(self, assist, member):
        with pytest.raises(ValidationError):
            services.assist_update(viewer=member.viewer, assist=assist, changes={"status": "live"})

    def test_someone_outside_the_assist_cannot_edit_it(self, assist, org):
        from tests.conftest import make_persona

        stranger = make_persona(org, "member", "stranger@meridian.test")
        with pytest.raises(PermissionDenied):
            services.assist_update(
                viewer=stranger.viewer, assist=assist, changes={"title": "Mine now"}
            )

    def test_organiser_can_edit_any_assist_of_the_organisation(self, assist, organiser):
        saved, _ = services.assist_update(
            viewer=organiser.viewer, assist=assist, changes={"title": "Better title"}
        )
        assert saved.title == "Better title"


class TestRoles:
    def test_home_peer_named_facilitator_is_refused_and_keeps_the_role(self, assist, member):
        with pytest.raises(RuleViolation, match="cannot be a member of the home team"):
            services.participation_add(
                viewer=member.viewer,
                assist=assist,
                person_id=member.person.pk,
                role=Role.FACILITATOR,
            )
        assert Participation.objects.get(assist=assist, person=member.person).role == (
            Role.HOME_PEER
        )

    def test_person_from_another_organisation_cannot_be_added(
        self, assist, member, other_org_member
    ):
        with pytest.raises(ValidationError):
            services.participation_add(
                viewer=member.viewer,
                assist=assist,
                person_id=other_org_member.person.pk,
                role=Role.VISITING_PEER,
            )

    def test_visiting_peers_from_the_home_unit_get_the_look_across_nudge(self, assist, member, org):
        for _ in range(2):
            same_unit = PersonFactory(organisation=org, unit=member.person.unit)
            _, findings = services.participation_add(
                viewer=member.viewer,
                assist=assist,
                person_id=same_unit.pk,
                role=Role.VISITING_PEER,
            )
        assert "look_across" in [f.code for f in findings]


class TestTransitions:
    def test_cannot_invite_without_visiting_peers(self, assist, member, peers):
        ready(assist, member, peers)
        Participation.objects.filter(assist=assist, role=Role.VISITING_PEER).delete()
        services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
        with pytest.raises(RuleViolation, match="at least one visiting peer"):
            services.assist_transition(viewer=member.viewer, assist=assist, target=Status.INVITED)
        assert PeerAssist.objects.get(pk=assist.pk).status == Status.PLANNED

    def test_a_ready_plan_moves_to_invited(self, assist, member, peers):
        ready(assist, member, peers)
        services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
        moved, _ = services.assist_transition(
            viewer=member.viewer, assist=assist, target=Status.INVITED
        )
        assert moved.status == Status.INVITED
        assert selectors.plan_review(assist=moved).ready

    def test_illegal_jump_is_refused(self, assist, member):
        with pytest.raises(RuleViolation, match="cannot become live"):
            services.assist_transition(viewer=member.viewer, assist=assist, target=Status.LIVE)

    def test_the_plan_is_frozen_once_live(self, assist, member, peers):
        ready(assist, member, peers)
        for target in (Status.PLANNED, Status.INVITED, Status.LIVE):
            services.assist_transition(viewer=member.viewer, assist=assist, target=target)
        with pytest.raises(RuleViolation, match="cannot change"):
            services.assist_update(viewer=member.viewer, assist=assist, changes={"title": "x"})


class TestAgenda:
    def test_extended_plan_over_two_days_is_refused_and_unchanged(self, member):
        assist = services.assist_create(
            viewer=member.viewer, title="Big one", format_id=shipped("extended").pk
        )
        before = selectors.agenda_minutes(assist=assist)
        options = assist.steps.get(name="Options")
        with pytest.raises(RuleViolation, match="two days at the most"):
            services.agenda_set_durations(
                viewer=member.viewer, assist=assist, durations={options.pk: 15 * 60}
            )
        assert selectors.agenda_minutes(assist=assist) == before

    def test_a_step_of_another_assist_is_refused(self, assist, member):
        other = services.assist_create(
            viewer=member.viewer, title="Other", format_id=shipped("mini").pk
        )
        with pytest.raises(ValidationError):
            services.agenda_set_durations(
                viewer=member.viewer, assist=assist, durations={other.steps.first().pk: 5}
            )


class TestGroups:
    def test_23_people_in_two_languages_are_grouped_and_saved(self, assist, organiser, org):
        Participation.objects.filter(assist=assist).delete()
        for i in range(23):
            person = PersonFactory(organisation=org, languages=["fr"] if i < 15 else ["en"])
            role = Role.HOME_PEER if i in (0, 5, 10, 15) else Role.VISITING_PEER
            Participation.objects.create(assist=assist, person=person, role=role)
        groups = services.groups_propose(viewer=organiser.viewer, assist=assist)
        assert len(groups) == 3
        for group in groups:
            members = list(group.members.select_related("person"))
            assert 6 <= len(members) <= 8
            assert {p.role for p in members} == {Role.HOME_PEER, Role.VISITING_PEER}
            assert all(p.person.languages.filter(code=group.language_id).exists() for p in members)
        assert not Participation.objects.filter(assist=assist, group__isnull=True).exists()

    def test_moving_someone_by_hand(self, assist, member):
        group = services.group_create(viewer=member.viewer, assist=assist, name="Table A")
        participation = Participation.objects.get(assist=assist)
        services.group_assign(
            viewer=member.viewer,
            assist=assist,
            participation_id=participation.pk,
            group_id=group.pk,
        )
        assert Participation.objects.get(pk=participation.pk).group == group


class TestVisibility:
    def test_participants_only_assist_is_hidden_from_other_members(self, assist, member, org):
        from tests.conftest import make_persona

        services.assist_update(
            viewer=member.viewer, assist=assist, changes={"visibility": Visibility.PARTICIPANTS}
        )
        other = make_persona(org, "member", "other@meridian.test")
        assert not selectors.assist_list(viewer=other.viewer).filter(pk=assist.pk).exists()
        with pytest.raises(PeerAssist.DoesNotExist):
            selectors.assist_get(viewer=other.viewer, assist_id=assist.pk)
        assert selectors.assist_get(viewer=member.viewer, assist_id=assist.pk) == assist

    def test_organisers_see_every_assist_of_their_organisation_only(
        self, assist, organiser, other_org_member
    ):
        assert selectors.assist_get(viewer=organiser.viewer, assist_id=assist.pk) == assist
        assert not selectors.assist_list(viewer=other_org_member.viewer).exists()

    def test_guest_sees_only_assists_they_take_part_in(self, assist, guest, member, org):
        assert not selectors.assist_list(viewer=guest.viewer).exists()
        person = PersonFactory(organisation=org, user=guest.user, email=guest.user.email)
        services.participation_add(
            viewer=member.viewer, assist=assist, person_id=person.pk, role=Role.VISITING_PEER
        )
        assert list(selectors.assist_list(viewer=guest.viewer)) == [assist]

    def test_list_query_count_does_not_grow(self, member, django_assert_max_num_queries):
        for i in range(10):
            services.assist_create(
                viewer=member.viewer, title=f"A{i}", format_id=shipped("mini").pk
            )
        with django_assert_max_num_queries(2):
            assert len([a.format.name for a in selectors.assist_list(viewer=member.viewer)]) == 10


class TestSharedPlans:
    def test_a_colleague_asks_to_join_and_the_home_team_accepts(self, assist, member, peers, org):
        from tests.conftest import make_persona

        ready(assist, member, peers)
        services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
        colleague = make_persona(org, "member", "colleague@meridian.test")
        assert assist in selectors.assist_list_shared_plans(viewer=colleague.viewer)
        request = services.join_request_create(
            viewer=colleague.viewer, assist=assist, role=Role.OBSERVER, message="Same problem here"
        )
        with pytest.raises(ValidationError, match="already asked"):
            services.join_request_create(viewer=colleague.viewer, assist=assist, role=Role.OBSERVER)
        with pytest.raises(PermissionDenied):
            services.join_request_decide(
                viewer=colleague.viewer, assist=assist, request_id=request.pk, accept=True
            )
        services.join_request_decide(
            viewer=member.viewer, assist=assist, request_id=request.pk, accept=True
        )
        assert JoinRequest.objects.get(pk=request.pk).status == "accepted"
        joined = Participation.objects.get(assist=assist, person=colleague.person)
        assert joined.role == Role.OBSERVER

    def test_drafts_are_not_shared(self, assist, org):
        from tests.conftest import make_persona

        colleague = make_persona(org, "member", "colleague@meridian.test")
        assert assist not in selectors.assist_list_shared_plans(viewer=colleague.viewer)
        with pytest.raises(ValidationError):
            services.join_request_create(viewer=colleague.viewer, assist=assist, role=Role.OBSERVER)


class TestFormats:
    def test_organiser_copies_a_shipped_format_and_edits_its_steps(self, organiser):
        copy = services.format_copy(
            viewer=organiser.viewer, format_id=shipped("mini").pk, name="Our mini"
        )
        assert copy.organisation == organiser.organisation and copy.steps.count() == 6
        step = copy.steps.get(order=3)
        services.format_step_update(
            viewer=organiser.viewer, step_id=step.pk, changes={"duration_minutes": 30}
        )
        assert copy.steps.get(order=3).duration_minutes == 30
        assert shipped("mini").steps.get(order=3).duration_minutes == 25

    def test_shipped_formats_cannot_be_edited_in_place(self, organiser):
        step = shipped("mini").steps.first()
        with pytest.raises(ValidationError):
            services.format_step_update(
                viewer=organiser.viewer, step_id=step.pk, changes={"duration_minutes": 1}
            )

    def test_members_cannot_copy_formats(self, member):
        with pytest.raises(PermissionDenied):
            services.format_copy(viewer=member.viewer, format_id=shipped("mini").pk)


class TestAttachments:
    def upload(self, name, size=10):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, b"x" * size)

    def test_home_team_attaches_a_background_document(self, assist, member):
        attachment = services.attachment_add(
            viewer=member.viewer, assist=assist, upload=self.upload("plan.pdf")
        )
        assert attachment.name == "plan.pdf"
        assert attachment.file.read() == b"x" * 10
        services.attachment_remove(viewer=member.viewer, assist=assist, attachment_id=attachment.pk)
        assert not assist.attachments.exists()

    @pytest.mark.parametrize(
        ("name", "size", "message"),
        [("run.exe", 10, "not a type"), ("huge.pdf", 10 * 1024 * 1024 + 1, "larger than 10 MB")],
    )
    def test_bad_files_are_refused(self, assist, member, name, size, message):
        with pytest.raises(ValidationError, match=message):
            services.attachment_add(
                viewer=member.viewer, assist=assist, upload=self.upload(name, size)
            )
        assert not assist.attachments.exists()
