"""One assist's pages: overview, status moves, brief (with attachments and print), agenda,
logistics, and deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists import forms, page_data, rules, selectors, services
from peerassist.assists.models import PeerAssist
from peerassist.assists.views._common import _agenda_hours, _assist
from peerassist.core.access import ViewerRequest, assist_rights
from peerassist.core.findings import Finding, RuleViolation
from peerassist.core.forms import add_findings, add_validation_error
from peerassist.core.scoping import Viewer


def _overview(
    request: ViewerRequest, viewer: Viewer, assist: PeerAssist, refusal: list[Finding] | None = None
) -> HttpResponse:
    context = {
        "assist": assist,
        "data": page_data.overview(viewer=viewer, assist=assist),
        "refusal": refusal or [],
        "words_per_page": rules.WORDS_PER_PAGE,
        "tab": "overview",
    }
    return render(request, "assists/overview.html", context, status=400 if refusal else 200)


@require_GET
def overview(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id)
    return _overview(request, viewer, assist)


@require_POST
def transition(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    target = request.POST.get("target", "")
    try:
        assist, _findings = services.assist_transition(viewer=viewer, assist=assist, target=target)
    except RuleViolation as violation:
        if request.POST.get("from") == "room":
            for finding in violation.findings:
                messages.error(request, finding.message)
            return redirect("live:room", assist.pk)
        return _overview(request, viewer, assist, violation.findings)
    messages.success(
        request, _("The Peer Assist is now %(status)s.") % {"status": assist.get_status_display()}
    )
    if target == "invited" and not selectors.invitations_sent_count(assist=assist):
        messages.warning(
            request,
            _(
                "No invitations have gone out: nobody has the brief or the date yet. "
                "Send them from the Invitations page."
            ),
        )
    if request.POST.get("from") == "room":
        return redirect("live:room", assist.pk)
    return redirect("assists:overview", assist.pk)


@require_http_methods(["GET", "POST"])
def brief(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    form = (
        forms.BriefForm(request.POST)
        if request.method == "POST"
        else forms.BriefForm.for_assist(assist)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assist_update(viewer=viewer, assist=assist, changes=form.changes())
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The brief is saved."))
            return redirect("assists:brief", assist.pk)
    review = selectors.plan_review(assist=assist)
    context = {
        "assist": assist,
        "form": form,
        "review": review,
        "findings": page_data.grouped(review.findings, page_data.PAGE_FIELDS["brief"]),
        "words_per_page": rules.WORDS_PER_PAGE,
        "attachments": assist.attachments.all(),
        "tab": "brief",
    }
    return render(request, "assists/brief.html", context, status=400 if form.errors else 200)


@require_POST
def attachment_add(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect("assists:brief", assist.pk)
    try:
        attachment = services.attachment_add(viewer=viewer, assist=assist, upload=upload)
    except (ValidationError, RuleViolation) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s is attached to the brief.") % {"name": attachment.name}
        )
    return redirect("assists:brief", assist.pk)


@require_GET
def attachment_download(request: ViewerRequest, assist_id: int, attachment_id: int) -> FileResponse:
    """Files are never served straight from disk: only those who may see the assist get them."""
    _viewer, assist = _assist(request, assist_id)
    attachment = assist.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("There is no such attachment."))
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def attachment_remove(request: ViewerRequest, assist_id: int, attachment_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    try:
        services.attachment_remove(viewer=viewer, assist=assist, attachment_id=attachment_id)
    except (ValidationError, RuleViolation) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
    else:
        messages.success(request, _("The attachment is removed."))
    return redirect("assists:brief", assist.pk)


@require_GET
def brief_print(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id)
    people = page_data.by_role(list(selectors.participation_list(assist=assist)))
    context = {
        "assist": assist,
        "roles": {group.role: group.people for group in people},
        "starts_local": page_data.local(assist, assist.starts_at),
        "ends_local": page_data.local(assist, assist.ends_at),
        "can_edit": assist_rights(viewer=viewer, assist=assist).edit_plan,
    }
    return render(request, "assists/brief_print.html", context)


@require_http_methods(["GET", "POST"])
def agenda(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    steps = page_data.agenda_steps(assist=assist)
    form = forms.AgendaForm(request.POST or None, steps=steps)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_set_durations(viewer=viewer, assist=assist, durations=form.durations())
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The agenda is saved."))
            return redirect("assists:agenda", assist.pk)
    review = selectors.plan_review(assist=assist)
    context = {
        "assist": assist,
        "form": form,
        "review": review,
        "findings": page_data.grouped(review.findings, page_data.PAGE_FIELDS["agenda"]),
        "agenda_hours_label": _agenda_hours(review.agenda_minutes),
        "steps": steps,
        "kind_headers": page_data.kind_table_headers(),
        "tab": "agenda",
    }
    return render(request, "assists/agenda.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def logistics(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    languages = page_data.language_choices(viewer=viewer, assist=assist)
    if request.method == "POST":
        form = forms.LogisticsForm(
            request.POST, languages=languages, stored_send_on=assist.brief_send_on
        )
    else:
        form = forms.LogisticsForm.for_assist(assist, languages=languages)
    if request.method == "POST" and form.is_valid():
        try:
            services.assist_update(viewer=viewer, assist=assist, changes=form.cleaned_data)
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The date, place and visibility are saved."))
            return redirect("assists:logistics", assist.pk)
    review = selectors.plan_review(assist=assist)
    context = {
        "assist": assist,
        "form": form,
        "findings": page_data.grouped(review.findings, page_data.PAGE_FIELDS["logistics"]),
        "tab": "logistics",
    }
    return render(request, "assists/logistics.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def assist_delete(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """Delete a draft or planned assist: a confirmation page, then a POST (organisers and
    administrators only; everyone else is refused with the reason)."""
    viewer, assist = _assist(request, assist_id)
    refusal = rules.can_delete(status=assist.status, manages_people=viewer.can_manage_people)
    if refusal:
        raise PermissionDenied(refusal[0].message)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm the deletion."))
            return redirect("assists:delete", assist.pk)
        title = assist.title
        try:
            services.assist_delete(viewer=viewer, assist=assist)
        except RuleViolation as violation:
            raise PermissionDenied(violation.findings[0].message) from None
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("assists:list")
    context = {
        "assist": assist,
        "people": selectors.participation_list(assist=assist).count(),
        "attachments": assist.attachments.count(),
    }
    return render(request, "assists/delete.html", context)
