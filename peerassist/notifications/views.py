"""Notification pages: the viewer's own list, marking read, and how they want email."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.core.access import ViewerRequest
from peerassist.core.scoping import Viewer
from peerassist.notifications import selectors, services
from peerassist.notifications.forms import PreferenceForm
from peerassist.notifications.models import Notification

PAGE_SIZE = 30


def _viewer(request: ViewerRequest) -> Viewer:
    viewer = request.viewer
    if viewer is None:
        raise PermissionDenied(_("Join an organisation to receive notifications."))
    return viewer


def _notification(viewer: Viewer, notification_id: int) -> Notification:
    try:
        return selectors.notification_get(viewer=viewer, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404(_("No such notification.")) from None


@require_GET
def notification_list(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    unread_only = request.GET.get("show") == "unread"
    notifications = selectors.notification_list(viewer=viewer, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": selectors.unread_count(viewer=viewer),
    }
    return render(request, "notifications/list.html", context)


@require_GET
def open_notification(request: ViewerRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    viewer = _viewer(request)
    notification = _notification(viewer, notification_id)
    services.notification_mark_read(viewer=viewer, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@require_POST
def mark_read(request: ViewerRequest, notification_id: int) -> HttpResponse:
    viewer = _viewer(request)
    notification = _notification(viewer, notification_id)
    services.notification_mark_read(viewer=viewer, notification=notification)
    if request.htmx:
        context = {
            "notification": notification,
            "oob_count": selectors.unread_count(viewer=viewer),
        }
        return render(request, "notifications/_item.html", context)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    changed = services.notifications_mark_all_read(viewer=viewer)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", changed
        )
        % {"count": changed},
    )
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = PreferenceForm(
        request.POST or None, initial={"delivery": selectors.delivery_get(viewer=viewer)}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(viewer=viewer, delivery=form.cleaned_data["delivery"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
