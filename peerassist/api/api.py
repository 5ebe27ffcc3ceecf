"""The REST API under /api/v1/: one router per app, OpenAPI at /api/v1/openapi.json."""

import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.parser import Parser

from peerassist.api import topics  # noqa: F401 (its endpoints are on communities' router)
from peerassist.api.assists import router as assists_router
from peerassist.api.auth import TokenAuth, ViewerSessionAuth
from peerassist.api.communities import router as communities_router
from peerassist.api.exports import router as exports_router
from peerassist.api.invitations import router as invitations_router
from peerassist.api.live import router as live_router
from peerassist.api.members import router as members_router
from peerassist.api.notifications import router as notifications_router
from peerassist.api.openapi import document_errors
from peerassist.api.people import router as people_router
from peerassist.api.search import router as search_router
from peerassist.api.sso import router as sso_router
from peerassist.api.webhooks import router as webhooks_router
from peerassist.api.writeups import router as writeups_router
from peerassist.core.findings import RuleViolation

logger = logging.getLogger("peerassist.api")


class BodyRefused(ValueError):
    """A body this API does not take; its message is the reason the client is given (ninja
    would otherwise answer only "Cannot parse request body"). 400: not a JSON object; 422:
    a value refused, as the schema's own refusals are."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object; anything else is a 400.

    Without this, ninja reads the fields of a list or a string as attributes (`"abc".title`)
    and a body such as `[null]` passes as "no fields sent".
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyRefused(_("The request body must be a JSON object."))
        if _holds_nul(data):
            # PostgreSQL cannot store it (a 500 there); on SQLite it would be stored and
            # break the exports. The HTML forms refuse it the same way (Django's CharField).
            raise BodyRefused(_("Text may not contain the NUL character (\\u0000)."), status=422)
        return data


def _holds_nul(value: object) -> bool:
    """Whether a parsed JSON value has the NUL character in any key or string."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class PeerassistAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        document_errors(schema)
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        """`<module>_<function>` as before, with the module an endpoint had before its module
        became a package (`peerassist.api.assists.people` counts as `peerassist.api.assists`):
        clients generated from the document keep their method names."""
        module = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = PeerassistAPI(
    title="peerassist API",
    version="1",
    description=(
        "Every request acts for one person in one organisation: the owner of the token "
        "(header `Authorization: Bearer pa_…`) or the signed-in browser session. "
        "Results never include another organisation's data."
    ),
    auth=[TokenAuth(), ViewerSessionAuth()],
    urls_namespace="api",
    parser=ObjectBodyParser(),
    docs_url="/docs",
)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 says how to authenticate (RFC 6750), and whether the token sent was refused."""
    response = api.create_response(request, {"detail": _("Unauthorized")}, status=401)
    sent_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"' if sent_token else "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """As ninja answers, with the parser's reason and status when it refused the body."""
    cause = exc.__cause__
    if not isinstance(cause, BodyRefused):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
    if cause.status == 422:
        detail: object = [{"loc": _loc(None), "msg": str(cause)}]
    else:
        detail = str(cause)
    return api.create_response(request, {"detail": detail}, status=cause.status)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug is still a JSON answer for API clients; it is logged and signalled as Django does."""
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return api.create_response(
        request,
        {"detail": _("Something went wrong on our side; it has been logged.")},
        status=500,
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or _("You may not do this.")}, status=403
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


def _loc(field: str | None) -> list[str]:
    if field is None or field == NON_FIELD_ERRORS:
        return ["body", "payload"]
    return ["body", "payload", field]


@api.exception_handler(RuleViolation)
def rule_violation(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
    """A method rule said no: one entry per error, with the rule's own message and code."""
    errors = [
        {"loc": _loc(finding.field), "msg": finding.message, "code": finding.code}
        for finding in exc.findings
    ]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused a value: one entry per field, like ninja's own 422."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": _loc(name), "msg": " ".join(messages)}
            for name, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"loc": _loc(None), "msg": " ".join(exc.messages)}]
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("/", people_router)
api.add_router("/", members_router)
api.add_router("/", assists_router)
api.add_router("/", live_router)
api.add_router("/", writeups_router)
api.add_router("/", exports_router)
api.add_router("/", search_router)
api.add_router("/", communities_router)
api.add_router("/", invitations_router)
api.add_router("/", notifications_router)
api.add_router("/", webhooks_router)
api.add_router("/", sso_router)


def unknown_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """Under /api/v1/ even a wrong address gets a JSON answer, with the likely fix."""
    detail = _("No such API endpoint; see /api/v1/docs.")
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "unknown_endpoint":
            detail = _("No such API endpoint; did you mean %(path)s/ ?") % {"path": request.path}
    return JsonResponse({"detail": detail}, status=404)


def _urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    # Last, so that it only catches what no operation matched (and APPEND_SLASH's redirect,
    # which would drop a POST body, never applies to the API).
    patterns = [*patterns, re_path(r"^(?P<rest>.*)$", unknown_endpoint, name="unknown_endpoint")]
    # The API answers 401 itself; the site-wide redirect to the login page must not apply.
    # (ninja's operations are all URLPatterns: a URLResolver has no view to mark.)
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


api_urls = _urls()
