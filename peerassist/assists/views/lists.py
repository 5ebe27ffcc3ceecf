"""The lists: assists, starting one, shared plans and asking to join one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists import forms, page_data, selectors, services
from peerassist.assists.views._common import _assist
from peerassist.core.access import ViewerRequest
from peerassist.core.forms import add_validation_error
from peerassist.core.scoping import require_member


@require_GET
def assist_list(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    form = forms.StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = page_data.assist_rows(viewer=viewer, status=status)
    context = {
        "form": form,
        "status": status,
        "mine": [a for a in rows if getattr(a, "my_role", None)],
        "others": [a for a in rows if not getattr(a, "my_role", None)],
    }
    return render(request, "assists/assist_list.html", context)


@require_http_methods(["GET", "POST"])
def assist_create(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    formats = selectors.format_list(viewer=viewer)
    form = forms.AssistCreateForm(request.POST or None, formats=formats)
    if request.method == "POST" and form.is_valid():
        try:
            assist = services.assist_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Your draft Peer Assist is ready. Next: write the challenge brief.")
            )
            return redirect("assists:overview", assist.pk)
    status = 400 if form.is_bound else 200
    return render(request, "assists/assist_create.html", {"form": form}, status=status)


@require_GET
def shared_plans(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    plans = page_data.shared_plans(viewer=viewer)
    return render(
        request,
        "assists/shared_plans.html",
        {"plans": plans, "form": forms.JoinRequestForm()},
    )


@require_POST
def join_request_create(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id)
    form = forms.JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you join as a visiting peer or an observer."))
        return redirect("assists:shared")
    try:
        services.join_request_create(viewer=viewer, assist=assist, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You asked to join “%(title)s”. The home team will answer.") % {"title": assist},
        )
    return redirect("assists:shared")
