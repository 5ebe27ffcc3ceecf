"""The actions agreed at the conclusion: add, change, remove, and remind their owners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.events import assist_event_payload
from peerassist.assists.models import PeerAssist
from peerassist.core.events import publish
from peerassist.core.findings import raise_on_errors
from peerassist.core.scoping import Viewer
from peerassist.core.when import format_when
from peerassist.people.models import Person
from peerassist.writeups import rules, selectors
from peerassist.writeups.models import Action, ActionStatus
from peerassist.writeups.services._common import _notify, _require_edit, _stored_status


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
            title=lambda: _("Overdue action: %s") % action.title,
            body=lambda: (
                _(
                    "This action from the Peer Assist “%(assist)s” was due on %(due)s. Update its "
                    "status, or agree a new date with the home team."
                )
                % {"assist": assist.title, "due": format_when(action.due_on, style="day")}
            ),
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
