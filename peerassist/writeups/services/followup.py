"""The follow-up: schedule it, ask the home team once, record their answer and tell the
visiting peers what became of their advice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.models import PeerAssist, Role, Status
from peerassist.assists.services import assist_transition
from peerassist.core.findings import raise_on_errors
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.people.selectors import person_for_viewer
from peerassist.writeups import rules, selectors
from peerassist.writeups.models import Action, ActionStatus, FollowUp
from peerassist.writeups.services._common import _notify, _rights, _stored_status
from peerassist.writeups.services.actions import _set_status


def followup_schedule(*, assist: PeerAssist, due_on: date) -> FollowUp:
    """Create or move the follow-up; one already asked is not asked again."""
    followup, _created = FollowUp.objects.update_or_create(
        assist=assist, defaults={"due_on": due_on}
    )
    return followup


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
        listed = ", ".join(p.name for p in peers)
        _notify(
            home,
            kind="writeup.followup_due",
            title=lambda: _("Time to follow up on “%s”") % assist.title,
            body=lambda: (
                _(
                    "Did you follow up with the visiting peers (%(peers)s)? What did you do "
                    "differently as a result? Please also update each action."
                )
                % {"peers": listed or _("no visiting peers were recorded")}
            ),
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

    def body() -> str:
        text = _("What the home team did differently: %s") % (followup.what_changed or "—")
        if done:
            text += "\n" + _("Actions done: %s") % "; ".join(done)
        return text

    _notify(
        peers,
        kind="writeup.advice_outcome",
        title=lambda: _("What became of your advice on “%s”") % assist.title,
        body=body,
        url=reverse("writeups:conclusion", args=[assist.pk]),
    )
