"""Single sign-on: each organisation's OpenID Connect provider, through allauth.

allauth's ``openid_connect`` provider takes its apps from the social account adapter below,
built from the organisation's `SsoConfiguration` (set by its administrators on
/account/sso/): the app of organisation ``meridian`` is ``sso-meridian``, and nothing an
administrator enters can reach another organisation's app. The adapter also decides who comes in:

- the e-mail address must be confirmed (``email_verified``) by the provider and belong to one
  of the organisation's domains;
- a person seen for the first time becomes a member with the configuration's default role
  (just-in-time membership), linked to their directory entry when there is one;
- an existing account is linked only if it is a member of this organisation, never one of
  another organisation.

Every request the server sends to a provider (discovery, token, signing keys, user details)
goes through the adapter's requests session, which connects only to addresses single sign-on
may reach (`sso_addresses`); a refused one ends the sign-in on a page that says why, and the
organisation's audit log records it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from peerassist.accounts.models import Membership, Organisation, SsoConfiguration, User
from peerassist.accounts.sso_addresses import sso_requests_session
from peerassist.core.addresses import AddressRefused

PROVIDER = "openid_connect"
PROVIDER_PREFIX = "sso-"


# --- rules -------------------------------------------------------------------------------


def email_domain(email: str) -> str:
    """The lower-case domain of an e-mail address ('' when it has none)."""
    _local, at, domain = email.strip().rpartition("@")
    return domain.lower().strip() if at else ""


def organisation_slug_from_provider_id(provider_id: str) -> str | None:
    """'meridian' for 'sso-meridian'; None for any other provider id."""
    if not provider_id.startswith(PROVIDER_PREFIX):
        return None
    return provider_id[len(PROVIDER_PREFIX) :] or None


# --- selectors -----------------------------------------------------------------------------


def sso_configuration_for_email(email: str) -> SsoConfiguration | None:
    """The switched-on configuration whose domains include the address's domain."""
    domain = email_domain(email)
    if not domain:
        return None
    for config in SsoConfiguration.objects.filter(
        enabled=True, domains__icontains=domain
    ).select_related("organisation"):
        if domain in config.domain_list:
            return config
    return None


def sso_issuer_origins() -> list[str]:
    """scheme://host[:port] of every switched-on provider: the sign-in page's form may be
    redirected there, which its Content-Security-Policy (form-action) must allow."""
    origins: list[str] = []
    for url in SsoConfiguration.objects.filter(enabled=True).values_list("issuer_url", flat=True):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def password_refused_for(email: str) -> SsoConfiguration | None:
    """The configuration that turns passwords off for this address, if one does.

    Only members of that organisation (or addresses without an account) are concerned: an
    organisation cannot turn off the passwords of another organisation's members by claiming
    their domain.
    """
    config = sso_configuration_for_email(email)
    if config is None or not config.sso_only:
        return None
    user = User.objects.filter(email__iexact=email.strip()).first()
    if (
        user is not None
        and not Membership.objects.filter(
            user=user, organisation_id=config.organisation_id
        ).exists()
    ):
        return None
    return config


