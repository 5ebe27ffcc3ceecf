"""Writes about users, organisations, memberships and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.accounts import sso_addresses
from peerassist.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    Role,
    SsoConfiguration,
    User,
)
from peerassist.core.languages import is_supported
from peerassist.core.scoping import Viewer
from peerassist.core.when import validate_time_zone

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
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def sso_domains_parse(text: str) -> list[str]:
    """The lower-case domains in the text (lines, spaces or commas; a leading '@' is dropped);
    ValidationError naming the first that is not a domain."""
    domains: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip().lower()):
        domain = raw.lstrip("@").rstrip(".")
        if not domain:
            continue
        if not _DOMAIN_RE.match(domain):
            raise ValidationError(
                {"domains": _("%(domain)s is not an e-mail domain.") % {"domain": raw}}
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise ValidationError({"domains": _("Enter at least one e-mail domain.")})
    return domains


def sso_secret_hint(secret: str) -> str:
    """How a saved secret is shown back: its last 4 characters at most, never in full."""
    if not secret:
        return ""
    return "\u2022" * 8 + (secret[-4:] if len(secret) >= 12 else "")


@transaction.atomic
def sso_configuration_save(
    *,
    viewer: Viewer,
    enabled: bool,
    issuer_url: str,
    client_id: str,
    client_secret: str,
    domains: str,
    sso_only: bool,
    default_role: str,
) -> SsoConfiguration:
    """Create or change the single sign-on of the viewer's organisation (admins only); an
    empty secret keeps the saved one. The change is audited (the secret only as 'changed')."""
    if not viewer.is_admin:
        raise PermissionDenied("Only administrators of this organisation can set up sign-on.")
    organisation = viewer.organisation
    domain_list = sso_domains_parse(domains)
    if default_role not in Role.values or default_role == Role.ADMIN:
        raise ValidationError({"default_role": _("Choose organiser, member or guest.")})
    taken = [
        d
        for other in SsoConfiguration.objects.exclude(organisation=organisation)
        for d in other.domain_list
        if d in domain_list
    ]
    if taken:
        raise ValidationError(
            {
                "domains": _(
                    "%(domains)s already signs in through another organisation; ask the "
                    "operator of this site if it is yours."
                )
                % {"domains": ", ".join(taken)}
            }
        )
    if not client_id.strip():
        raise ValidationError({"client_id": _("Enter the client ID.")})
    if sso_addresses.issuer_refused(issuer_url.strip()):
        raise ValidationError({"issuer_url": sso_addresses.REFUSED_MESSAGE})
    config = SsoConfiguration.objects.select_for_update().filter(organisation=organisation).first()
    secret = client_secret.strip()
    if config is None and not secret:
        raise ValidationError({"client_secret": _("Enter the client secret.")})
    fields = {
        "enabled": enabled,
        "issuer_url": issuer_url.strip().rstrip("/"),
        "client_id": client_id.strip(),
        "domains": "\n".join(domain_list),
        "sso_only": sso_only,
        "default_role": default_role,
    }
    if config is None:
        config = SsoConfiguration(organisation=organisation, client_secret=secret, **fields)
        changed: dict[str, object] = {k: [None, v] for k, v in fields.items()}
        changed["client_secret"] = "set"  # noqa: S105 - a word for the log, never the value
    else:
        changed = {k: [getattr(config, k), v] for k, v in fields.items() if getattr(config, k) != v}
        for k, v in fields.items():
            setattr(config, k, v)
        if secret and secret != config.client_secret:
            config.client_secret = secret
            changed["client_secret"] = "changed"  # noqa: S105 - never the value
    config.save()
    if changed:
        _audit("sso_changed", organisation, viewer.user, config.issuer_url, changed)
    return config


@transaction.atomic
def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """Saves the zone the user's pages show times in; their directory entries follow it, so that
    e-mails and calendar files reach them in the same zone. Raises ValidationError for a name
    that is not a zone."""
    validate_time_zone(time_zone)
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    user.people.exclude(time_zone=time_zone).update(time_zone=time_zone, updated_at=timezone.now())
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Saves the language of the user's pages, e-mails, notifications and exports; "" means
    "as my browser says". Raises ValidationError for a language the site does not speak."""
    if language and not is_supported(language):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
