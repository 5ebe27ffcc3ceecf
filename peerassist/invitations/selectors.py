"""Reads about invitations, scoped by what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from peerassist.assists.models import Participation, PeerAssist
from peerassist.core.scoping import Viewer
from peerassist.invitations.models import Invitation


def invitation_list(*, assist: PeerAssist) -> QuerySet[Invitation]:
    """The assist's invitations, person loaded, by name (callers check `can_edit` first)."""
    return (
        Invitation.objects.filter(assist=assist)
        .select_related("person__unit")
        .order_by("person__name", "pk")
    )


def uninvited_participations(*, assist: PeerAssist) -> QuerySet[Participation]:
    """People taking part who have no invitation yet (or a cancelled one)."""
    invited = Invitation.objects.filter(assist=assist, cancelled_at__isnull=True).values(
        "person_id"
    )
    return (
        Participation.objects.filter(assist=assist)
        .exclude(person_id__in=invited)
        .select_related("person__unit")
        .order_by("role", "person__name")
    )


def viewer_participation(*, viewer: Viewer, assist: PeerAssist) -> Participation | None:
    """The viewer's own part in the assist, person loaded, or None."""
    return (
        Participation.objects.filter(assist=assist, person__user=viewer.user)
        .select_related("person")
        .first()
    )


def viewer_invitation(*, viewer: Viewer, assist: PeerAssist) -> Invitation | None:
    return Invitation.objects.filter(assist=assist, person__user=viewer.user).first()
