"""Error pages in the site's layout: what went wrong in plain words, and a way on.

Wired in peerassist/urls.py (handler403/404/500), settings.CSRF_FAILURE_VIEW and
`ErrorPageMiddleware` (the empty 405 that `require_POST` and friends answer). The reason a
view gave (`PermissionDenied("…")`, `Http404("…")`) is shown when it was written for people,
that is when it is a translated message and not Django's own technical text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext


def _reason(exception: Exception | None) -> str:
    """The message a view raised, if it is one meant for people (not a resolver dump)."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str) or not message or len(message) > 300:
        return ""
    # Django's resolver raises Http404 with a dict ("path", "tried"); string messages
    # it writes itself name internals, e.g. "No PeerAssist matches the given query."
    if message.startswith("No ") and message.endswith("matches the given query."):
        return ""
    return message


def _render(request: HttpRequest, template: str, status: int, reason: str = "") -> HttpResponse:
    context = {"reason": reason, "status": status, "request_path": request.path}
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:
        body = loader.render_to_string("core/error_plain.html", context)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    viewer = getattr(request, "viewer", None)
    if viewer is not None and viewer.role == "guest":
        # A guest's link opens only their assist; every other page does not exist for them
        # (README, "Invitations"), so the answer must not say it exists but is refused.
        return _render(request, "404.html", 404)
    return _render(request, "403.html", 403, _reason(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404, _reason(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    # In the layout when that still works; without the request (no context processors and
    # their database reads) when it does not, since the database may be what failed.
    context = {"status": 500, "request_path": request.path}
    for render_request in (request, None):
        try:
            body = loader.render_to_string("500.html", context, request=render_request)
        except Exception:  # noqa: S112 — an error page must never fail in turn
            continue
        return HttpResponse(body, status=500)
    return HttpResponse(loader.render_to_string("core/error_plain.html", context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(request, "403_csrf.html", 403)


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    return _render(request, "405.html", 405)


class ErrorPageMiddleware:
    """Gives the empty 405 answers of `require_POST`/`require_GET` a page in the layout.

    Only for browsers asking for HTML: the API, health checks and htmx requests keep their
    answers, as code reads them. The Allow header of the original answer is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
            and not request.headers.get("HX-Request")
            and "text/html" in request.headers.get("Accept", "")
        ):
            page = method_not_allowed(request)
            if "Allow" in response:
                page["Allow"] = response["Allow"]
            return page
        return response


class RefuseNulMiddleware:
    """A NUL character (%00) in the address's query is refused with a 400 before any view
    reads it: no field takes one, and PostgreSQL fails on it in a query (a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            reason = gettext("The address holds a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason, "code": "nul_character"}, status=400)
            return _render(request, "400.html", 400, reason)
        return self.get_response(request)
