from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """How many unread notifications the signed-in viewer has, for the navigation."""
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        return {}
    from peerassist.notifications.selectors import unread_count

    # Lazy: pages that never show the navigation do not pay the query.
    return {"unread_notifications": lambda: unread_count(viewer=viewer)}
