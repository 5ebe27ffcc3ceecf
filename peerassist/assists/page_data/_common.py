"""What the planning pages share: the statuses they group by, the assist's local time,
findings grouped by field and people grouped by role."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.core.findings import Finding, Level

#: Statuses in which invitations go out (as invitations.services.INVITABLE_STATUSES).
INVITABLE = (Status.PLANNED, Status.INVITED, Status.LIVE)


#: Statuses of assists that are still ahead of the people in them.
ACTIVE = (Status.DRAFT, Status.PLANNED, Status.INVITED, Status.LIVE)


#: Which findings each concern page shows (the overview shows them all).
PAGE_FIELDS = {
    "brief": {"brief", "focus_questions"},
    "agenda": {"agenda"},
    "people": {"facilitator", "visiting_peers", "participants", "groups"},
    "logistics": {"brief_send_on", "decision_date", "ends_at", "agenda"},
}


ROLE_ORDER = [Role.HOME_PEER, Role.FACILITATOR, Role.NOTE_TAKER, Role.VISITING_PEER, Role.OBSERVER]


def assist_zone(assist: PeerAssist) -> zoneinfo.ZoneInfo:
    """The assist's time zone; UTC if what is stored is not a zone name."""
    try:
        return zoneinfo.ZoneInfo(assist.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local(assist: PeerAssist, moment: datetime | None) -> datetime | None:
    """A stored moment as wall-clock time in the assist's time zone.

    Naive on purpose: templates convert aware datetimes to the request's zone."""
    return moment.astimezone(assist_zone(assist)).replace(tzinfo=None) if moment else None


@dataclass(frozen=True)
class Findings:
    errors: list[Finding]
    warnings: list[Finding]
    nudges: list[Finding]

    def __bool__(self) -> bool:
        return bool(self.errors or self.warnings or self.nudges)


def grouped(findings: list[Finding], fields: set[str] | None = None) -> Findings:
    """Findings split by level, optionally only those about some fields."""
    chosen = [f for f in findings if fields is None or f.field in fields]
    return Findings(
        errors=[f for f in chosen if f.level == Level.ERROR],
        warnings=[f for f in chosen if f.level == Level.WARNING],
        nudges=[f for f in chosen if f.level == Level.NUDGE],
    )


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    people: list[Participation]


def by_role(participations: list[Participation]) -> list[RoleGroup]:
    """Participations in the method's order of roles, every role listed even when empty."""
    return [
        RoleGroup(role, str(Role(role).label), [p for p in participations if p.role == role])
        for role in ROLE_ORDER
    ]
