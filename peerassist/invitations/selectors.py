"""Reads about invitations, scoped by what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from peerassist.assists.models import Participation, PeerAssist
from peerassist.assists.selectors import assist_list
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


def my_assist_list(*, viewer: Viewer) -> list[Participation]:
    """The assists the viewer takes part in within their organisation, newest session first,
    each participation with its assist and the viewer's invitation (`.invitation`, or None).

    What a guest's home lists: a guest sees nothing of the organisation beyond these."""
    participations = list(
        Participation.objects.filter(
            person__user=viewer.user,
            assist__in=assist_list(viewer=viewer),  # only what the viewer may open
        )
        .select_related("assist", "assist__writeup", "person")
        .order_by("-assist__starts_at", "-assist__pk")
    )
    invitations = {
        invitation.assist_id: invitation
        for invitation in Invitation.objects.filter(
            person__user=viewer.user,
            assist_id__in=[p.assist_id for p in participations],
            cancelled_at__isnull=True,
        )
    }
    for participation in participations:
        participation.invitation = invitations.get(participation.assist_id)  # type: ignore[attr-defined]
    return participations


def suggestions_taking_part(*, assist: PeerAssist) -> set[str]:
    """The e-mail addresses (lower case) that invitees suggested asking instead and that
    already take part: the tab offers "invite them" only for the others."""
    suggested = Invitation.objects.filter(assist=assist).exclude(suggested_email="")
    emails = {email.lower() for email in suggested.values_list("suggested_email", flat=True)}
    taking_part = Participation.objects.filter(assist=assist).values_list(
        "person__email", flat=True
    )
    return {email.lower() for email in taking_part if email and email.lower() in emails}
