"""The room's pages: the participant/facilitator view and the projector (opened by a link)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peerassist.assists.models import ContributionKind, PeerAssist
from peerassist.assists.selectors import participation_list
from peerassist.core.access import ViewerRequest, assist_rights, get_assist_or_404
from peerassist.core.scoping import Viewer
from peerassist.live import selectors, services


def _room(request: ViewerRequest, assist_id: int) -> tuple[PeerAssist, selectors.Actor, Viewer]:
    # Guests too: assist_get only finds the assists a guest takes part in (404 otherwise).
    viewer = request.viewer
    if viewer is None:
        raise PermissionDenied(_("The live room is for the people taking part in this assist."))
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id)
    actor = selectors.actor_for_user(assist=assist, user_id=viewer.user.pk)
    if actor is None:
        raise PermissionDenied(_("The live room is for the people taking part in this assist."))
    return assist, actor, viewer


@require_GET
def room(request: ViewerRequest, assist_id: int) -> HttpResponse:
    assist, actor, viewer = _room(request, assist_id)
    people = list(participation_list(assist=assist))
    can_project = actor.role in services.PROJECTOR_MANAGERS
    room_state = selectors.room_get(assist_id=assist.pk)
    groups = list(assist.groups.order_by("order", "pk"))
    # Shown again in any browser of those who manage it: the token is derived, not kept.
    token = selectors.projector_token(room=room_state) if can_project else ""
    context = {
        "assist": assist,
        "ws_path": f"/ws/assists/{assist.pk}/",
        "role": actor.role,
        "is_facilitator": actor.role in ("facilitator", "note_taker"),
        # The facilitator (or home team, organisers) takes an invited assist live from here.
        "can_go_live": assist.status == "invited"
        and assist_rights(viewer=viewer, assist=assist).edit_plan,
        "can_project": can_project,
        "projector_unknown": can_project and bool(room_state.projector_digest) and not token,
        "projector_url": (
            request.build_absolute_uri(reverse("live:projector", args=[token])) if token else ""
        ),
        "group_projectors": [
            (
                group,
                request.build_absolute_uri(
                    reverse(
                        "live:projector",
                        args=[selectors.projector_group_token(room=room_state, group_id=group.pk)],
                    )
                ),
            )
            for group in assist.groups.order_by("order", "pk")
        ]
        if token
        else [],
        "steps": list(assist.steps.order_by("order")),
        "kinds": ContributionKind.choices,
        "groups": groups,
        # Who is in which group, for everyone in the room (dividing into groups, the plenary).
        "group_members": [(g, [p for p in people if p.group_id == g.pk]) for g in groups],
        "people": [p.person for p in people],
        # Someone placed in a breakout group starts on that group's board and posts there.
        "my_group_id": next(
            (p.group_id for p in people if p.person_id == actor.person_id and p.group_id), None
        ),
    }
    return render(request, "live/room.html", context)


@require_POST
def projector_link(request: ViewerRequest, assist_id: int) -> HttpResponse:
    """Make a new projector link (the old one, and the screen showing it, stop), or revoke it."""
    assist, _actor, viewer = _room(request, assist_id)
    if request.POST.get("action") == "revoke":
        services.projector_link_revoke(assist=assist, user_id=viewer.user.pk)
        messages.success(request, _("The projector link is closed."))
    else:
        services.projector_link_create(assist=assist, user_id=viewer.user.pk)
        messages.success(
            request,
            _(
                "A new projector link is ready; the earlier link and any screen showing it "
                "have stopped. Open the new link on the room's screen."
            ),
        )
    return redirect(f"{reverse('live:room', args=[assist.pk])}#projector-h")


@login_not_required
@require_GET
def projector(request: ViewerRequest, token: str) -> HttpResponse:
    """Read-only, full screen, for the room's PC: the link is the key, so it is revocable."""
    target = selectors.projector_target(token=token)
    if target is None:
        raise Http404(_("This projector link is closed. Ask the facilitator for a new one."))
    found = target.room
    context = {
        "assist": found.assist,
        "ws_path": f"/ws/assists/{found.assist_id}/?projector={token}",
        "kinds": ContributionKind.choices,
        # A group's screen shows that group's notes (and the plenary's starred ones).
        "group": target.group,
    }
    response = render(request, "live/projector.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response
