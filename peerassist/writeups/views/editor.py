"""The write-up pages: read or edit (with an htmx preview and a page gauge), versions with a
diff and restore, redraft from the session, and publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists.models import PeerAssist
from peerassist.core.access import (
    AssistRights,
    ViewerRequest,
    assist_rights,
    get_assist_or_404,
    writeup_readable,
)
from peerassist.core.findings import RuleViolation
from peerassist.core.forms import add_findings
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.writeups import diffing, forms, length, rules, selectors, services
from peerassist.writeups.markdown import render_markdown
from peerassist.writeups.models import WriteUp, WriteUpStatus, WriteUpVersion
from peerassist.writeups.views.concluding import viewer_of


def _writeup_page(
    request: ViewerRequest, assist_id: int
) -> tuple[Viewer, PeerAssist, AssistRights, WriteUp | None]:
    """The assist (visible, or its published write-up sent to the viewer) and its write-up
    if the viewer may read it; 404 otherwise."""
    viewer = viewer_of(request)
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id, sent_writeup=True)
    rights = assist_rights(viewer=viewer, assist=assist)
    writeup = selectors.writeup_get(assist=assist)
    if writeup is not None and not writeup_readable(viewer=viewer, writeup=writeup, rights=rights):
        raise Http404(_("This write-up is not published yet."))
    return viewer, assist, rights, writeup


def gauge(assist: PeerAssist, body: str, writeup: WriteUp | None) -> length.WriteupGauge:
    """The editor's gauge: the pages the PDF export takes, measured by laying it out."""
    return length.writeup_gauge(assist=assist, body=body, writeup=writeup)


