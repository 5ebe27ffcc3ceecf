"""Reads about users, organisations and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet

from peerassist.accounts.models import ApiToken, Membership, Organisation, SsoConfiguration, User
from peerassist.core.scoping import Viewer


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships, organisation loaded, in organisation name order."""
    return (
        Membership.objects.filter(user=user, deactivated_at__isnull=True)
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


def user_has_totp(*, user: User) -> bool:
    """Whether the user has turned on an authenticator app."""
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def two_factor_missing(*, user: User, organisation: Organisation) -> bool:
    """True when the organisation requires two-factor and the user has not turned it on."""
    return bool(organisation.require_two_factor) and not user_has_totp(user=user)


def require_admin(viewer: Viewer | None) -> Viewer:
    """Return the viewer if they administer their organisation, else deny."""
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied("Only administrators of this organisation can manage its members.")
    return viewer


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    status: str  # "active", "invited" or "deactivated"
    two_factor: bool

    @property
    def last_login(self) -> datetime | None:
        return self.membership.user.last_login


def _status(membership: Membership) -> str:
    if membership.deactivated_at is not None:
        return "deactivated"
    user = membership.user
    if membership.invited_at is not None and user.last_login is None:
        return "invited"
    return "active"


def member_list(*, viewer: Viewer) -> list[MemberRow]:
    """Every member of the admin's organisation with status and two-factor, by e-mail."""
    require_admin(viewer)
    totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
    memberships = (
        Membership.objects.filter(organisation=viewer.organisation)
        .select_related("user")
        .annotate(has_totp=Exists(totp))
        .order_by("user__email")
    )
    return [MemberRow(membership=m, status=_status(m), two_factor=m.has_totp) for m in memberships]


def member_get(*, viewer: Viewer, membership_id: int) -> MemberRow:
    """One member of the admin's organisation; DoesNotExist for any other organisation's."""
    require_admin(viewer)
    totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
    m = (
        Membership.objects.filter(organisation=viewer.organisation, pk=membership_id)
        .select_related("user")
        .annotate(has_totp=Exists(totp))
        .get()
    )
    return MemberRow(membership=m, status=_status(m), two_factor=m.has_totp)


def member_status(*, membership: Membership) -> str:
    """ "active", "invited" (never signed in since the invitation) or "deactivated"."""
    return _status(membership)


def sso_configuration_for_organisation(*, organisation: Organisation) -> SsoConfiguration | None:
    """The organisation's single sign-on configuration, if it has one (on or off)."""
    return SsoConfiguration.objects.filter(organisation=organisation).first()
