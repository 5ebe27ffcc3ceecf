"""Attach the requesting `Viewer` and enforce an organisation's two-factor policy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from peerassist.accounts.selectors import viewer_for_user
from peerassist.core.scoping import Viewer

SESSION_ORG_KEY = "organisation_id"


def _viewer(request: HttpRequest) -> Viewer | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return viewer_for_user(user=user, organisation_id=request.session.get(SESSION_ORG_KEY))  # type: ignore[arg-type]


class OrganisationMiddleware:
    """Sets `request.viewer`: the user, their current organisation and role (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = _viewer(request)  # type: ignore[attr-defined]
        return self.get_response(request)


# Paths a member without an authenticator may still reach: setting one up, signing out.
_TWO_FACTOR_EXEMPT = ("/accounts/", "/static/", "/healthz", "/i18n/")


class RequireTwoFactorMiddleware:
    """Sends members of organisations that require 2FA to set up TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(_TWO_FACTOR_EXEMPT):
            viewer = request.viewer  # type: ignore[attr-defined]
            if viewer is not None and viewer.organisation.require_two_factor:
                from allauth.mfa.models import Authenticator

                has_totp = Authenticator.objects.filter(
                    user=request.user, type=Authenticator.Type.TOTP
                ).exists()
                if not has_totp:
                    return redirect("two_factor_required")
        return self.get_response(request)