def _context(
    viewer: Viewer,
    assist: PeerAssist,
    rights: AssistRights,
    writeup: WriteUp | None,
    **extra: Any,
) -> dict[str, Any]:
    body = writeup.body if writeup else ""
    context = {
        "assist": assist,
        "writeup": writeup,
        "rights": rights,
        "open": assist.status in rules.WRITEUP_STATUSES,
        "html": render_markdown(body),
        "gauge": gauge(assist, body, writeup),
        "form": forms.WriteUpForm(initial={"body": body}),
        "can_edit_plan": rights.edit_plan,
        "tab": "writeup",
        # Changes to the conclusion reach an edited draft only by a merge the editor offers.
        "conclusion_changes": selectors.conclusion_changes(assist=assist, writeup=writeup)
        if rights.edit and writeup is not None and assist.status in rules.WRITEUP_STATUSES
        else [],
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def writeup(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights, current = _writeup_page(request, assist_id)
    if request.method == "GET":
        return render(request, "writeups/writeup.html", _context(viewer, assist, rights, current))
    if not rights.edit:
        raise PermissionDenied(
            _(
                "Only the home team, the facilitator, the note-taker and "
                "organisers edit the write-up."
            )
        )
    form = forms.WriteUpForm(request.POST)
    if form.is_valid():
        try:
            saved = services.writeup_save(
                viewer=viewer,
                assist=assist,
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            messages.success(request, _("Saved as version %(n)s.") % {"n": saved.version})
            return redirect("writeups:writeup", assist.pk)
    body = form.data.get("body", "")
    context = _context(
        viewer,
        assist,
        rights,
        current,
        form=form,
        html=render_markdown(body),
        gauge=gauge(assist, body, current),
    )
    return render(request, "writeups/writeup.html", context, status=400)


@require_POST
def preview(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """The rendered Markdown and the page gauge for the text being edited (htmx)."""
    _viewer, assist, rights, current = _writeup_page(request, assist_id)
    if not rights.edit:
        raise PermissionDenied(_("Only the people who edit the write-up preview it."))
    body = request.POST.get("body", "")
    return render(
        request,
        "writeups/_preview.html",
        {"html": render_markdown(body), "gauge": gauge(assist, body, current)},
    )


@require_POST
def draft(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, _rights, current = _writeup_page(request, assist_id)
    try:
        saved = services.writeup_draft(viewer=viewer, assist=assist)
    except RuleViolation as violation:
        for finding in violation.findings:
            messages.error(request, finding.message)
    else:
        if current is None:
            messages.success(request, _("The write-up is drafted from the session."))
        else:
            messages.success(
                request,
                _(
                    "Redrafted from the session as version %(n)s; the earlier text is kept in "
                    "the versions."
                )
                % {"n": saved.version},
            )
    return redirect("writeups:writeup", assist.pk)


@require_POST
def merge_conclusion(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """One click: the sections the conclusion changed replace theirs in the edited text."""
    viewer, assist, _rights, current = _writeup_page(request, assist_id)
    _existing(current)
    try:
        saved, changed = services.writeup_merge_conclusion(viewer=viewer, assist=assist)
    except RuleViolation as violation:
        for finding in violation.findings:
            messages.error(request, finding.message)
    else:
        if changed:
            messages.success(
                request,
                _(
                    "Merged the conclusion's changes into %(sections)s as version %(n)s; the "
                    "earlier text is kept in the versions."
                )
                % {"sections": ", ".join(changed), "n": saved.version},
            )
        else:
            messages.info(request, _("The write-up already holds the conclusion as it is."))
    return redirect("writeups:writeup", assist.pk)


def _existing(current: WriteUp | None) -> WriteUp:
    if current is None:
        raise Http404(_("There is no write-up yet."))
    return current


@require_GET
def versions(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights, current = _writeup_page(request, assist_id)
    current = _existing(current)
    context = _context(
        viewer, assist, rights, current, versions=list(selectors.version_list(writeup=current))
    )
    return render(request, "writeups/versions.html", context)


@require_GET
def version(request: ViewerRequest, assist_id: int, number: int) -> HttpResponse:
    viewer, assist, rights, current = _writeup_page(request, assist_id)
    current = _existing(current)
    try:
        old = selectors.version_list(writeup=current).get(number=number)
    except WriteUpVersion.DoesNotExist:
        raise Http404(_("There is no such version.")) from None
    lines = diffing.diff_lines(old.body, current.body)
    context = _context(
        viewer,
        assist,
        rights,
        current,
        version=old,
        lines=lines,
        changed=any(line.op in ("add", "remove") for line in lines),
        added=sum(line.op == "add" for line in lines),
        removed=sum(line.op == "remove" for line in lines),
    )
    return render(request, "writeups/version.html", context)


@require_POST
def restore(request: ViewerRequest, assist_id: int, number: int) -> HttpResponse:
    viewer, assist, _rights, current = _writeup_page(request, assist_id)
    _existing(current)
    try:
        saved = services.writeup_restore(viewer=viewer, assist=assist, number=number)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from None
    messages.success(
        request,
        _("Version %(old)s is the current text again (saved as version %(n)s).")
        % {"old": number, "n": saved.version},
    )
    return redirect("writeups:writeup", assist.pk)


@require_http_methods(["GET", "POST"])
def publish(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights, current = _writeup_page(request, assist_id)
    current = _existing(current)
    if not rights.publish:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers publish the write-up.")
        )
    taking_part = assist.participations.attended().values("person_id")
    people = (
        Person.objects.filter(organisation=assist.organisation)
        .exclude(pk__in=taking_part)
        .select_related("unit")
        .order_by("name")
    )
    form = forms.PublishForm(request.POST or None, people=people)
    if request.method == "POST" and current.status == WriteUpStatus.DRAFT and form.is_valid():
        try:
            services.writeup_publish(
                viewer=viewer,
                assist=assist,
                recipient_ids=[p.pk for p in form.cleaned_data["recipients"]],
                shared_with_guests=form.cleaned_data["shared_with_guests"],
            )
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The write-up is published; the participants and the people you chose are told."),
            )
            return redirect("writeups:writeup", assist.pk)
    context = _context(viewer, assist, rights, current, publish_form=form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "writeups/publish.html", context, status=status)
