from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def organisation(request: HttpRequest) -> dict[str, object]:
    """The viewer (user, organisation, role) for every template, and whether sign-up is open."""
    return {"viewer": getattr(request, "viewer", None), "signup_open": settings.ALLOW_SIGNUP}


def time_zone(request: HttpRequest) -> dict[str, object]:
    """The zone this page's times are in, and whether it is saved, the browser's or the site's."""
    return {
        "time_zone_name": timezone.get_current_timezone_name(),
        "time_zone_label": timezone.get_current_timezone_name().replace("_", " "),
        "time_zone_source": getattr(request, "time_zone_source", "site"),
    }
