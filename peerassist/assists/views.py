"""The planning pages: parse, call a selector or service, render. Every view denies by default:
only members reach them, an assist the viewer may not see is a 404, and changing one takes
`edit_plan` in `peerassist.core.access.assist_rights` (403 otherwise)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists import forms, page_data, rules, selectors, services
from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.core.access import ViewerRequest, assist_rights, get_assist_or_404
from peerassist.core.findings import Finding, Level, RuleViolation
from peerassist.core.scoping import Viewer, require_member


def _assist(
    request: ViewerRequest, assist_id: int, *, edit: bool = False
) -> tuple[Viewer, PeerAssist]:
    """The viewer and an assist they may see (404 otherwise), and may change when `edit`."""
    viewer = require_member(request.viewer)
    return viewer, get_assist_or_404(viewer=viewer, assist_id=assist_id, edit=edit)


def _agenda_hours(minutes: int) -> str:
    """ "about 1 hour", "about 1.5 hours": the plural chosen by the number shown."""
    hours = round(minutes / 60, 1)
    shown = f"{hours:g}"
    count = int(hours) if hours == int(hours) else 2  # fractions take the plural
    return ngettext("about %(hours)s hour", "about %(hours)s hours", count) % {"hours": shown}


def _refusal(error: ValidationError) -> list[Finding]:
    """A service's ValidationError as findings, so every refusal reads the same on a page."""
    return [Finding(Level.ERROR, "invalid", message) for message in error.messages]


# --- Lists ---------------------------------------------------------------------------------


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
            forms.add_validation_error(form, error)
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


# --- One assist ------------------------------------------------------------------------------


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
            forms.add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
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
def attachment_download(request: ViewerRequest, assist_id: int, attachment_id: int) -> HttpResponse:
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
            forms.add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
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
            forms.add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
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


# --- People, groups and requests to join -------------------------------------------------------


def _people(
    request: ViewerRequest,
    viewer: Viewer,
    assist: PeerAssist,
    *,
    refusal: list[Finding] | None = None,
    add_form: forms.ParticipationAddForm | None = None,
) -> HttpResponse:
    data = page_data.people_page(viewer=viewer, assist=assist)
    context: dict[str, Any] = {
        "assist": assist,
        "data": data,
        "refusal": refusal or [],
        "add_form": add_form or forms.ParticipationAddForm(candidates=data.candidates),
        "roles": Role.choices,
        "tab": "people",
    }
    return render(request, "assists/people.html", context, status=400 if refusal else 200)


def _participation(assist: PeerAssist, participation_id: int) -> Participation:
    found = page_data.participation_get(assist=assist, participation_id=participation_id)
    if found is None:
        raise Http404(_("This person does not take part in this Peer Assist."))
    return found


@require_GET
def people(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    return _people(request, viewer, assist)


@require_POST
def participation_add(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    candidates = page_data.candidate_list(viewer=viewer, assist=assist)
    form = forms.ParticipationAddForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return _people(request, viewer, assist, add_form=form, refusal=_form_refusal(form))
    try:
        participation, _findings = services.participation_add(
            viewer=viewer, assist=assist, **form.cleaned_data
        )
    except RuleViolation as violation:
        return _people(request, viewer, assist, add_form=form, refusal=violation.findings)
    except ValidationError as error:
        return _people(request, viewer, assist, add_form=form, refusal=_refusal(error))
    messages.success(
        request,
        _("%(person)s takes part as %(role)s.")
        % {"person": participation.person, "role": participation.get_role_display().lower()},
    )
    return redirect("assists:people", assist.pk)


@require_POST
def participation_role(
    request: ViewerRequest, assist_id: int, participation_id: int
) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    current = _participation(assist, participation_id)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        return _people(request, viewer, assist, refusal=_form_refusal(form))
    try:
        participation, _findings = services.participation_add(
            viewer=viewer,
            assist=assist,
            person_id=current.person_id,
            role=form.cleaned_data["role"],
        )
    except RuleViolation as violation:
        return _people(request, viewer, assist, refusal=violation.findings)
    except ValidationError as error:
        return _people(request, viewer, assist, refusal=_refusal(error))
    messages.success(
        request,
        _("%(person)s is now %(role)s.")
        % {"person": participation.person, "role": participation.get_role_display().lower()},
    )
    return redirect("assists:people", assist.pk)


@require_POST
def participation_remove(
    request: ViewerRequest, assist_id: int, participation_id: int
) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    current = _participation(assist, participation_id)
    try:
        services.participation_remove(viewer=viewer, assist=assist, participation_id=current.pk)
    except RuleViolation as violation:
        return _people(request, viewer, assist, refusal=violation.findings)
    messages.success(request, _("%(person)s no longer takes part.") % {"person": current.person})
    return redirect("assists:people", assist.pk)


@require_POST
def groups_propose(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    try:
        groups = services.groups_propose(viewer=viewer, assist=assist)
    except RuleViolation as violation:
        return _people(request, viewer, assist, refusal=violation.findings)
    if groups:
        messages.success(
            request,
            ngettext(
                "Proposed %(n)s breakout group. Move people between groups if you need to.",
                "Proposed %(n)s breakout groups. Move people between them if you need to.",
                len(groups),
            )
            % {"n": len(groups)}
            + " "
            + _(
                "As the guide asks, in this order: everyone in a group shares its language; "
                "6–8 people a group where the numbers allow; a home peer and someone who may "
                "record notes in each group; facilitators spread across the groups."
            ),
        )
        for finding in selectors.breakout_review(assist=assist):
            messages.warning(request, finding.message)
    else:
        messages.info(request, _("There are no home or visiting peers to put into groups yet."))
    return redirect("assists:people", assist.pk)


@require_POST
def group_assign(request: ViewerRequest, assist_id: int, participation_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    current = _participation(assist, participation_id)
    groups = page_data.group_list(assist=assist)
    form = forms.GroupAssignForm(request.POST, groups=groups)
    if not form.is_valid():
        return _people(request, viewer, assist, refusal=_form_refusal(form))
    try:
        services.group_assign(
            viewer=viewer,
            assist=assist,
            participation_id=current.pk,
            group_id=form.cleaned_data["group_id"],
        )
    except RuleViolation as violation:
        return _people(request, viewer, assist, refusal=violation.findings)
    except ValidationError as error:
        return _people(request, viewer, assist, refusal=_refusal(error))
    messages.success(request, _("%(person)s moved.") % {"person": current.person})
    # A move is checked against the same rules as the proposal.
    for finding in selectors.breakout_review(assist=assist):
        messages.warning(request, finding.message)
    return redirect("assists:people", assist.pk)


@require_POST
def join_request_decide(request: ViewerRequest, assist_id: int, request_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _people(request, viewer, assist, refusal=_form_refusal(form))
    accept = form.cleaned_data["decision"] == "accept"
    try:
        decided = services.join_request_decide(
            viewer=viewer, assist=assist, request_id=request_id, accept=accept
        )
    except RuleViolation as violation:
        return _people(request, viewer, assist, refusal=violation.findings)
    except ValidationError as error:
        return _people(request, viewer, assist, refusal=_refusal(error))
    if accept:
        text = _("%(person)s joins as %(role)s.") % {
            "person": decided.person,
            "role": decided.get_role_display().lower(),
        }
    else:
        text = _("You declined %(person)s's request.") % {"person": decided.person}
    messages.success(request, text)
    return redirect("assists:people", assist.pk)


def _form_refusal(form: Any) -> list[Finding]:
    return [
        Finding(Level.ERROR, "invalid", str(message))
        for messages_ in form.errors.values()
        for message in messages_
    ]


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
