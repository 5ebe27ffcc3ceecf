"""Writes about users, organisations, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import ApiToken, Membership, Organisation, User
from peerassist.core.scoping import Viewer

TOKEN_PREFIX = "pa_"  # noqa: S105 - a public marker, not a secret


def _audit(
    kind: str,
    organisation: Organisation,
    actor: User,
    target: str,
    detail: dict[str, object] | None = None,
) -> None:
    # The audit app sits above accounts: imported here so that accounts stays importable alone.
    from peerassist.audit.services import audit_record

    audit_record(kind=kind, organisations=organisation, actor=actor, target=target, detail=detail)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


def api_token_create(*, user: User, organisation: Organisation, name: str) -> IssuedToken:
    """Issue a token for a member of the organisation; the raw value is returned only here."""
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValueError(f"{user.email} is not a member of {organisation.name}.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name.strip() or "API token",
        prefix=raw[:10],
        digest=_digest(raw),
    )
    _audit("token_created", organisation, user, f"{token.name} ({token.prefix}…)")
    return IssuedToken(token=token, raw=raw)


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if there was no such live token."""
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        return False
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated == 1:
        _audit("token_revoked", token.organisation, user, f"{token.name} ({token.prefix}…)")
    return updated == 1


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching a raw value, its last use recorded; None if unknown or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token so that busy clients do not hammer the database.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def organisation_update(*, viewer: Viewer, name: str, require_two_factor: bool) -> Organisation:
    """Change the viewer's organisation's name and two-factor policy (admins only)."""
    if not viewer.is_admin:
        raise PermissionDenied("Only administrators of this organisation can change its settings.")
    organisation = Organisation.objects.get(pk=viewer.organisation.pk)
    before = {"name": organisation.name, "require_two_factor": organisation.require_two_factor}
    organisation.name = name.strip() or organisation.name
    organisation.require_two_factor = require_two_factor
    organisation.save(update_fields=["name", "require_two_factor"])
    after = {"name": organisation.name, "require_two_factor": organisation.require_two_factor}
    changed: dict[str, object] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        _audit("settings_changed", organisation, viewer.user, organisation.name, changed)
    return organisation


@transaction.atomic
def membership_set(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give the user the role in the organisation, creating the membership if needed."""
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership
