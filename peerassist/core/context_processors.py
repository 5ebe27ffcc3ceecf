from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, object]:
    """The viewer (user, organisation, role) for every template, and whether sign-up is open."""
    return {"viewer": getattr(request, "viewer", None), "signup_open": settings.ALLOW_SIGNUP}
