"""The REST API under /api/v1/: one router per app, OpenAPI at /api/v1/openapi.json."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from peerassist.api.auth import TokenAuth, ViewerSessionAuth
from peerassist.api.people import router as people_router

api = NinjaAPI(
    title="peerassist API",
    version="1",
    description=(
        "Every request acts for one person in one organisation: the owner of the token "
        "(header `Authorization: Bearer pa_…`) or the signed-in browser session. "
        "Results never include another organisation's data."
    ),
    auth=[TokenAuth(), ViewerSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


api.add_router("/", people_router)


def _urls():
    patterns, app_name, namespace = api.urls
    # The API answers 401 itself; the site-wide redirect to the login page must not apply.
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


api_urls = _urls()
