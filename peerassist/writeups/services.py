"""Writes after the session: conclude, record the conclusion and actions, draft, edit and
publish the write-up, and follow up.

Each function checks the viewer's rights (`selectors.rights_for`, built on `rules`), writes
in a transaction, and records in that same transaction what people must be told
(notifications, e-mails, webhook deliveries: core/outbox.py), sent after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
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
from peerassist.writeups import drafting, rules, selectors
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    Conclusion,
    ConnectPair,
    Feedback,
    FollowUp,
    WriteUp,
    WriteUpStatus,
    WriteUpVersion,
)

logger = logging.getLogger(__name__)


def _rights(viewer: Viewer, assist: PeerAssist) -> selectors.Rights:
    return selectors.rights_for(viewer=viewer, assist=assist)


def _require_edit(viewer: Viewer, assist: PeerAssist) -> None:
    if not _rights(viewer, assist).edit:
        raise PermissionDenied(
            _(
                "Only the home team, the facilitator, the note-taker and organisers can "
                "record the conclusion and edit the write-up."
            )
        )


def _stored_status(assist: PeerAssist) -> str:
    """The caller's object may be stale: the status that counts is the stored one."""
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    return assist.status


def _notify(people: Iterable[Person], **kwargs: str) -> None:
    from peerassist.notifications.services import notify

    notify(list(people), **kwargs)


# --- Concluding the session -------------------------------------------------------------------


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


def followup_schedule(*, assist: PeerAssist, due_on: date) -> FollowUp:
    """Create or move the follow-up; one already asked is not asked again."""
    followup, _created = FollowUp.objects.update_or_create(
        assist=assist, defaults={"due_on": due_on}
    )
    return followup


# --- Actions ----------------------------------------------------------------------------------


def _owner(assist: PeerAssist, owner_id: int | None) -> Person | None:
    if owner_id is None:
        return None
    try:
        return Person.objects.get(pk=owner_id, organisation=assist.organisation)
    except Person.DoesNotExist:
        raise ValidationError(
            {"owner_id": _("Choose the owner among the participants or the directory.")}
        ) from None


