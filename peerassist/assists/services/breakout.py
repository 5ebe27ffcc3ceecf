"""Breakout groups: propose them, move people between them, add one.

All of this stays possible while the session is live: the 90-minute format's first step is
"Introduce the session and divide into groups", run in the room. A new proposal replaces the
groups, though, so it is refused once notes are filed under them (they would lose their group).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peerassist.assists.groups import Member, propose_groups
from peerassist.assists.models import BreakoutGroup, Participation, PeerAssist, Role
from peerassist.assists.services._common import _require_edit
from peerassist.core.findings import Finding, Level, RuleViolation
from peerassist.core.scoping import Viewer


@transaction.atomic
def groups_propose(*, viewer: Viewer, assist: PeerAssist) -> list[BreakoutGroup]:
    """Replace the breakout groups with a proposal: 6–8 peers each, mixed, by language."""
    _require_edit(viewer, assist, allow_live=True)
    if assist.groups.filter(contributions__isnull=False).exists():
        raise RuleViolation(
            [
                Finding(
                    Level.ERROR,
                    "groups_hold_notes",
                    _(
                        "Notes are already filed under these groups: a new proposal would "
                        "take them out of their groups. Move people by hand instead."
                    ),
                    "groups",
                )
            ]
        )
    participations = list(
        Participation.objects.taking_part()
        .filter(assist=assist)
        .prefetch_related("person__languages")
    )
    wanted = set(assist.languages.values_list("code", flat=True))
    members = []
    for p in participations:
        spoken = tuple(sorted(lang.code for lang in p.person.languages.all()))
        # Group by the assist's languages when it names some; people keep theirs otherwise.
        usable = tuple(code for code in spoken if code in wanted) if wanted else spoken
        members.append(
            Member(
                p.pk, p.role == Role.HOME_PEER, usable or spoken, role=p.role, name=str(p.person)
            )
        )
    # Everyone taking part, facilitators and note-takers too: each group needs someone who
    # may record its notes, and the facilitators are spread across the groups.
    proposal = propose_groups(members)
    assist.groups.all().delete()
    groups = []
    for index, proposed in enumerate(proposal, start=1):
        group = BreakoutGroup.objects.create(
            assist=assist,
            name=_("Group %(n)s") % {"n": index},
            order=index,
            language_id=proposed.language,
        )
        Participation.objects.filter(pk__in=proposed.member_ids).update(group=group)
        group.spokesperson_id = _proposed_spokesperson(participations, proposed.member_ids)
        group.save(update_fields=["spokesperson"])
        groups.append(group)
    return groups


def _proposed_spokesperson(people: list[Participation], member_ids: Sequence[int]) -> int | None:
    """A group's first spokesperson: a visiting peer (their insights are the plenary's), else a
    home peer; the facilitator changes it on the People page."""
    members = [p for p in people if p.pk in set(member_ids)]
    for role in (Role.VISITING_PEER, Role.HOME_PEER):
        for p in sorted(members, key=lambda p: p.person.name):
            if p.role == role:
                return p.person_id
    return None


@transaction.atomic
def group_assign(
    *, viewer: Viewer, assist: PeerAssist, participation_id: int, group_id: int | None
) -> Participation:
    """Move one participant to another group by hand (None: no group)."""
    _require_edit(viewer, assist, allow_live=True)
    participation = (
        Participation.objects.taking_part().filter(assist=assist, pk=participation_id).first()
    )
    if participation is None:
        raise ValidationError(
            {"participation_id": _("This person does not take part in this assist.")}
        )
    group = None
    if group_id is not None:
        group = BreakoutGroup.objects.filter(assist=assist, pk=group_id).first()
        if group is None:
            raise ValidationError({"group_id": _("There is no such group in this assist.")})
    if participation.group_id is not None and participation.group_id != group_id:
        # Someone who leaves a group no longer speaks for it.
        BreakoutGroup.objects.filter(
            pk=participation.group_id, spokesperson_id=participation.person_id
        ).update(spokesperson=None)
    participation.group = group
    participation.save(update_fields=["group"])
    return participation


@transaction.atomic
def group_spokesperson_set(
    *, viewer: Viewer, assist: PeerAssist, group_id: int, person_id: int | None
) -> BreakoutGroup:
    """Name who speaks for a breakout group in the plenary (one of its members; None: nobody)."""
    _require_edit(viewer, assist, allow_live=True)
    group = BreakoutGroup.objects.select_for_update().filter(assist=assist, pk=group_id).first()
    if group is None:
        raise ValidationError({"group_id": _("There is no such group in this assist.")})
    if person_id is not None:
        member = Participation.objects.taking_part().filter(
            assist=assist, group=group, person_id=person_id
        )
        if not member.exists():
            raise ValidationError(
                {"person_id": _("The spokesperson must be one of the group's members.")}
            )
        # One group each: someone speaking for two groups could not be told apart.
        BreakoutGroup.objects.filter(assist=assist, spokesperson_id=person_id).exclude(
            pk=group.pk
        ).update(spokesperson=None)
    group.spokesperson_id = person_id
    group.save(update_fields=["spokesperson"])
    return group


@transaction.atomic
def group_create(*, viewer: Viewer, assist: PeerAssist, name: str) -> BreakoutGroup:
    _require_edit(viewer, assist, allow_live=True)
    order = assist.groups.count() + 1
    return BreakoutGroup.objects.create(
        assist=assist, name=name.strip() or _("Group %(n)s") % {"n": order}, order=order
    )
