"""The data migration that corrects past participations: migrate back to the state before
it, create rows as they were, migrate forward, check (django's MigrationExecutor)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assists", "0004_participation_answer_and_attendance"), ("invitations", "0001_initial")]
AFTER = [("assists", "0005_participation_follows_invitation_answer")]

# Migrating back and forth needs real transactions; shipped formats must survive the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_past_declines_and_withdrawals_stop_counting_as_taking_part():
    apps = migrate(BEFORE)
    try:
        organisation = apps.get_model("accounts", "Organisation").objects.create(
            name="Past", slug="past"
        )
        person_model = apps.get_model("people", "Person")
        people = {
            name: person_model.objects.create(
                organisation=organisation, name=name, email=f"{name}@past.test"
            )
            for name in ("declined", "suggested", "accepted", "withdrawn", "pending", "home")
        }
        assist = apps.get_model("assists", "PeerAssist").objects.create(
            organisation=organisation,
            title="Finding leaks",
            format=apps.get_model("assists", "Format").objects.filter(organisation=None).first(),
        )
        group = apps.get_model("assists", "BreakoutGroup").objects.create(
            assist=assist, name="Group 1"
        )
        participation = apps.get_model("assists", "Participation")
        invitation = apps.get_model("invitations", "Invitation")
        for name, person in people.items():
            # As before the fix: every participation left "pending", in a group.
            participation.objects.create(
                assist=assist, person=person, role="visiting_peer", group=group, rsvp="pending"
            )
            if name == "home":
                continue
            invitation.objects.create(
                assist=assist,
                person=person,
                role="visiting_peer",
                status={
                    "declined": "declined",
                    "suggested": "suggested_other",
                    "accepted": "accepted",
                    "withdrawn": "accepted",
                    "pending": "pending",
                }[name],
                cancelled_at="2026-03-01T10:00:00Z" if name == "withdrawn" else None,
            )

        apps = migrate(AFTER)
        participation = apps.get_model("assists", "Participation")
        after = {
            p.person.name: (p.rsvp, p.group_id)
            for p in participation.objects.select_related("person")
        }
        assert after == {
            "declined": ("declined", None),
            "suggested": ("declined", None),
            "withdrawn": ("withdrawn", None),
            "accepted": ("accepted", group.pk),
            "pending": ("pending", group.pk),
            "home": ("pending", group.pk),
        }
        # And back: the earlier schema knows no "withdrawn".
        apps = migrate(BEFORE)
        participation = apps.get_model("assists", "Participation")
        assert not participation.objects.filter(rsvp="withdrawn").exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