def _contributions(assist: PeerAssist, ids: Iterable[int]) -> list[Any]:
    wanted = set(ids)
    found = list(selectors.candidate_contributions(assist=assist).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError(
            {
                "contribution_ids": _(
                    "An action can only be based on this session's starred notes and action ideas."
                )
            }
        )
    return found


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what will be done.")})
    return title[:300]


def _status(status: str) -> str:
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    return status


@transaction.atomic
def action_create(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    title: str,
    owner_id: int | None = None,
    due_on: date | None = None,
    status: str = ActionStatus.OPEN,
    contribution_ids: Iterable[int] = (),
) -> Action:
    """Add an action agreed at the conclusion, linked to the notes behind it."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.conclusion_open(_stored_status(assist)))
    order = Action.objects.filter(assist=assist).count()
    action = Action.objects.create(
        assist=assist,
        title=_title(title),
        owner=_owner(assist, owner_id),
        due_on=due_on,
        status=_status(status),
        completed_at=timezone.now() if status == ActionStatus.DONE else None,
        order=order,
    )
    action.contributions.set(_contributions(assist, contribution_ids))
    return action


@transaction.atomic
def action_update(*, viewer: Viewer, action: Action, changes: Mapping[str, Any]) -> Action:
    """Change an action's fields (title, owner_id, due_on, status, notes, contribution_ids)."""
    assist = action.assist
    _require_edit(viewer, assist)
    action = Action.objects.select_for_update().get(pk=action.pk)
    if "title" in changes:
        action.title = _title(changes["title"])
    if "owner_id" in changes:
        action.owner = _owner(assist, changes["owner_id"])
    if "due_on" in changes:
        action.due_on = changes["due_on"]
        action.reminded_on = None
    if "notes" in changes:
        action.notes = (changes["notes"] or "").strip()
    if "status" in changes:
        _set_status(action, changes["status"])
    action.save()
    if "contribution_ids" in changes:
        action.contributions.set(_contributions(assist, changes["contribution_ids"]))
    return action


def _set_status(action: Action, status: str) -> None:
    action.status = _status(status)
    if status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif status != ActionStatus.DONE:
        action.completed_at = None


@transaction.atomic
def action_delete(*, viewer: Viewer, action: Action) -> None:
    _require_edit(viewer, action.assist)
    action.delete()


# --- Connect afterwards -----------------------------------------------------------------------


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


# --- Feedback ---------------------------------------------------------------------------------


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


# --- The write-up -----------------------------------------------------------------------------


def _new_version(writeup: WriteUp, body: str, *, viewer: Viewer, note: str) -> WriteUp:
    """Store `body` as the write-up's next version (the row must be locked by the caller)."""
    writeup.version += 1
    writeup.body = body
    writeup.save(update_fields=["version", "body", "updated_at"])
    WriteUpVersion.objects.create(
        writeup=writeup, number=writeup.version, body=body, note=note[:200], created_by=viewer.user
    )
    return writeup


def _draft(viewer: Viewer, assist: PeerAssist, *, note: str) -> WriteUp:
    body = drafting.draft_markdown(selectors.session_data(assist=assist))
    writeup, _created = WriteUp.objects.get_or_create(assist=assist)
    writeup = WriteUp.objects.select_for_update().get(pk=writeup.pk)
    return _new_version(writeup, body, viewer=viewer, note=note)


@transaction.atomic
def writeup_draft(*, viewer: Viewer, assist: PeerAssist) -> WriteUp:
    """Draft the write-up from the session; a redraft is a new version (nothing is lost)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    redraft = WriteUp.objects.filter(assist=assist).exists()
    return _draft(
        viewer,
        assist,
        note=_("Redrafted from the session") if redraft else _("Drafted from the session"),
    )


def _locked_writeup(assist: PeerAssist) -> WriteUp:
    try:
        return WriteUp.objects.select_for_update().get(assist=assist)
    except WriteUp.DoesNotExist:
        raise ValidationError(_("Draft the write-up from the session first.")) from None


@transaction.atomic
def writeup_save(*, viewer: Viewer, assist: PeerAssist, body: str, note: str = "") -> WriteUp:
    """Save an edit as a new version (an unchanged text makes no version)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    writeup = _locked_writeup(assist)
    body = body.replace("\r\n", "\n")
    if body == writeup.body:
        return writeup
    return _new_version(writeup, body, viewer=viewer, note=note or _("Edited"))


@transaction.atomic
def writeup_restore(*, viewer: Viewer, assist: PeerAssist, number: int) -> WriteUp:
    """Make an earlier version the current text again, as a new version."""
    _require_edit(viewer, assist)
    writeup = _locked_writeup(assist)
    try:
        old = writeup.versions.get(number=number)
    except WriteUpVersion.DoesNotExist:
        raise ValidationError(_("There is no version %s.") % number) from None
    return _new_version(
        writeup, old.body, viewer=viewer, note=_("Restored version %s") % old.number
    )


@transaction.atomic
def writeup_publish(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    recipient_ids: Iterable[int] = (),
    shared_with_guests: bool = True,
) -> WriteUp:
    """Publish: the write-up enters the knowledge base, participants and the chosen
    recipients are told, and the assist becomes written up."""
    if not _rights(viewer, assist).publish:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers publish the write-up.")
        )
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    writeup = _locked_writeup(assist)
    if writeup.status == WriteUpStatus.PUBLISHED:
        raise ValidationError(_("This write-up is already published."))
    wanted = set(recipient_ids)
    recipients = list(Person.objects.filter(organisation=assist.organisation, pk__in=wanted))
    if len(recipients) != len(wanted):
        raise ValidationError({"recipient_ids": _("Choose people of your organisation.")})
    writeup.status = WriteUpStatus.PUBLISHED
    writeup.published_at = timezone.now()
    writeup.published_by = person_for_viewer(viewer=viewer)
    writeup.shared_with_guests = shared_with_guests
    writeup.save()
    writeup.recipients.set(recipients)
    if assist.status == Status.CONCLUDED:
        assist, _findings = assist_transition(
            viewer=viewer, assist=assist, target=Status.WRITTEN_UP
        )
    followup = FollowUp.objects.filter(assist=assist, answered_at__isnull=False).first()
    if followup is not None and assist.status == Status.WRITTEN_UP:
        # Answered before the write-up was out: now the assist can be "followed up" too.
        assist, _findings = assist_transition(
            viewer=viewer, assist=assist, target=Status.FOLLOWED_UP
        )
    url = reverse("writeups:writeup", args=[assist.pk])
    # Participants-only: those who took part, not those invited who said no or did not come.
    participants = [p.person for p in assist.participations.attended().select_related("person")]
    _notify(
        participants,
        kind="writeup.published",
        title=_("The write-up of “%s” is published") % assist.title,
        body=_("The write-up of the Peer Assist you took part in is ready to read."),
        url=url,
    )
    taking_part = {p.pk for p in participants}
    _notify(
        [p for p in recipients if p.pk not in taking_part],
        kind="writeup.published",
        title=_("A Peer Assist write-up you might benefit from: “%s”") % assist.title,
        body=_("%(who)s thought the write-up of this Peer Assist could help you.")
        % {"who": writeup.published_by.name if writeup.published_by else _("Someone")},
        url=url,
    )
    publish(
        "writeup.published",
        {**assist_event_payload(assist), "writeup": {"version": writeup.version, "url": url}},
    )
    return writeup


# --- Follow-up --------------------------------------------------------------------------------


