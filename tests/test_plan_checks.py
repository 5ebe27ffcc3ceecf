"""Plan checks of issue 21: an agenda longer than its slot is a warning, invitations go out
only from "invited" (or while moving to it), and the write-up shows the day the session was
held, not the planned one."""

from __future__ import annotations

import io
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from peerassist.assists import rules, selectors, services
from peerassist.assists.models import AssistStep, PeerAssist, Status
from peerassist.core.findings import Level, RuleViolation
from peerassist.invitations.models import Invitation
from peerassist.invitations.services import invitation_send
from peerassist.writeups.exports import writeup_export
from peerassist.writeups.exports.document import export_document
from tests.reports_support import make_assist, make_writeup
from tests.test_assist_services import assist, peers, ready  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 12, 8, 9, tzinfo=UTC)


# --- Agenda and slot --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agenda", "slot", "warned"),
    [(100, 90, True), (90, 90, False), (60, 90, False), (100, None, False)],
)
def test_an_agenda_longer_than_its_slot_is_a_warning(agenda, slot, warned):
    ends = NINE + timedelta(minutes=slot) if slot else None
    findings = rules.agenda_fits_slot(agenda, NINE, ends)
    assert bool(findings) is warned
    if warned:
        assert findings[0].level == Level.WARNING
        assert findings[0].code == "agenda_longer_than_slot"
        assert "100 minutes" in findings[0].message and "90" in findings[0].message


def test_the_plan_review_warns_when_a_step_grows_past_the_slot(assist, member, peers):  # noqa: F811
    ready(assist, member, peers)  # a 90-minute standard agenda in a 90-minute slot
    assist = PeerAssist.objects.get(pk=assist.pk)
    assert "agenda_longer_than_slot" not in {
        f.code for f in selectors.plan_review(assist=assist).findings
    }
    step = AssistStep.objects.filter(assist=assist, phase="during").order_by("order").first()
    step.duration_minutes += 10
    step.save()
    review = selectors.plan_review(assist=PeerAssist.objects.get(pk=assist.pk))
    warning = next(f for f in review.findings if f.code == "agenda_longer_than_slot")
    assert warning.level == Level.WARNING
    assert review.ready  # a warning, not a refusal


# --- Invitations only from "invited" ----------------------------------------------------------


def test_no_invitations_from_a_draft(assist, member, peers):  # noqa: F811
    ready(assist, member, peers)
    with pytest.raises(RuleViolation, match="once the plan is ready"):
        invitation_send(viewer=member.viewer, assist=assist, person_ids=[peers[1].pk])
    assert not Invitation.objects.exists()


def test_a_planned_assist_that_is_not_ready_sends_nothing_and_stays_planned(
    assist,  # noqa: F811
    member,
    peers,  # noqa: F811
):
    ready(assist, member, peers)
    services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
    PeerAssist.objects.filter(pk=assist.pk).update(decision_date=None)
    with pytest.raises(RuleViolation, match="decision"):
        invitation_send(viewer=member.viewer, assist=assist, person_ids=[peers[1].pk])
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.PLANNED
    assert not Invitation.objects.exists()


def test_sending_from_a_ready_planned_assist_moves_it_to_invited(assist, member, peers):  # noqa: F811
    ready(assist, member, peers)
    services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
    sent = invitation_send(viewer=member.viewer, assist=assist, person_ids=[peers[1].pk])
    assert [i.person_id for i in sent] == [peers[1].pk]
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.INVITED
    # From "invited" on, more invitations go out without another move.
    again = invitation_send(viewer=member.viewer, assist=assist, person_ids=[peers[0].pk])
    assert [i.person_id for i in again] == [peers[0].pk]


# --- The day the session was held -------------------------------------------------------------


def test_going_live_records_the_day_it_was_held(assist, member, peers):  # noqa: F811
    ready(assist, member, peers)  # planned for 10 March 2027
    services.assist_transition(viewer=member.viewer, assist=assist, target=Status.PLANNED)
    services.assist_transition(viewer=member.viewer, assist=assist, target=Status.INVITED)
    PeerAssist.objects.filter(pk=assist.pk).update(time_zone="Pacific/Auckland")
    with time_machine.travel(datetime(2027, 2, 26, 23, 30, tzinfo=UTC), tick=False):
        services.assist_transition(viewer=member.viewer, assist=assist, target=Status.LIVE)
    # The day in the assist's own time zone.
    assist = PeerAssist.objects.get(pk=assist.pk)
    moment = datetime(2027, 2, 26, 23, 30, tzinfo=UTC)
    assert assist.held_on == moment.astimezone(zoneinfo.ZoneInfo(assist.time_zone)).date()
    assert assist.held_on.isoformat() == "2027-02-27"  # already the next day in Auckland


def test_the_write_up_and_its_pdf_show_the_day_held_not_the_planned_one(org, directory):
    people = directory["people"]
    held = make_assist(
        org, starts_at=NINE, home=[people["ana"]], visiting=[people["chloe"]]
    )  # planned for 8 December
    held.held_on = date(2026, 11, 28)
    held.save()
    writeup = make_writeup(held)

    assert export_document(writeup).session_date_label == "Sat 28 Nov 2026"
    pdf = writeup_export(writeup=writeup, fmt="pdf").content
    text = re.sub(
        r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "Sat 28 Nov 2026" in text
    assert "8 Dec 2026" not in text