def social_app_for(config: SsoConfiguration) -> SocialApp:
    """allauth's app for the organisation's provider (built in memory, never saved)."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=config.provider_id,
        name=config.organisation.name,
        client_id=config.client_id,
        secret=config.client_secret,
        settings={
            "server_url": config.issuer_url.rstrip("/"),
            # Every organisation has its own: none is listed on the shared sign-in page.
            "hidden": True,
            "oauth_pkce_enabled": True,
        },
    )


def _configurations(provider: str | None, client_id: str | None) -> list[SsoConfiguration]:
    configs = SsoConfiguration.objects.filter(enabled=True).select_related("organisation")
    if provider and provider != PROVIDER:
        slug = organisation_slug_from_provider_id(provider)
        if slug is None:
            return []
        configs = configs.filter(organisation__slug=slug)
    if client_id:
        configs = configs.filter(client_id=client_id)
    return list(configs)


# --- the adapter ---------------------------------------------------------------------------


def _refuse(
    request: HttpRequest,
    message: str,
    *,
    organisation: Organisation | None = None,
    email: str = "",
    reason: str = "",
) -> ImmediateHttpResponse:
    """The refusal page (403); a failed sign-in in the organisation's audit log."""
    if organisation is not None:
        from peerassist.audit.models import Kind
        from peerassist.audit.services import audit_record

        audit_record(
            kind=Kind.SIGN_IN_FAILED,
            organisations=organisation,
            actor_email=email or "?",
            detail={"via": "single sign-on", "reason": reason},
            request=request,
        )
    response = render(request, "accounts/sso_refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


def _config_of(sociallogin: SocialLogin) -> SsoConfiguration | None:
    slug = organisation_slug_from_provider_id(sociallogin.account.provider or "")
    if slug is None:
        return None
    return (
        SsoConfiguration.objects.filter(organisation__slug=slug, enabled=True)
        .select_related("organisation")
        .first()
    )


def _verified_email(sociallogin: SocialLogin) -> str:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return str(address.email).strip().lower()
    return ""


#: The request attribute naming the provider a sign-in is being sent to (set by the sign-in
#: page, which has no provider in its URL; allauth's own views have it in theirs).
PROVIDER_ATTRIBUTE = "sso_provider_id"


def _configuration_of_request(request: HttpRequest | None) -> SsoConfiguration | None:
    if request is None:
        return None
    provider_id = getattr(request, PROVIDER_ATTRIBUTE, None)
    match = getattr(request, "resolver_match", None)
    if provider_id is None and match is not None:
        provider_id = match.kwargs.get("provider_id")
    slug = organisation_slug_from_provider_id(str(provider_id or ""))
    if slug is None:
        return None
    return (
        SsoConfiguration.objects.filter(organisation__slug=slug)
        .select_related("organisation")
        .first()
    )


def _address_refused(request: HttpRequest | None, host: str) -> ImmediateHttpResponse | None:
    """The page (and audit entry) for a sign-in whose provider is on a refused address."""
    if request is None:
        return None
    config = _configuration_of_request(request)
    name = config.organisation.name if config else _("This organisation")
    return _refuse(
        request,
        _(
            "%(org)s's identity provider is on an address peerassist may not connect to (a "
            "private, loopback or link-local network), so single sign-on cannot continue. "
            "Tell your administrator: the operator of this site has to allow it."
        )
        % {"org": name},
        organisation=config.organisation if config else None,
        email=str(request.POST.get("login", "")).strip() if request.method == "POST" else "",
        reason=f"identity provider address refused: {host}",
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def get_requests_session(self) -> requests.Session:
        """allauth's session for every request to a provider, through connections that check
        where they go; a refused address ends the sign-in with the refusal page."""
        session = sso_requests_session()
        send = session.request
        timeout = socialaccount_settings.REQUESTS_TIMEOUT
        request = self.request

        def checked_request(*args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", timeout)
            try:
                return send(*args, **kwargs)
            except AddressRefused as exc:
                refusal = _address_refused(request, exc.host)
                if refusal is None:
                    raise
                raise refusal from None

        session.request = checked_request  # type: ignore[method-assign]
        return session

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        if provider and provider != PROVIDER and not provider.startswith(PROVIDER_PREFIX):
            return []
        return [social_app_for(c) for c in _configurations(provider, client_id)]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        config = _config_of(sociallogin)
        if config is None:
            raise _refuse(request, _("Single sign-on is not set up for this organisation."))
        organisation = config.organisation
        email = _verified_email(sociallogin)
        if not email:
            raise _refuse(
                request,
                _(
                    "Your identity provider did not confirm your e-mail address, so "
                    "peerassist cannot tell who you are. Ask your IT team to send a verified "
                    "e-mail address."
                ),
                organisation=organisation,
                reason="e-mail address not verified",
            )
        if email_domain(email) not in config.domain_list:
            raise _refuse(
                request,
                _(
                    "%(email)s is not an address of %(org)s, so it cannot sign in through "
                    "%(org)s's single sign-on. Sign in with your own organisation's account."
                )
                % {"email": email, "org": organisation.name},
                organisation=organisation,
                email=email,
                reason="another domain",
            )
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None:
            user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return  # a new person: just-in-time membership in save_user
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            raise _refuse(
                request,
                _(
                    "The account %(email)s belongs to another organisation; it cannot be "
                    "linked to %(org)s's single sign-on."
                )
                % {"email": email, "org": organisation.name},
                organisation=organisation,
                email=email,
                reason="account of another organisation",
            )
        if membership.deactivated_at is not None or not user.is_active:
            raise _refuse(
                request,
                _("Your access to %(org)s was turned off by its administrators.")
                % {"org": organisation.name},
                organisation=organisation,
                email=email,
                reason="deactivated",
            )
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # pre_social_login has already refused everyone who may not come in.
        return _config_of(sociallogin) is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return bool(_verified_email(sociallogin))

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        config = _config_of(sociallogin)
        if config is None:  # pre_social_login refused already; never reached
            raise _refuse(request, _("Single sign-on is not set up for this organisation."))
        with transaction.atomic():
            user: User = super().save_user(request, sociallogin, form)
            sso_member_join(user=user, configuration=config)
        return user


def sso_member_join(*, user: User, configuration: SsoConfiguration) -> Membership:
    """Just-in-time membership: the new user joins with the default role and is linked to their
    directory entry (an unlinked one of the organisation with the same address)."""
    from peerassist.audit.models import Kind
    from peerassist.audit.services import audit_record
    from peerassist.people.models import Person

    organisation: Organisation = configuration.organisation
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": configuration.default_role}
    )
    person = Person.objects.filter(
        organisation=organisation, email__iexact=user.email, user__isnull=True
    ).first()
    if person is not None:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    audit_record(
        kind=Kind.MEMBER_INVITED,
        organisations=organisation,
        actor=user,
        target=user.email,
        detail={"role": membership.role, "via": "single sign-on"},
    )
    return membership
