"""Webhook pages: administrators register URLs, read the delivery log and send a test."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerassist.core.access import ViewerRequest
from peerassist.core.scoping import Viewer
from peerassist.webhooks import selectors, services
from peerassist.webhooks.forms import WebhookForm
from peerassist.webhooks.models import DeliveryStatus, Webhook

PAGE_SIZE = 25
#: The session key that carries a new secret to the next page, which shows it once.
_NEW_SECRET = "webhook_new_secret"  # noqa: S105 - a session key, not a secret


def _show_secret_once(request: ViewerRequest, webhook: Webhook) -> None:
    request.session[_NEW_SECRET] = {"webhook": webhook.pk, "secret": webhook.secret}


def _webhook(request: ViewerRequest, webhook_id: int) -> tuple[Viewer, Webhook]:
    viewer = selectors.require_admin(request.viewer)
    try:
        return viewer, selectors.webhook_get(viewer=viewer, webhook_id=webhook_id)
    except Webhook.DoesNotExist:
        raise Http404(_("No such webhook in your organisation.")) from None


def _apply_errors(form: WebhookForm, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def webhook_list(request: ViewerRequest) -> HttpResponse:
    viewer = selectors.require_admin(request.viewer)
    form = WebhookForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, _("Webhook added. Use its secret to check the signature of deliveries.")
            )
            _show_secret_once(request, webhook)
            return redirect("webhooks:detail", webhook.pk)
    context = {"webhooks": selectors.webhook_list(viewer=viewer), "form": form}
    return render(
        request, "webhooks/webhook_list.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def webhook_detail(request: ViewerRequest, webhook_id: int) -> HttpResponse:
    viewer, webhook = _webhook(request, webhook_id)
    initial = {"url": webhook.url, "events": webhook.events, "active": webhook.active}
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(viewer=viewer, webhook=webhook, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("webhooks:detail", webhook.pk)
    deliveries = selectors.delivery_list(viewer=viewer, webhook=webhook)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    has_pending = deliveries.filter(status=DeliveryStatus.PENDING).exists()
    context = {"webhook": webhook, "form": form, "page": page, "has_pending": has_pending}
    if request.htmx and request.GET.get("part") == "log":
        return render(request, "webhooks/_deliveries.html", context)
    new = request.session.get(_NEW_SECRET)
    if new and new.get("webhook") == webhook.pk:
        del request.session[_NEW_SECRET]  # shown on this page, and never again
        context["new_secret"] = new["secret"]
    return render(
        request, "webhooks/webhook_detail.html", context, status=400 if form.errors else 200
    )


@require_POST
def webhook_test(request: ViewerRequest, webhook_id: int) -> HttpResponse:
    viewer, webhook = _webhook(request, webhook_id)
    services.webhook_test(viewer=viewer, webhook=webhook)
    messages.success(request, _("Test delivery queued. Its result appears in the log below."))
    return redirect("webhooks:detail", webhook.pk)


@require_POST
def webhook_rotate_secret(request: ViewerRequest, webhook_id: int) -> HttpResponse:
    viewer, webhook = _webhook(request, webhook_id)
    services.webhook_rotate_secret(viewer=viewer, webhook=webhook)
    _show_secret_once(request, webhook)
    messages.success(
        request, _("New secret made. Update your receiver: the old one no longer works.")
    )
    return redirect("webhooks:detail", webhook.pk)


@require_POST
def webhook_delete(request: ViewerRequest, webhook_id: int) -> HttpResponse:
    viewer, webhook = _webhook(request, webhook_id)
    services.webhook_delete(viewer=viewer, webhook=webhook)
    messages.success(request, _("Webhook removed."))
    return redirect("webhooks:list")
