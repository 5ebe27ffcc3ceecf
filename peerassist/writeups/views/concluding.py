"""The conclusion and follow-up pages: parse, call a selector or service, render.

Only people of the organisation reach them; an assist the viewer may not see is 404, a
change they may not make is 403. Forms post normally and, from htmx, get back the section
they changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerassist.assists.models import PeerAssist, Role
from peerassist.assists.selectors import participation_list
from peerassist.core.access import AssistRights, ViewerRequest, assist_rights, get_assist_or_404
from peerassist.core.findings import RuleViolation
from peerassist.core.forms import add_findings
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import person_for_viewer
from peerassist.writeups import forms, rules, selectors, services
from peerassist.writeups.models import Action, ConnectPair


def viewer_of(request: ViewerRequest) -> Viewer:
    viewer = request.viewer
    if viewer is None:
        raise PermissionDenied(_("Only people of an organisation can see this."))
    return viewer


def assist_of(request: ViewerRequest, assist_id: int) -> tuple[Viewer, PeerAssist, AssistRights]:
    """The viewer, an assist they may see (404 otherwise) and their rights on it."""
    viewer = viewer_of(request)
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id)
    return viewer, assist, assist_rights(viewer=viewer, assist=assist)


def _action_form(assist: PeerAssist, data: Any = None, **kwargs: Any) -> forms.ActionForm:
    participants = {p.person_id: p.person for p in participation_list(assist=assist)}
    return forms.ActionForm(
        data,
        people=selectors.organisation_people(assist=assist),
        candidates=selectors.candidate_contributions(assist=assist),
        participants=sorted(participants.values(), key=lambda p: p.name),
        **kwargs,
    )


def _pair_form(assist: PeerAssist, data: Any = None) -> forms.ConnectPairForm:
    return forms.ConnectPairForm(
        data,
        home=selectors.people_taking_part(assist=assist, role=Role.HOME_PEER),
        visiting=selectors.people_taking_part(assist=assist, role=Role.VISITING_PEER),
    )


def _context(
    request: ViewerRequest, viewer: Viewer, assist: PeerAssist, rights: AssistRights, **extra: Any
) -> dict[str, Any]:
    conclusion = selectors.conclusion_get(assist=assist)
    actions = list(selectors.action_list(assist=assist))
    mine = selectors.feedback_mine(assist=assist, person=person_for_viewer(viewer=viewer))
    feedback = selectors.feedback_list(assist=assist)
    today = timezone.localdate()
    for action in actions:
        action.overdue = rules.is_overdue(  # type: ignore[attr-defined]
            due_on=action.due_on, status=action.status, today=today
        )
        if rights.edit:
            action.form = _action_form(  # type: ignore[attr-defined]
                assist, initial=forms.ActionForm.initial_for(action), prefix=f"a{action.pk}"
            )
    context = {
        "assist": assist,
        "rights": rights,
        "open": assist.status in rules.CONCLUSION_STATUSES,
        "conclusion": conclusion,
        "form": forms.ConclusionForm.for_conclusion(conclusion),
        "actions": actions,
        "action_form": _action_form(assist, prefix="new"),
        "pairs": list(selectors.connect_pair_list(assist=assist)),
        "pair_form": _pair_form(assist),
        "feedback": feedback,
        "feedback_average": selectors.feedback_average(feedback),
        "feedback_form": forms.FeedbackForm(
            initial=(
                {
                    "usefulness": mine.usefulness,
                    "comment": mine.comment,
                    "anonymous": mine.anonymous,
                }
                if mine
                else None
            )
        ),
        "my_feedback": mine,
        "followup": selectors.followup_get(assist=assist),
        "has_writeup": hasattr(assist, "writeup"),
        "attendance": selectors.attendance_list(assist=assist),
        "can_edit_plan": rights.edit_plan,
        "tab": "conclusion",
    }
    context.update(extra)
    return context


def _section(
    request: ViewerRequest,
    viewer: Viewer,
    assist: PeerAssist,
    rights: AssistRights,
    partial: str,
    anchor: str,
    *,
    failed: bool = False,
    **extra: Any,
) -> HttpResponse:
    """After a change: the changed section for htmx, else back to the page (or the page with
    the form's errors)."""
    if request.htmx:
        context = _context(request, viewer, assist, rights, **extra)
        return render(request, f"writeups/{partial}", context)
    if failed:
        context = _context(request, viewer, assist, rights, **extra)
        return render(request, "writeups/conclusion.html", context, status=400)
    return redirect(reverse("writeups:conclusion", args=[assist.pk]) + f"#{anchor}")


# --- The conclusion ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def conclusion(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    if request.method == "GET":
        return render(
            request, "writeups/conclusion.html", _context(request, viewer, assist, rights)
        )
    if not rights.edit:
        raise PermissionDenied(services_refusal())
    form = forms.ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.conclusion_save(viewer=viewer, assist=assist, **form.values())
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            messages.success(request, _("The home team's response is saved."))
            return redirect(reverse("writeups:conclusion", args=[assist.pk]) + "#response")
    context = _context(request, viewer, assist, rights, form=form)
    return render(request, "writeups/conclusion.html", context, status=400)


def services_refusal() -> str:
    return _(
        "Only the home team, the facilitator, the note-taker and organisers can record "
        "the conclusion."
    )


@require_POST
def conclude(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    if not rights.conclude:
        raise PermissionDenied(_("Only the facilitator concludes the session."))
    try:
        services.assist_conclude(viewer=viewer, assist=assist)
    except RuleViolation as violation:
        for finding in violation.findings:
            messages.error(request, finding.message)
    else:
        messages.success(
            request,
            _(
                "The session is concluded. The write-up is drafted from it: the home team can "
                "now edit and publish it."
            ),
        )
    return redirect("writeups:conclusion", assist.pk)


@require_POST
def attendance(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """The facilitator's ticks: who was at the session (a refusal is shown on the page, 400)."""
    viewer, assist, rights = assist_of(request, assist_id)
    if not rights.edit:
        raise PermissionDenied(services_refusal())
    try:
        present = [int(value) for value in request.POST.getlist("present")]
        services.attendance_record(viewer=viewer, assist=assist, present_ids=present)
    except RuleViolation as violation:
        for finding in violation.findings:
            messages.error(request, finding.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ValueError:
        messages.error(request, _("That list of people is not understood."))
    else:
        messages.success(request, _("Who was there is saved."))
        return redirect(reverse("writeups:conclusion", args=[assist.pk]) + "#attendance")
    context = _context(request, viewer, assist, rights)
    return render(request, "writeups/conclusion.html", context, status=400)


def _action(assist: PeerAssist, action_id: int) -> Action:
    try:
        return Action.objects.select_related("assist").get(pk=action_id, assist=assist)
    except Action.DoesNotExist:
        raise Http404(_("There is no such action.")) from None


@require_POST
def action_add(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    if not rights.edit:
        raise PermissionDenied(services_refusal())
    form = _action_form(assist, request.POST, prefix="new")
    if form.is_valid():
        try:
            services.action_create(viewer=viewer, assist=assist, **form.values())
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            return _section(request, viewer, assist, rights, "_actions.html", "actions")
    return _section(
        request, viewer, assist, rights, "_actions.html", "actions", failed=True, action_form=form
    )


@require_POST
def action_edit(request: ViewerRequest, assist_id: int, action_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    action = _action(assist, action_id)
    if not rights.edit:
        raise PermissionDenied(services_refusal())
    if request.POST.get("delete"):
        services.action_delete(viewer=viewer, action=action)
        return _section(request, viewer, assist, rights, "_actions.html", "actions")
    form = _action_form(assist, request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.action_update(viewer=viewer, action=action, changes=form.values())
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            return _section(request, viewer, assist, rights, "_actions.html", f"action-{action.pk}")
    messages.error(
        request,
        _("The action was not changed: %s")
        % " ".join(str(e) for errors in form.errors.values() for e in errors),
    )
    return _section(request, viewer, assist, rights, "_actions.html", f"action-{action.pk}")


@require_POST
def pair_add(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    if not rights.edit:
        raise PermissionDenied(services_refusal())
    form = _pair_form(assist, request.POST)
    if form.is_valid():
        try:
            services.connect_pair_add(
                viewer=viewer,
                assist=assist,
                home_peer_id=form.cleaned_data["home_peer"].pk,
                visiting_peer_id=form.cleaned_data["visiting_peer"].pk,
                topic=form.cleaned_data["topic"],
            )
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        except ValidationError as error:
            forms.add_validation_error(form, error)
        else:
            return _section(request, viewer, assist, rights, "_pairs.html", "pairs")
    return _section(
        request, viewer, assist, rights, "_pairs.html", "pairs", failed=True, pair_form=form
    )


@require_POST
def pair_remove(request: ViewerRequest, assist_id: int, pair_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    try:
        pair = ConnectPair.objects.select_related("assist").get(pk=pair_id, assist=assist)
    except ConnectPair.DoesNotExist:
        raise Http404(_("There is no such pair.")) from None
    services.connect_pair_remove(viewer=viewer, pair=pair)
    return _section(request, viewer, assist, rights, "_pairs.html", "pairs")


@require_POST
def feedback(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    if not rights.feedback:
        raise PermissionDenied(_("Only the people who took part give feedback on the session."))
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(viewer=viewer, assist=assist, **form.cleaned_data)
        except RuleViolation as violation:
            add_findings(form, violation.findings)
        else:
            if not request.htmx:
                messages.success(request, _("Thank you: your feedback is saved."))
            return _section(
                request, viewer, assist, rights, "_feedback.html", "feedback", thanked=True
            )
    return _section(
        request,
        viewer,
        assist,
        rights,
        "_feedback.html",
        "feedback",
        failed=True,
        feedback_form=form,
    )


# --- The follow-up ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def followup(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer, assist, rights = assist_of(request, assist_id)
    current = selectors.followup_get(assist=assist)
    actions = list(selectors.action_list(assist=assist))
    peers = selectors.people_taking_part(assist=assist, role=Role.VISITING_PEER)
    if request.method == "POST":
        if not rights.answer_followup:
            raise PermissionDenied(_("The home team answers the follow-up."))
        form = forms.FollowUpForm(request.POST, peers=peers, actions=actions)
        if form.is_valid():
            try:
                services.followup_answer(viewer=viewer, assist=assist, **form.values())
            except RuleViolation as violation:
                add_findings(form, violation.findings)
            except ValidationError as error:
                forms.add_validation_error(form, error)
            else:
                assist.refresh_from_db()
                if assist.status == "followed_up":
                    messages.success(
                        request,
                        _("Thank you: the follow-up is recorded and the visiting peers are told."),
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Thank you: the follow-up is recorded and the visiting peers are "
                            "told. The assist becomes “followed up” once its write-up is "
                            "published."
                        ),
                    )
                return redirect("writeups:followup", assist.pk)
    else:
        form = forms.FollowUpForm(
            initial=forms.FollowUpForm.initial_for(current), peers=peers, actions=actions
        )
    context = {
        "assist": assist,
        "rights": rights,
        "followup": current,
        "form": form,
        "open": assist.status in rules.WRITEUP_STATUSES,
        "actions": actions,
        "peers": list(peers),
        "can_edit_plan": rights.edit_plan,
        "tab": "followup",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "writeups/followup.html", context, status=status)
