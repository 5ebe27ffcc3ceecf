"""Who takes part: the facilitator, the visiting peers' mix, group sizes, enough peers to invite."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from peerassist.core.findings import Finding, Level

GROUP_MIN = 6


GROUP_MAX = 8


ROOM_MAX = 20


SENIOR_LEVELS = frozenset({"senior", "manager", "executive"})


def facilitator_outside_home_team(
    facilitator_ids: Iterable[int], home_team_ids: Iterable[int]
) -> list[Finding]:
    """The facilitator must not be one of the home team."""
    inside = set(facilitator_ids) & set(home_team_ids)
    if not inside:
        return []
    return [
        Finding(
            Level.ERROR,
            "facilitator_in_home_team",
            _(
                "The facilitator cannot be a member of the home team. A facilitator from "
                "outside keeps the balance between telling and listening, and can hold the "
                "home team to listening without defending its plan. Ask someone from "
                "another team."
            ),
            "facilitator",
        )
    ]


def visiting_peers_across(
    home_unit_ids: Iterable[int | None], visiting_unit_ids: Sequence[int | None]
) -> list[Finding]:
    """Nudge when most visiting peers come from the home team's own units."""
    home = {u for u in home_unit_ids if u is not None}
    if not home or not visiting_unit_ids:
        return []
    same = sum(1 for u in visiting_unit_ids if u in home)
    if same * 2 <= len(visiting_unit_ids):
        return []
    return [
        Finding(
            Level.NUDGE,
            "look_across",
            _(
                "%(same)s of %(total)s visiting peers come from the home team's own unit. "
                "Look across the organisation: someone who solved this elsewhere brings what "
                "your unit does not already know."
            )
            % {"same": same, "total": len(visiting_unit_ids)},
            "visiting_peers",
        )
    ]


def visiting_peers_not_only_senior(levels: Sequence[str]) -> list[Finding]:
    """Nudge when every visiting peer is senior: look across, not up."""
    if len(levels) < 2 or not all(level in SENIOR_LEVELS for level in levels):
        return []
    return [
        Finding(
            Level.NUDGE,
            "across_not_up",
            _(
                "All visiting peers are senior. Look across, not up: people who did the work "
                "recently often have the most practical experience to share."
            ),
            "visiting_peers",
        )
    ]


def group_size(active_voices: int, groups: int) -> list[Finding]:
    """6–8 voices a group works best; propose breakouts above 8, warn above 20 in one room."""
    findings = []
    if active_voices > ROOM_MAX:
        findings.append(
            Finding(
                Level.WARNING,
                "too_many_people",
                _(
                    "%(n)s home and visiting peers is a lot for one Peer Assist (the guides "
                    "say no more than 15–20). Consider two sessions, or fewer peers."
                )
                % {"n": active_voices},
                "participants",
            )
        )
    largest = math.ceil(active_voices / max(groups, 1))
    if largest > GROUP_MAX:
        findings.append(
            Finding(
                Level.WARNING,
                "propose_breakouts",
                _(
                    "%(n)s active voices in one group: above %(max)s, not everyone gets to "
                    "speak. Split into breakout groups of %(min)s–%(max)s."
                )
                % {"n": largest, "min": GROUP_MIN, "max": GROUP_MAX},
                "groups",
            )
        )
    return findings


def can_invite(visiting_peers: int) -> list[Finding]:
    """An assist needs visiting peers before invitations go out."""
    if visiting_peers:
        return []
    return [
        Finding(
            Level.ERROR,
            "no_visiting_peers",
            _("Add at least one visiting peer: they are the people whose experience you ask for."),
            "visiting_peers",
        )
    ]