def followup_ask(*, followup_id: int, now: datetime) -> bool:
    """Ask the home team once: claim `asked_at` with a conditional UPDATE, then notify them.
    Returns False when another run (or worker) already asked."""
    with transaction.atomic():
        claimed = FollowUp.objects.filter(
            pk=followup_id, asked_at__isnull=True, answered_at__isnull=True
        ).update(asked_at=now)
        if not claimed:
            return False
        followup = FollowUp.objects.select_related("assist").get(pk=followup_id)
        assist = followup.assist
        home = selectors.people_by_role(assist=assist, role=Role.HOME_PEER)
        peers = selectors.people_by_role(assist=assist, role=Role.VISITING_PEER)
        names = ", ".join(p.name for p in peers) or _("no visiting peers were recorded")
        _notify(
            home,
            kind="writeup.followup_due",
            title=_("Time to follow up on “%s”") % assist.title,
            body=_(
                "Did you follow up with the visiting peers (%(peers)s)? What did you do "
                "differently as a result? Please also update each action."
            )
            % {"peers": names},
            url=reverse("writeups:followup", args=[assist.pk]),
        )
    return True


@transaction.atomic
def followup_answer(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    followed_up_with_ids: Iterable[int],
    what_changed: str,
    action_statuses: Mapping[int, str] | None = None,
) -> FollowUp:
    """Record the home team's answer, update the actions, move the assist to followed up
    (once its write-up is published), and tell the visiting peers what became of their advice."""
    if not _rights(viewer, assist).answer_followup:
        raise PermissionDenied(_("The home team answers the follow-up."))
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    followup = FollowUp.objects.select_for_update().filter(assist=assist).first()
    if followup is None:
        followup = FollowUp.objects.create(assist=assist, due_on=timezone.localdate())
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    peers = {p.pk: p for p in selectors.people_by_role(assist=assist, role=Role.VISITING_PEER)}
    wanted = set(followed_up_with_ids)
    if not wanted <= set(peers):
        raise ValidationError(
            {"followed_up_with_ids": _("Choose among the visiting peers of this assist.")}
        )
    actions = {a.pk: a for a in Action.objects.select_for_update().filter(assist=assist)}
    for action_id, status in (action_statuses or {}).items():
        action = actions.get(int(action_id))
        if action is None:
            raise ValidationError({"action_statuses": _("That action is not this assist's.")})
        if action.status != status:
            _set_status(action, status)
            action.save(update_fields=["status", "completed_at", "updated_at"])
    followup.what_changed = (what_changed or "").strip()
    followup.answered_at = timezone.now()
    followup.answered_by = person_for_viewer(viewer=viewer)
    followup.asked_at = followup.asked_at or followup.answered_at
    followup.save()
    followup.followed_up_with.set([peers[pk] for pk in wanted])
    if assist.status == Status.WRITTEN_UP:
        assist_transition(viewer=viewer, assist=assist, target=Status.FOLLOWED_UP)
    _tell_peers(followup, list(peers.values()), list(actions.values()))
    return followup


def _tell_peers(followup: FollowUp, peers: list[Person], actions: list[Action]) -> None:
    """'What became of your advice', once: claimed with a conditional UPDATE."""
    claimed = FollowUp.objects.filter(Q(pk=followup.pk) & Q(peers_told_at__isnull=True)).update(
        peers_told_at=timezone.now()
    )
    if not claimed or not peers:
        return
    assist = followup.assist
    done = [a.title for a in actions if a.status == ActionStatus.DONE]
    body = _("What the home team did differently: %s") % (followup.what_changed or "—")
    if done:
        body += "\n" + _("Actions done: %s") % "; ".join(done)
    _notify(
        peers,
        kind="writeup.advice_outcome",
        title=_("What became of your advice on “%s”") % assist.title,
        body=body,
        url=reverse("writeups:conclusion", args=[assist.pk]),
    )


def action_remind(*, action_id: int, today: date) -> bool:
    """Remind an overdue action's owner, at most once a day (claims `reminded_on`)."""
    with transaction.atomic():
        claimed = (
            Action.objects.filter(
                pk=action_id,
                status__in=selectors.OPEN_ACTION_STATUSES,
                due_on__lt=today,
                owner__isnull=False,
            )
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
            .update(reminded_on=today)
        )
        if not claimed:
            return False
        action = Action.objects.select_related("assist__organisation", "owner").get(pk=action_id)
        assist = action.assist
        assert action.owner is not None and action.due_on is not None  # noqa: S101 - claimed so
        _notify(
            [action.owner],
            kind="writeup.action_overdue",
            title=_("Overdue action: %s") % action.title,
            body=_(
                "This action from the Peer Assist “%(assist)s” was due on %(due)s. Update its "
                "status, or agree a new date with the home team."
            )
            % {"assist": assist.title, "due": action.due_on.isoformat()},
            url=reverse("writeups:conclusion", args=[assist.pk]) + f"#action-{action.pk}",
        )
        publish(
            "action.overdue",
            {
                **assist_event_payload(assist),
                "action": {
                    "id": action.pk,
                    "title": action.title,
                    "due_on": action.due_on.isoformat(),
                    "owner": action.owner.name,
                },
            },
        )
    return True
