"""The People page: roles, groups and requests to join."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from peerassist.assists import forms, page_data, selectors, services
from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.assists.views._common import _assist, _form_refusal, _refusal
from peerassist.core.access import ViewerRequest
from peerassist.core.findings import Finding, RuleViolation
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import PICK_LIMIT, person_pick


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
        "add_form": add_form or forms.ParticipationAddForm(),
        **_picker(request, viewer, assist, add_form),
        "roles": Role.choices,
        "tab": "people",
    }
    return render(request, "assists/people.html", context, status=400 if refusal else 200)


def _picker(
    request: ViewerRequest,
    viewer: Viewer,
    assist: PeerAssist,
    add_form: forms.ParticipationAddForm | None,
) -> dict[str, Any]:
    """The person picker's state: what was searched ("Find" without JavaScript, or kept from a
    refused POST) and its matches, with the person chosen before still chosen."""
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:200]
    cleaned = getattr(add_form, "cleaned_data", None) or {}
    # A community's mini assist draws its peers from the community: its members are listed
    # before anything is typed, and come first among the matches.
    community = page_data.community_people(viewer=viewer, assist=assist)
    if query:
        people = person_pick(viewer=viewer, query=query, first=community)
    else:
        people = list(community.select_related("unit").order_by("name", "pk")[:PICK_LIMIT])
    return {
        "picker_id": "add-person",
        "field_name": "person_id",
        "find_url": reverse("assists:people", args=[assist.pk]) + "#add-h",
        "query": query,
        "pick_people": people,
        "pick_community": bool(people) and not query,
        "chosen": cleaned.get("person_id"),
        "limit": PICK_LIMIT,
    }


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
    form = forms.ParticipationAddForm(request.POST)
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
