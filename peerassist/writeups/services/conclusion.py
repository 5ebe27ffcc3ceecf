"""Concluding the session: close it, record the home team's response, attendance, connect pairs
and feedback."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.events import assist_event_payload
from peerassist.assists.models import Participation, PeerAssist, Role, Status, taking_part_q
from peerassist.assists.services import assist_transition
from peerassist.core.events import publish
from peerassist.core.findings import raise_on_errors
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.people.selectors import person_for_viewer
from peerassist.writeups import rules, selectors
from peerassist.writeups.models import Conclusion, ConnectPair, Feedback, WriteUp
from peerassist.writeups.services._common import _require_edit, _rights, _stored_status
from peerassist.writeups.services.followup import followup_schedule
from peerassist.writeups.services.writeup import _draft


@transaction.atomic
def assist_conclude(*, viewer: Viewer, assist: PeerAssist) -> PeerAssist:
    """Close the live session: the assist becomes concluded and its write-up is drafted."""
    if not _rights(viewer, assist).conclude:
        raise PermissionDenied(_("Only the facilitator concludes the session."))
    assist, _findings = assist_transition(viewer=viewer, assist=assist, target=Status.CONCLUDED)
    _attendance_settle(assist)
    if not WriteUp.objects.filter(assist=assist).exists():
        _draft(viewer, assist, note=_("Drafted from the session"))
    publish("assist.concluded", assist_event_payload(assist))
    return assist


@transaction.atomic
def conclusion_save(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    learned: str,
    do_differently: str,
    shared_knowledge: str,
    followup_on: date | None = None,
    followup_at_next_meeting: bool = False,
) -> Conclusion:
    """Record the home team's response and when to follow up (scheduling the follow-up)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.conclusion_open(_stored_status(assist)))
    meeting_date = selectors.next_meeting_date(assist=assist) if followup_at_next_meeting else None
    session_date = timezone.localdate(assist.starts_at) if assist.starts_at else None
    raise_on_errors(
        rules.followup_choice(
            on=followup_on,
            at_next_meeting=followup_at_next_meeting,
            meeting_date=meeting_date,
            session_date=session_date,
        )
    )
    conclusion, _created = Conclusion.objects.update_or_create(
        assist=assist,
        defaults={
            "learned": learned.strip(),
            "do_differently": do_differently.strip(),
            "shared_knowledge": shared_knowledge.strip(),
            "followup_on": None if followup_at_next_meeting else followup_on,
            "followup_at_next_meeting": followup_at_next_meeting,
            "updated_by": person_for_viewer(viewer=viewer),
        },
    )
    due = meeting_date if followup_at_next_meeting else followup_on
    if due is not None:
        followup_schedule(assist=assist, due_on=due)
    return conclusion


def _attendance_settle(assist: PeerAssist) -> None:
    """At the conclusion, whoever has no attendance recorded gets the page's guess, so that
    the write-up says who was there, not who was invited."""
    for row in selectors.attendance_list(assist=assist):
        if not row.recorded:
            Participation.objects.filter(pk=row.participation.pk, attended=None).update(
                attended=row.present
            )


@transaction.atomic
def attendance_record(
    *, viewer: Viewer, assist: PeerAssist, present_ids: Iterable[int]
) -> list[Participation]:
    """Tick who was there (participation ids of people taking part); everyone else taking
    part is recorded as not there. Redraft the write-up to carry a change into it."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.conclusion_open(_stored_status(assist)))
    people = list(Participation.objects.taking_part().filter(assist=assist))
    present = set(present_ids)
    if unknown := sorted(present - {p.pk for p in people}):
        raise ValidationError(
            {
                "present": _("These people do not take part in this assist: %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    Participation.objects.filter(pk__in=[p.pk for p in people if p.pk in present]).update(
        attended=True
    )
    Participation.objects.filter(pk__in=[p.pk for p in people if p.pk not in present]).update(
        attended=False
    )
    return list(Participation.objects.filter(pk__in=[p.pk for p in people]))


@transaction.atomic
def connect_pair_add(
    *, viewer: Viewer, assist: PeerAssist, home_peer_id: int, visiting_peer_id: int, topic: str
) -> ConnectPair:
    """A home peer and a visiting peer agree to talk further about something."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.conclusion_open(_stored_status(assist)))
    by_person: dict[int, set[str]] = {}
    for person_id, role in (
        assist.participations.taking_part()
        .filter(person_id__in=[home_peer_id, visiting_peer_id])
        .values_list("person_id", "role")
    ):
        by_person.setdefault(person_id, set()).add(role)
    if Role.HOME_PEER not in by_person.get(home_peer_id, set()):
        raise ValidationError({"home_peer_id": _("Choose someone from the home team.")})
    if Role.VISITING_PEER not in by_person.get(visiting_peer_id, set()):
        raise ValidationError({"visiting_peer_id": _("Choose one of the visiting peers.")})
    return ConnectPair.objects.create(
        assist=assist,
        home_peer_id=home_peer_id,
        visiting_peer_id=visiting_peer_id,
        topic=(topic or "").strip()[:300],
    )


@transaction.atomic
def connect_pair_remove(*, viewer: Viewer, pair: ConnectPair) -> None:
    _require_edit(viewer, pair.assist)
    pair.delete()


@transaction.atomic
def feedback_give(
    *, viewer: Viewer, assist: PeerAssist, usefulness: int, comment: str, anonymous: bool
) -> Feedback:
    """A participant's feedback on the session; giving it again replaces theirs."""
    if not _rights(viewer, assist).feedback:
        raise PermissionDenied(_("Only the people who took part give feedback on the session."))
    raise_on_errors(rules.conclusion_open(_stored_status(assist)))
    raise_on_errors(rules.usefulness(usefulness))
    person = Person.objects.filter(
        taking_part_q("participations__"),
        participations__assist=assist,
        user=viewer.user,
        organisation=assist.organisation,
    ).first()
    if person is None:  # pragma: no cover - rights say the viewer takes part
        raise PermissionDenied(_("Only the people who took part give feedback on the session."))
    feedback, _created = Feedback.objects.update_or_create(
        assist=assist,
        person=person,
        defaults={
            "usefulness": usefulness,
            "comment": (comment or "").strip()[:2000],
            "anonymous": anonymous,
        },
    )
    return feedback
