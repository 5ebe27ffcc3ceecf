"""API authentication: personal tokens (Bearer) or the browser session."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from peerassist.accounts.models import Membership
from peerassist.accounts.selectors import two_factor_missing
from peerassist.accounts.services import api_token_authenticate
from peerassist.core.scoping import Viewer


class ApiRequest(HttpRequest):
    """A request ninja has authenticated (every endpoint but the public ones): `auth` is the
    viewer that TokenAuth or ViewerSessionAuth returned. For typing only."""

    auth: Viewer


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token (profile page or `peerassist token create`)."

    def authenticate(self, request: HttpRequest, token: str) -> Viewer | None:
        found = api_token_authenticate(raw=token)
        if found is None:
            return None
        role = (
            Membership.objects.filter(
                user=found.user, organisation=found.organisation, deactivated_at__isnull=True
            )
            .values_list("role", flat=True)
            .first()
        )
        if role is None:  # left the organisation (or was deactivated) since the token was issued
            return None
        if two_factor_missing(user=found.user, organisation=found.organisation):
            # Tokens issued before the requirement too: refused (not unknown) until TOTP is on.
            from peerassist.core.middleware import TWO_FACTOR_REASON

            raise PermissionDenied(TWO_FACTOR_REASON)
        viewer = Viewer(user=found.user, organisation=found.organisation, role=role)
        request.user = found.user
        request.viewer = viewer  # type: ignore[attr-defined]
        return viewer


class ViewerSessionAuth(SessionAuth):
    """The signed-in browser session (CSRF-checked for writes), for the docs page."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF protects a session; a request without one has nothing to forge and gets 401.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Viewer | None:
        if super().authenticate(request, key) is None:
            return None
        return request.viewer  # type: ignore[attr-defined,no-any-return]
