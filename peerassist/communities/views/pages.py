"""Community, meeting and topic pages: parse, call a selector or service, render.

Only members reach them; a community, meeting or topic of another organisation is a 404, and a
change the viewer may not make is a 403 (the services decide)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.assists.selectors import viewer_person_id
from peerassist.communities import forms, selectors, services
from peerassist.communities.models import Community, Meeting, Take, Topic, TopicStatus
from peerassist.core.access import ViewerRequest
from peerassist.core.forms import add_validation_error
from peerassist.core.scoping import Viewer, require_manager, require_member


def _viewer(request: ViewerRequest) -> Viewer:
    return require_member(request.viewer)


def _community(request: ViewerRequest, community_id: int) -> tuple[Viewer, Community]:
    viewer = _viewer(request)
    try:
        return viewer, selectors.community_get(viewer=viewer, community_id=community_id)
    except Community.DoesNotExist:
        raise Http404(_("There is no such community.")) from None


def _meeting(request: ViewerRequest, meeting_id: int) -> tuple[Viewer, Meeting]:
    viewer = _viewer(request)
    try:
        return viewer, selectors.meeting_get(viewer=viewer, meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404(_("There is no such meeting.")) from None


def _topic(request: ViewerRequest, topic_id: int) -> tuple[Viewer, Topic]:
    viewer = _viewer(request)
    try:
        return viewer, selectors.topic_get(viewer=viewer, topic_id=topic_id)
    except Topic.DoesNotExist:
        raise Http404(_("There is no such topic.")) from None


def _flash_error(request: ViewerRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Communities ------------------------------------------------------------------------------


@require_GET
def community_list(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    context = {
        "communities": selectors.community_list(viewer=viewer),
        "may_create": viewer.can_manage_people,
        "form": forms.CommunityForm(),
    }
    return render(request, "communities/community_list.html", context)


@require_http_methods(["GET", "POST"])
def community_create(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = forms.CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The community is ready. Next: add members and leads."))
            return redirect("communities:detail", community.pk)
    elif request.method == "GET":
        require_manager(viewer)
    status = 400 if form.is_bound else 200
    return render(request, "communities/community_form.html", {"form": form}, status=status)


def _detail(
    request: ViewerRequest,
    viewer: Viewer,
    community: Community,
    edit_form: forms.CommunityForm | None = None,
    member_form: forms.MemberAddForm | None = None,
) -> HttpResponse:
    may_manage = selectors.can_manage_community(viewer=viewer, community=community)
    people = selectors.people_outside(community=community)
    meetings = list(selectors.meeting_list(community=community))
    upcoming, past = selectors.split_meetings(meetings)
    context = {
        "community": community,
        "members": community.members.select_related("unit").order_by("name"),
        "leads": community.leads.order_by("name"),
        "upcoming": upcoming,
        "past": past,
        "may_manage": may_manage,
        "edit_form": edit_form
        or forms.CommunityForm(
            initial={"name": community.name, "description": community.description}
        ),
        "member_form": member_form or forms.MemberAddForm(people=people),
        "topic_count": selectors.topic_list(viewer=viewer, community_id=community.pk).count(),
    }
    failed = (edit_form and edit_form.errors) or (member_form and member_form.errors)
    return render(
        request, "communities/community_detail.html", context, status=400 if failed else 200
    )


@require_GET
def community_detail(request: ViewerRequest, community_id: int) -> HttpResponse:
    viewer, community = _community(request, community_id)
    return _detail(request, viewer, community)


@require_POST
def community_edit(request: ViewerRequest, community_id: int) -> HttpResponse:
    viewer, community = _community(request, community_id)
    form = forms.CommunityForm(request.POST)
    if form.is_valid():
        try:
            services.community_update(viewer=viewer, community=community, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The community is saved."))
            return redirect("communities:detail", community.pk)
    return _detail(request, viewer, community, edit_form=form)


@require_POST
def member_add(request: ViewerRequest, community_id: int) -> HttpResponse:
    viewer, community = _community(request, community_id)
    services.require_community_manager(viewer, community)
    form = forms.MemberAddForm(request.POST, people=selectors.people_outside(community=community))
    if form.is_valid():
        try:
            person = services.community_member_add(
                viewer=viewer, community=community, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s joined the community.") % {"name": person})
            return redirect("communities:detail", community.pk)
    return _detail(request, viewer, community, member_form=form)


@require_POST
def member_remove(request: ViewerRequest, community_id: int, person_id: int) -> HttpResponse:
    viewer, community = _community(request, community_id)
    try:
        services.community_member_remove(viewer=viewer, community=community, person_id=person_id)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("They are no longer in the community."))
    return redirect("communities:detail", community.pk)


# --- Meetings ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request: ViewerRequest, community_id: int) -> HttpResponse:
    viewer, community = _community(request, community_id)
    services.require_community_manager(viewer, community)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                viewer=viewer, community=community, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect("communities:meeting", meeting.pk)
    context = {"community": community, "form": form, "meeting": None}
    status = 400 if form.is_bound else 200
    return render(request, "communities/meeting_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    services.require_community_manager(viewer, meeting.community)
    initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    form = forms.MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(viewer=viewer, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("communities:meeting", meeting.pk)
    context = {"community": meeting.community, "form": form, "meeting": meeting}
    status = 400 if form.is_bound else 200
    return render(request, "communities/meeting_form.html", context, status=status)


@require_POST
def meeting_delete(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    community_id = meeting.community_id
    services.meeting_delete(viewer=viewer, meeting=meeting)
    messages.success(request, _("The meeting is cancelled."))
    return redirect("communities:detail", community_id)


def _meeting_page(
    request: ViewerRequest, viewer: Viewer, meeting: Meeting, **forms_: Any
) -> HttpResponse:
    community = meeting.community
    may_manage = selectors.can_manage_community(viewer=viewer, community=community)
    people = selectors.community_people(community=community) if may_manage else None
    takes = list(selectors.take_list(viewer=viewer, meeting_id=meeting.pk))
    pairs = selectors.take_matches(viewer=viewer, takes=takes)
    topics = selectors.topic_list(viewer=viewer, community_id=community.pk).filter(
        assist__isnull=True
    )
    topic_choices = [(t.pk, t.title) for t in topics.exclude(status=TopicStatus.DROPPED)]
    context = {
        "community": community,
        "meeting": meeting,
        "may_manage": may_manage,
        "followups": selectors.meeting_followups(meeting=meeting),
        "round_robin": selectors.round_robin_list(meeting=meeting),
        "gives": selectors.give_list(viewer=viewer, meeting_id=meeting.pk),
        "takes": [(take, pairs.get(take.pk, [])) for take in takes],
        "own_person_id": viewer_person_id(viewer),
        "round_robin_form": forms_.get("round_robin_form")
        or forms.RoundRobinForm(people=people, prefix="rr"),
        "give_form": forms_.get("give_form") or forms.OfferForm(people=people, prefix="give"),
        "take_form": forms_.get("take_form") or forms.OfferForm(people=people, prefix="take"),
        "mini_form": forms_.get("mini_form")
        or forms.MiniAssistForm(topics=topic_choices, prefix="mini"),
    }
    failed = any(f.errors for f in forms_.values())
    return render(request, "communities/meeting.html", context, status=400 if failed else 200)


@require_GET
def meeting_detail(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    return _meeting_page(request, viewer, meeting)


def _people_for(viewer: Viewer, meeting: Meeting) -> Any:
    if selectors.can_manage_community(viewer=viewer, community=meeting.community):
        return selectors.community_people(community=meeting.community)
    return None


@require_POST
def round_robin_add(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    form = forms.RoundRobinForm(request.POST, people=_people_for(viewer, meeting), prefix="rr")
    if form.is_valid():
        try:
            services.round_robin_add(viewer=viewer, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The challenge is on the topics board as a candidate."))
            return redirect(_anchor(meeting, "round-robin"))
    return _meeting_page(request, viewer, meeting, round_robin_form=form)


def _anchor(meeting: Meeting, section: str) -> str:
    return reverse("communities:meeting", args=[meeting.pk]) + f"#{section}"


def _offer_add(request: ViewerRequest, meeting_id: int, kind: str) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    form = forms.OfferForm(request.POST, people=_people_for(viewer, meeting), prefix=kind)
    if form.is_valid():
        create = services.give_create if kind == "give" else services.take_create
        try:
            create(viewer=viewer, community=meeting.community, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("The Give is listed.") if kind == "give" else _("The Take is listed.")
            )
            return redirect(_anchor(meeting, "gives-takes"))
    return _meeting_page(request, viewer, meeting, **{f"{kind}_form": form})


@require_POST
def give_add(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    return _offer_add(request, meeting_id, "give")


@require_POST
def take_add(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    return _offer_add(request, meeting_id, "take")


@require_POST
def take_to_topic(request: ViewerRequest, take_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        take = selectors.take_get(viewer=viewer, take_id=take_id)
    except Take.DoesNotExist:
        raise Http404(_("There is no such Take.")) from None
    form = forms.TakeTopicForm(request.POST)
    planning = form.cleaned_data if form.is_valid() else {}
    topic = services.take_to_topic(viewer=viewer, take=take, **planning)
    if topic.decision_on is None and not topic.planning_notes:
        # The screen needs both: ask for them now rather than leave the topic failing.
        messages.success(
            request,
            _(
                "The Take is on the topics board. Say when it happens and how far planning "
                "is, so the selection criteria can judge it."
            ),
        )
        return redirect("communities:topic_edit", topic.pk)
    messages.success(request, _("The Take is on the topics board."))
    return redirect("communities:topic", topic.pk)


@require_POST
def mini_assist_create(request: ViewerRequest, meeting_id: int) -> HttpResponse:
    viewer, meeting = _meeting(request, meeting_id)
    services.require_community_manager(viewer, meeting.community)
    topics = selectors.topic_list(viewer=viewer, community_id=meeting.community_id).filter(
        assist__isnull=True
    )
    form = forms.MiniAssistForm(
        request.POST, topics=[(t.pk, t.title) for t in topics], prefix="mini"
    )
    if form.is_valid():
        topic_id = form.cleaned_data["topic_id"]
        try:
            assist = services.mini_assist_create(
                viewer=viewer,
                meeting=meeting,
                topic=topics.get(pk=topic_id) if topic_id else None,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("The mini Peer Assist is ready. Next: write the challenge brief.")
            )
            return redirect("assists:overview", assist.pk)
    return _meeting_page(request, viewer, meeting, mini_form=form)


# --- Topics -----------------------------------------------------------------------------------


@require_GET
def topic_board(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    communities = selectors.community_list(viewer=viewer)
    form = forms.TopicFilterForm(request.GET or None, communities=communities)
    filters = form.cleaned_data if form.is_valid() else {}
    topics = list(
        selectors.topic_list(
            viewer=viewer,
            community_id=filters.get("community"),
            source=filters.get("source") or "",
            status=filters.get("status") or "",
        )
    )
    screens = selectors.topic_screens(topics=topics)
    context = {
        "form": form,
        "filtered": any(filters.values()),
        "rows": [(t, screens[t.pk]) for t in topics],
        "own_person_id": viewer_person_id(viewer),
    }
    return render(request, "communities/topic_board.html", context)


@require_http_methods(["GET", "POST"])
def topic_create(request: ViewerRequest) -> HttpResponse:
    viewer = _viewer(request)
    communities = selectors.community_list(viewer=viewer)
    may_enter_needs = viewer.can_manage_people or selectors.is_lead_anywhere(viewer=viewer)
    initial = {"community_id": request.GET.get("community")}
    form = forms.TopicForm(
        request.POST or None,
        initial=initial,
        communities=communities,
        may_enter_needs=may_enter_needs,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        community_id = data.pop("community_id")
        community = communities.filter(pk=community_id).first() if community_id else None
        try:
            topic = services.topic_create(viewer=viewer, community=community, **data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The topic is on the board. Ask others to vote for it."))
            return redirect("communities:topic", topic.pk)
    status = 400 if form.is_bound else 200
    return render(request, "communities/topic_form.html", {"form": form}, status=status)


@require_GET
def topic_detail(request: ViewerRequest, topic_id: int) -> HttpResponse:
    viewer, topic = _topic(request, topic_id)
    criteria = selectors.topic_screen(topic=topic)
    context = {
        "topic": topic,
        "criteria": criteria,
        "may_turn": selectors.can_turn_into_assist(viewer=viewer, topic=topic),
        "may_set_status": viewer.can_manage_people
        or (
            topic.community is not None
            and selectors.can_manage_community(viewer=viewer, community=topic.community)
        ),
        "status_form": forms.TopicStatusForm(initial={"status": topic.status}),
        "voters": topic.votes.select_related("person").order_by("person__name"),
    }
    return render(request, "communities/topic_detail.html", context)


@require_POST
def topic_vote(request: ViewerRequest, topic_id: int) -> HttpResponse:
    viewer, topic = _topic(request, topic_id)
    try:
        services.topic_vote_toggle(viewer=viewer, topic=topic)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=422)
        _flash_error(request, error)
        return redirect("communities:topic", topic.pk)
    if request.htmx:
        topic = selectors.topic_get(viewer=viewer, topic_id=topic.pk)
        return render(request, "communities/_vote.html", {"topic": topic})
    return redirect(_safe_next(request) or "communities:topics")


def _safe_next(request: ViewerRequest) -> str:
    """The page to go back to, if it is on this site (never an address elsewhere)."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@require_POST
def topic_status(request: ViewerRequest, topic_id: int) -> HttpResponse:
    viewer, topic = _topic(request, topic_id)
    form = forms.TopicStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("communities:topic", topic.pk)
    try:
        services.topic_set_status(viewer=viewer, topic=topic, status=form.cleaned_data["status"])
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("The topic's status is saved."))
    return redirect("communities:topic", topic.pk)


@require_POST
def topic_to_assist(request: ViewerRequest, topic_id: int) -> HttpResponse:
    viewer, topic = _topic(request, topic_id)
    try:
        assist = services.topic_to_assist(viewer=viewer, topic=topic)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect("communities:topic", topic.pk)
    messages.success(
        request, _("The Peer Assist is drafted from the topic. Next: complete the brief.")
    )
    return redirect("assists:brief", assist.pk)
