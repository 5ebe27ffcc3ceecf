"""Attach the requesting `Viewer`, enforce an organisation's two-factor policy, turn a rule's
refusal on a page into a message, and keep private pages out of shared caches."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from peerassist.accounts.selectors import two_factor_missing, viewer_for_user
from peerassist.core.access import ViewerRequest
from peerassist.core.findings import RuleViolation
from peerassist.core.languages import is_supported
from peerassist.core.scoping import Viewer
from peerassist.core.when import is_time_zone

SESSION_ORG_KEY = "organisation_id"


def _viewer(request: HttpRequest) -> Viewer | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return viewer_for_user(user=user, organisation_id=request.session.get(SESSION_ORG_KEY))


class OrganisationMiddleware:
    """Sets `request.viewer`: the user, their current organisation and role (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cast(ViewerRequest, request).viewer = _viewer(request)
        return self.get_response(request)


#: Set by core/app.js from the browser (Intl), so that a first visit already shows local times.
BROWSER_ZONE_COOKIE = "peerassist_tz"


def viewer_time_zone(request: HttpRequest) -> tuple[str, str]:
    """The zone to show this request's times in, and where it comes from: the account's saved
    preference ("account"), else the browser's zone ("browser"), else the site's ("site")."""
    user = request.user
    saved = getattr(user, "time_zone", "") if user.is_authenticated else ""
    if saved and is_time_zone(saved):
        return saved, "account"
    browser = request.COOKIES.get(BROWSER_ZONE_COOKIE, "")
    if browser and len(browser) <= 64 and is_time_zone(browser):
        return browser, "browser"
    return settings.TIME_ZONE, "site"


class TimeZoneMiddleware:
    """Activates the viewer's time zone (see `viewer_time_zone`) for the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name, source = viewer_time_zone(request)
        request.time_zone_source = source  # type: ignore[attr-defined]
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the browser and over a language cookie
    (which may be stale, from another device); without a saved one LocaleMiddleware's choice
    (cookie, then Accept-Language) stands. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        saved = getattr(user, "language", "") if user.is_authenticated else ""
        if saved and is_supported(saved):
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        return self.get_response(request)


TWO_FACTOR_REASON = gettext_lazy(
    "Your organisation requires two-factor authentication: turn on an authenticator app "
    "under Your account (/account/) before using peerassist."
)

# Paths a member without an authenticator may still reach: setting one up, signing out.
_TWO_FACTOR_EXEMPT = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/")


class RequireTwoFactorMiddleware:
    """Sends members of organisations that require 2FA to set up TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(_TWO_FACTOR_EXEMPT):
            viewer = cast(ViewerRequest, request).viewer
            if viewer is not None and two_factor_missing(
                user=request.user,
                organisation=viewer.organisation,
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": TWO_FACTOR_REASON}, status=403)
                return redirect("two_factor_required")
        return self.get_response(request)


class RefusalAsMessageMiddleware:
    """A service's refusal (RuleViolation, ValidationError) that a page view did not handle is
    shown as a message on the page the person came from, never as a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API answers refusals as JSON itself
        if isinstance(exception, RuleViolation):
            texts = [finding.message for finding in exception.findings] or [str(exception)]
        elif isinstance(exception, ValidationError):
            texts = exception.messages
        else:
            return None
        for text in texts:
            messages.error(request, text)
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        target = back if back and safe else resolve_url(settings.LOGIN_REDIRECT_URL)
        if getattr(request, "htmx", False):
            # htmx would swap the whole page into a fragment: reload the page instead.
            return HttpResponse(status=200, headers={"HX-Redirect": target})
        response = redirect(target)
        response.status_code = 303  # see the page again with GET, whatever the method was
        return response


class PrivateCacheMiddleware:
    """Every answer Django makes (pages, API, files of an assist) is `Cache-Control: private,
    no-store` unless its view chose otherwise: they carry organisation data or a CSRF token,
    and no browser history, disk cache or shared proxy should keep them. Static files are
    served by WhiteNoise before this middleware and keep their long-lived caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
