from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, object]:
    """The viewer (user, organisation, role) for every template."""
    return {"viewer": getattr(request, "viewer", None)}
