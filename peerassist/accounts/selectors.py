"""Reads about users, organisations and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from peerassist.accounts.models import ApiToken, Membership, Organisation, User
from peerassist.core.scoping import Viewer


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's memberships, organisation loaded, in organisation name order."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def viewer_for_user(*, user: User, organisation_id: int | None = None) -> Viewer | None:
    """The viewer for a signed-in user in the chosen organisation (or their first one)."""
    memberships = membership_list_for_user(user=user)
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return Viewer(user=user, organisation=chosen.organisation, role=chosen.role)
    first = memberships.first()
    if first is None:
        return None
    return Viewer(user=user, organisation=first.organisation, role=first.role)


def organisation_list_for_user(*, user: User) -> list[Organisation]:
    """Organisations the user belongs to."""
    return [m.organisation for m in membership_list_for_user(user=user)]


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that are still valid, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related(
        "organisation"
    )
