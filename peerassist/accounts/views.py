from typing import cast

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from peerassist.accounts import selectors, services
from peerassist.accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    OrganisationSettingsForm,
    SsoConfigurationForm,
    TimeZoneForm,
)
from peerassist.accounts.models import Role, SsoConfiguration
from peerassist.accounts.sso import (
    PROVIDER_ATTRIBUTE,
    email_domain,
    password_refused_for,
    sso_configuration_for_email,
    sso_issuer_origins,
)
from peerassist.core.access import SignedInRequest
from peerassist.core.languages import is_supported
from peerassist.core.scoping import require_member


def profile(request: SignedInRequest) -> HttpResponse:
    viewer = request.viewer
    new_token = None
    form = ApiTokenForm()
    if request.method == "POST":
        viewer = require_member(viewer)
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            issued = services.api_token_create(
                user=request.user, organisation=viewer.organisation, name=form.cleaned_data["name"]
            )
            new_token = issued.raw
            form = ApiTokenForm()
    from allauth.mfa.models import Authenticator

    context = {
        "form": form,
        "time_zone_form": TimeZoneForm(initial={"time_zone": timezone.get_current_timezone_name()}),
        "language_form": LanguageForm(initial={"language": request.user.language}),
        "new_token": new_token,
        "tokens": selectors.api_token_list_for_user(user=request.user),
        "memberships": selectors.membership_list_for_user(user=request.user),
        "has_totp": Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists(),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def time_zone_save(request: SignedInRequest) -> HttpResponse:
    """Saves the signed-in person's time zone (from the account page or the home page's offer
    to keep the browser's zone), then goes back where they came from."""
    form = TimeZoneForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("accounts:profile")
    if not form.is_valid():
        reasons = form.errors.get("time_zone") or [_("Choose a time zone.")]
        messages.error(request, " ".join(str(reason) for reason in reasons))
        return redirect(back or "accounts:profile")
    zone = form.cleaned_data["time_zone"]
    services.user_time_zone_set(user=request.user, time_zone=zone)
    messages.success(
        request,
        _("Times are now shown in %(zone)s.") % {"zone": zone.replace("_", " ")},
    )
    return redirect(back or "accounts:profile")


@require_POST
def language_save(request: SignedInRequest) -> HttpResponse:
    """Saves the signed-in person's language (empty: as the browser says) from the account
    page; the page is then shown in it."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        reasons = form.errors.get("language") or [_("Choose one of the languages offered.")]
        messages.error(request, " ".join(str(reason) for reason in reasons))
        return redirect("accounts:profile")
    language = form.cleaned_data["language"]
    services.user_language_set(user=request.user, language=language)
    response = redirect("accounts:profile")
    if language:
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language)
        messages.success(request, _("Your pages and e-mails are now in this language."))
    else:
        # A cookie left by the picker would otherwise keep the old choice on this device.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        messages.success(request, _("Your pages now follow your browser's language."))
    return response


@login_not_required
def language_choose(request: HttpRequest) -> HttpResponse:
    """The footer's language picker: Django's set_language (a cookie for this browser) and, for
    a signed-in person, their saved preference too, so other devices and e-mails follow."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    # Saved only when Django accepted it (a redirect, the cookie set): never a refused value.
    if request.user.is_authenticated and is_supported(language) and response.status_code == 302:
        services.user_language_set(user=cast(SignedInRequest, request).user, language=language)
    return response


def organisation_settings(request: SignedInRequest) -> HttpResponse:
    viewer = request.viewer
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied(
            _("Only administrators of this organisation can change its settings.")
        )
    organisation = viewer.organisation
    if request.method == "POST":
        form = OrganisationSettingsForm(request.POST)
        if form.is_valid():
            services.organisation_update(viewer=viewer, **form.cleaned_data)
            messages.success(request, _("The organisation's settings were saved."))
            return redirect("accounts:organisation")
    else:
        form = OrganisationSettingsForm(
            initial={
                "name": organisation.name,
                "require_two_factor": organisation.require_two_factor,
            }
        )
    return render(request, "accounts/organisation.html", {"form": form})


@require_POST
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token was revoked; programs using it are now refused."))
    else:
        messages.error(request, _("There is no such token to revoke."))
    return redirect("accounts:profile")


def sso_settings(request: SignedInRequest) -> HttpResponse:
    """The organisation's single sign-on (OpenID Connect), for its administrators only."""
    viewer = request.viewer
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied(
            _("Only administrators of this organisation can set up single sign-on.")
        )
    config = selectors.sso_configuration_for_organisation(organisation=viewer.organisation)
    if request.method == "POST":
        form = SsoConfigurationForm(request.POST)
        if form.is_valid():
            try:
                services.sso_configuration_save(viewer=viewer, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Single sign-on settings were saved."))
                return redirect("accounts:sso")
    elif config is not None:
        form = SsoConfigurationForm(
            initial={
                "enabled": config.enabled,
                "issuer_url": config.issuer_url,
                "client_id": config.client_id,
                "domains": "\n".join(config.domain_list),
                "sso_only": config.sso_only,
                "default_role": config.default_role,
            }
        )
    else:
        form = SsoConfigurationForm(initial={"default_role": Role.MEMBER})
    provider_id = config.provider_id if config else f"sso-{viewer.organisation.slug}"
    callback_url = request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
    )
    context = {
        "form": form,
        "config": config,
        "secret_hint": services.sso_secret_hint(config.client_secret) if config else "",
        "callback_url": callback_url,
    }
    return render(request, "accounts/sso.html", context)


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    """allauth's sign-in page, which sends addresses of a single sign-on domain to their
    organisation's identity provider (always when the organisation allows nothing else)."""
    from allauth.account.views import login as allauth_login

    if request.method == "POST":
        email = str(request.POST.get("login", "")).strip()
        wants_sso = "sso" in request.POST
        config = sso_configuration_for_email(email) if email else None
        if config is not None and (wants_sso or password_refused_for(email)):
            return _to_identity_provider(request, config, email)
        if wants_sso:
            messages.error(
                request,
                _("Single sign-on is not set up for %(domain)s: sign in with your password.")
                % {"domain": email_domain(email) or _("this address")},
            )
            return redirect(request.get_full_path())
    response: HttpResponse = allauth_login(request)
    origins = sso_issuer_origins()
    if origins:
        # The form's answer may redirect to an identity provider: CSP form-action covers
        # redirects after a form is sent, so the providers' origins are allowed here only.
        policy = dict(settings.SECURE_CSP)
        policy["form-action"] = [*cast(list[str], policy.get("form-action", [])), *origins]
        response._csp_config = policy  # type: ignore[attr-defined]
    return response


def _to_identity_provider(
    request: HttpRequest, config: SsoConfiguration, email: str
) -> HttpResponse:
    from allauth.account.utils import get_next_redirect_url
    from allauth.socialaccount.adapter import get_adapter

    provider = get_adapter(request).get_provider(request, config.provider_id)
    # Names the organisation should its provider's address be refused (sso.get_requests_session).
    setattr(request, PROVIDER_ATTRIBUTE, config.provider_id)
    try:
        return provider.redirect(  # type: ignore[no-any-return]
            request,
            process="login",
            next_url=get_next_redirect_url(request),
            auth_params={"login_hint": email},
        )
    except (requests.RequestException, ValueError, KeyError):
        messages.error(
            request,
            _(
                "%(org)s's identity provider cannot be reached right now. Try again in a "
                "moment, or tell your administrator."
            )
            % {"org": config.organisation.name},
        )
        return redirect(request.get_full_path())
