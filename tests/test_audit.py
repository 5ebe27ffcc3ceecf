"""The audit log: an entry for each kind of security event, seen only by the organisation's
administrators, filtered, exported as CSV, and pruned after the retention period."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.services import api_token_create, api_token_revoke, organisation_update
from peerassist.audit.models import AuditEntry, Kind
from peerassist.audit.services import audit_prune, audit_record
from peerassist.members import services as members
from tests.conftest import PASSWORD
from tests.reports_support import make_assist, make_writeup

pytestmark = pytest.mark.django_db


def kinds(org) -> list[str]:
    return list(AuditEntry.objects.filter(organisation=org).values_list("kind", flat=True))


def with_password(persona):
    persona.user.set_password(PASSWORD)
    persona.user.save()
    return persona


def test_sign_in_failed_sign_in_and_lockout_are_recorded(member, org):
    with_password(member)
    client = Client()
    client.post(reverse("account_login"), {"login": member.user.email, "password": PASSWORD})
    assert Kind.SIGN_IN in kinds(org)
    for _ in range(6):
        Client().post(reverse("account_login"), {"login": member.user.email, "password": "wrong"})
    recorded = kinds(org)
    assert recorded.count(Kind.SIGN_IN_FAILED) == 5
    assert Kind.LOCKOUT in recorded
    entry = AuditEntry.objects.filter(kind=Kind.LOCKOUT).first()
    assert entry.actor_email == member.user.email and entry.ip_address == "127.0.0.1"


def test_member_events_are_recorded(admin, member, org, directory):
    members.member_invite(
        viewer=admin.viewer, person_ids=[directory["people"]["ana"].pk], role="member"
    )
    members.member_role_set(
        viewer=admin.viewer, membership_id=member.membership.pk, role="organiser"
    )
    members.member_deactivate(viewer=admin.viewer, membership_id=member.membership.pk)
    members.member_reactivate(viewer=admin.viewer, membership_id=member.membership.pk)
    entries = {e.kind: e for e in AuditEntry.objects.filter(organisation=org)}
    assert entries[Kind.MEMBER_INVITED].target == "ana@meridian.test"
    assert entries[Kind.ROLE_CHANGED].detail == {"from": "member", "to": "organiser"}
    assert entries[Kind.MEMBER_DEACTIVATED].actor_email == admin.user.email
    assert entries[Kind.MEMBER_REACTIVATED].target == member.user.email


def test_token_and_settings_events_are_recorded(admin, org):
    issued = api_token_create(user=admin.user, organisation=org, name="script")
    api_token_revoke(user=admin.user, token_id=issued.token.pk)
    organisation_update(viewer=admin.viewer, name=org.name, require_two_factor=True)
    recorded = kinds(org)
    assert {Kind.TOKEN_CREATED, Kind.TOKEN_REVOKED, Kind.SETTINGS_CHANGED} <= set(recorded)
    changed = AuditEntry.objects.get(kind=Kind.SETTINGS_CHANGED)
    assert changed.detail == {"require_two_factor": [False, True]}


def test_exports_are_recorded(member, org, directory):
    people = directory["people"]
    assist = make_assist(org, home=[people["ana"]], visiting=[people["chloe"]])
    make_writeup(assist)
    url = f"/api/v1/assists/{assist.pk}/writeup/export"
    assert member.client().get(url, {"format": "md"}).status_code == 200
    assert Kind.WRITEUP_EXPORTED in kinds(org)
    response = member.client().get(
        reverse("reports:report_download", args=["html"]) + "?quarter=2026Q3"
    )
    assert response.status_code == 200
    assert Kind.REPORT_EXPORTED in kinds(org)


def test_only_admins_see_the_log_and_only_their_organisation(
    admin, organiser, member, other_org_member, org
):
    audit_record(kind=Kind.ROLE_CHANGED, organisations=org, actor=admin.user, target="x@y")
    audit_record(
        kind=Kind.ROLE_CHANGED,
        organisations=other_org_member.organisation,
        actor=other_org_member.user,
        target="secret@other.test",
    )
    url = reverse("audit:log")
    assert organiser.client().get(url).status_code == 403
    assert member.client().get(url).status_code == 403
    assert Client().get(url).status_code == 302
    body = admin.client().get(url).content.decode()
    assert "x@y" in body and "secret@other.test" not in body
    assert admin.client().get(reverse("audit:export")).status_code == 200
    assert member.client().get(reverse("audit:export")).status_code == 403


def test_filters_and_csv_export(admin, org):
    audit_record(kind=Kind.ROLE_CHANGED, organisations=org, actor=admin.user, target="a@b")
    audit_record(kind=Kind.TOKEN_CREATED, organisations=org, actor=admin.user, target="=cmd()")
    client = admin.client()
    page = client.get(reverse("audit:log"), {"kind": "role_changed"})
    assert [e.kind for e in page.context["page"].object_list] == ["role_changed"]
    response = client.get(reverse("audit:export"), {"kind": "token_created"})
    assert response["Content-Type"].startswith("text/csv")
    # Names and addresses: never kept by a shared cache on the way.
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["when", "event", "by", "concerning", "ip_address", "detail"]
    assert [r[1] for r in rows[1:]] == ["token_created"]
    assert rows[1][3] == "'=cmd()"  # never a formula in a spreadsheet
    bad = client.get(reverse("audit:log"), {"date_from": "not a date"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_entries_older_than_the_retention_are_pruned(admin, org, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old, new = audit_record(kind=Kind.SIGN_IN, organisations=[org, org], actor=admin.user)
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert audit_prune(now=timezone.now()) == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [new.pk]
