"""The list, the home page and shared plans."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Subquery

from peerassist.assists import selectors
from peerassist.assists.models import JoinRequest, Participation, PeerAssist, Role, taking_part_q
from peerassist.assists.page_data._common import ACTIVE, local
from peerassist.core.scoping import Viewer


def _role_of_viewer(viewer: Viewer) -> Subquery:
    return Subquery(
        Participation.objects.taking_part()
        .filter(assist=OuterRef("pk"), person__user=viewer.user)
        .values("role")[:1]
    )


def _people_count() -> Subquery:
    counted = (
        Participation.objects.taking_part()
        .filter(assist=OuterRef("pk"))
        .order_by()
        .values("assist")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def _labelled(assists: list[PeerAssist]) -> list[PeerAssist]:
    for assist in assists:
        role = getattr(assist, "my_role", None)
        assist.my_role_label = Role(role).label if role else ""  # type: ignore[attr-defined]
        assist.starts_local = local(assist, assist.starts_at)  # type: ignore[attr-defined]
    return assists


def assist_rows(*, viewer: Viewer, status: str = "") -> list[PeerAssist]:
    """The assists the viewer may see, with their own role and the number of people, one query."""
    assists = selectors.assist_list(viewer=viewer).annotate(
        my_role=_role_of_viewer(viewer), people_count=_people_count()
    )
    if status:
        assists = assists.filter(status=status)
    return _labelled(
        list(assists.order_by(F("starts_at").desc(nulls_first=True), "-created_at", "pk"))
    )


def upcoming_for_viewer(*, viewer: Viewer, limit: int = 5) -> list[PeerAssist]:
    """The viewer's own assists that have not happened yet, soonest first (undated last)."""
    return _labelled(
        list(
            selectors.assist_list(viewer=viewer)
            .filter(
                taking_part_q("participations__"),
                participations__person__user=viewer.user,
                status__in=ACTIVE,
            )
            .distinct()
            .annotate(my_role=_role_of_viewer(viewer))
            .order_by(F("starts_at").asc(nulls_last=True), "-created_at", "pk")[:limit]
        )
    )


@dataclass(frozen=True)
class SharedPlan:
    assist: PeerAssist
    home_team: list[str]
    my_role: str
    asked: JoinRequest | None


def shared_plans(*, viewer: Viewer) -> list[SharedPlan]:
    """Planned assists shared with the organisation, with the viewer's own part in each."""
    assists = list(
        selectors.assist_list_shared_plans(viewer=viewer).prefetch_related("participations__person")
    )
    ids = [a.pk for a in assists]
    mine = {
        p.assist_id: p.role
        for p in Participation.objects.taking_part().filter(
            assist_id__in=ids, person__user=viewer.user
        )
    }
    asked = {
        r.assist_id: r
        for r in JoinRequest.objects.filter(assist_id__in=ids, person__user=viewer.user).order_by(
            "created_at"
        )
    }
    return [
        SharedPlan(
            assist=a,
            home_team=[
                p.person.name
                for p in a.participations.all()
                if p.role == Role.HOME_PEER and p.taking_part
            ],
            my_role=mine.get(a.pk, ""),
            asked=asked.get(a.pk),
        )
        for a in assists
    ]
