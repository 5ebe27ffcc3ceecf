"""Access: the one place that decides who may see an assist and what they may do with it.

Pages, the API, the live room, search and the CLI all ask here, so a rule changes once:

- `assist_visible_q(viewer)`: the condition "the viewer may see this assist", for any
  queryset (`prefix="assist__"` from a related model); `assist_ids_visible(viewer)` is the
  same as a subquery, for callers that compile a WHERE clause on its own (search).
- `writeup_sent_q(viewer)`: the one exception to it — the people a published write-up was
  sent to may read it even when the assist is for its participants only.
- `get_assist_or_404(viewer=..., assist_id=...)`: the assist, or a 404 that does not say
  whether it exists (guests, other organisations); `edit=True` also requires `edit_plan`.
- `assist_rights(viewer=..., assist=...)`: everything the viewer may do with one assist, as
  one typed object (plan, conclusion, write-up, follow-up).
- `ViewerRequest`: the request as the views see it, with `.viewer` and `.htmx` typed.
- `operator_viewer(organisation)`: who a management command acts as without `--as EMAIL`.

`core` sits below the stage apps, so this module names their models through Django's app
registry (as a ForeignKey("assists.PeerAssist") does) and never imports them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from peerassist.core.scoping import Viewer

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from peerassist.accounts.models import Organisation, User
    from peerassist.assists.models import Participation, PeerAssist
    from peerassist.writeups.models import WriteUp

#: Visibilities that share an assist with every member of its organisation.
SHARED_VISIBILITIES = ("organisation", "published")
#: A write-up's status once it is published (and may be sent to people).
PUBLISHED = "published"
#: The page's answer for an assist that does not exist or is not the viewer's to see.
NOT_FOUND = "There is no such Peer Assist, or it is not shared with you."
EDIT_REFUSED = "Only the home team, the facilitator and organisers can change this plan."

#: Roles that change the plan (organisers too).
PLANNER_ROLES = frozenset({"home_peer", "facilitator"})
#: Roles that record the conclusion and edit the write-up (organisers too).
EDITOR_ROLES = frozenset({"home_peer", "facilitator", "note_taker"})
#: Roles that publish (this moves the assist on, which the planning rules keep to these).
PUBLISHER_ROLES = frozenset({"home_peer", "facilitator"})


class ViewerRequest(HttpRequest):
    """A request after `OrganisationMiddleware` and django-htmx's middleware: for typing only,
    views receive Django's own request object with these two attributes set."""

    viewer: Viewer | None
    htmx: HtmxDetails


class SignedInRequest(ViewerRequest):
    """A request to a page that is not `login_not_required`: LoginRequiredMiddleware has sent
    anyone signed out to the login page, so `user` is a User. For typing only."""

    user: User


# --- The rules (pure) ------------------------------------------------------------------------


def may_edit_plan(roles: Collection[str], *, is_manager: bool) -> bool:
    """Organisers and admins, the home team and the facilitator change the plan."""
    return is_manager or bool(set(roles) & PLANNER_ROLES)


def may_edit_conclusion(roles: Collection[str], *, is_manager: bool) -> bool:
    """Home team, facilitator, note-taker and organisers record the conclusion."""
    return is_manager or bool(set(roles) & EDITOR_ROLES)


def may_publish(roles: Collection[str], *, is_manager: bool) -> bool:
    """Home team, facilitator and organisers publish (a note-taker drafts but does not)."""
    return is_manager or bool(set(roles) & PUBLISHER_ROLES)


def may_conclude(roles: Collection[str], *, is_manager: bool) -> bool:
    """The facilitator closes the session (organisers may stand in)."""
    return is_manager or "facilitator" in roles


def may_answer_followup(roles: Collection[str], *, is_manager: bool) -> bool:
    """The follow-up asks the home team what became of the advice (organisers may help)."""
    return is_manager or "home_peer" in roles


def may_give_feedback(roles: Collection[str]) -> bool:
    """Anyone who took part gives feedback on the session."""
    return bool(roles)


@dataclass(frozen=True)
class AssistRights:
    """What the viewer may do with one assist: its plan, conclusion, write-up and follow-up."""

    roles: frozenset[str]
    edit_plan: bool
    edit: bool
    publish: bool
    conclude: bool
    feedback: bool
    answer_followup: bool

    @property
    def takes_part(self) -> bool:
        return bool(self.roles)


NO_RIGHTS = AssistRights(frozenset(), False, False, False, False, False, False)


def rights_from_roles(roles: frozenset[str], *, is_manager: bool) -> AssistRights:
    """The rights that go with the viewer's roles in an assist of their organisation."""
    return AssistRights(
        roles=roles,
        edit_plan=may_edit_plan(roles, is_manager=is_manager),
        edit=may_edit_conclusion(roles, is_manager=is_manager),
        publish=may_publish(roles, is_manager=is_manager),
        conclude=may_conclude(roles, is_manager=is_manager),
        feedback=may_give_feedback(roles),
        answer_followup=may_answer_followup(roles, is_manager=is_manager),
    )


# --- Seeing assists ---------------------------------------------------------------------------


def _model(label: str) -> Any:
    return apps.get_model(label)


def assist_visible_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """The assists the viewer may see: organisers all of their organisation's; members those
    shared with the organisation and those they were asked to; guests only their own.
    `prefix` reaches the assist from another model (`"assist__"`)."""
    same_org = Q(**{f"{prefix}organisation": viewer.organisation})
    if viewer.can_manage_people:
        return same_org
    # Someone who declined still sees the plan they were asked to (not the participants'
    # record: see `writeup_readable`).
    asked = _model("assists.Participation").objects.filter(person__user=viewer.user)
    mine = Q(**{f"{prefix}pk__in": asked.values("assist_id")})
    if viewer.is_member:
        return same_org & (Q(**{f"{prefix}visibility__in": SHARED_VISIBILITIES}) | mine)
    return same_org & mine


def assist_ids_visible(viewer: Viewer) -> QuerySet[Any]:
    """`assist_visible_q` as a subquery of ids, for a WHERE clause compiled on its own."""
    assists = _model("assists.PeerAssist").objects
    return cast(QuerySet[Any], assists.filter(assist_visible_q(viewer)).order_by().values("pk"))


def writeup_sent_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """Published write-ups of the viewer's organisation that were sent to the viewer: the one
    exception to `assist_visible_q` (`prefix="writeup__"` from an assist)."""
    if is_operator(viewer):
        return Q(pk__in=[])
    return Q(
        **{
            f"{prefix}assist__organisation": viewer.organisation,
            f"{prefix}status": PUBLISHED,
            f"{prefix}recipients__user": viewer.user,
        }
    )


def assist_ids_sent_writeup(viewer: Viewer) -> QuerySet[Any]:
    """Ids of the assists whose published write-up was sent to the viewer, as a subquery."""
    writeups = _model("writeups.WriteUp").objects
    return cast(
        QuerySet[Any], writeups.filter(writeup_sent_q(viewer)).order_by().values("assist_id")
    )


def get_assist_or_404(
    *,
    viewer: Viewer,
    assist_id: int,
    edit: bool = False,
    sent_writeup: bool = False,
    message: str | None = None,
) -> PeerAssist:
    """The assist if the viewer may see it (or, with `sent_writeup`, its published write-up
    was sent to them), its format loaded; else Http404 with `message` (the page's by
    default), which does not tell whether it exists. With `edit`, PermissionDenied unless
    the viewer may change the plan."""
    allowed = assist_visible_q(viewer)
    if sent_writeup:
        allowed |= Q(pk__in=assist_ids_sent_writeup(viewer))
    assists = _model("assists.PeerAssist").objects.select_related("format")
    assist: PeerAssist | None = assists.filter(allowed, pk=assist_id).first()
    if assist is None:
        raise Http404(message if message is not None else _(NOT_FOUND))
    if edit and not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(_(EDIT_REFUSED))
    return assist


def assist_roles(
    *, viewer: Viewer, assist: PeerAssist, participations: Iterable[Participation] | None = None
) -> frozenset[str]:
    """The viewer's roles in the assist (empty if they do not take part, or said no); from
    `participations` (the assist's, person loaded) when the caller has them, else a query."""
    if is_operator(viewer) or assist.organisation_id != viewer.organisation.pk:
        return frozenset()
    if participations is not None:
        return frozenset(
            p.role for p in participations if p.taking_part and p.person.user_id == viewer.user.pk
        )
    asked = _model("assists.Participation").objects.taking_part()
    return frozenset(
        asked.filter(assist=assist, person__user=viewer.user).values_list("role", flat=True)
    )


def assist_rights(
    *, viewer: Viewer, assist: PeerAssist, participations: Iterable[Participation] | None = None
) -> AssistRights:
    """Everything the viewer may do with the assist (nothing in another organisation)."""
    if assist.organisation_id != viewer.organisation.pk:
        return NO_RIGHTS
    roles = assist_roles(viewer=viewer, assist=assist, participations=participations)
    return rights_from_roles(roles, is_manager=viewer.can_manage_people)


def writeup_readable(*, viewer: Viewer, writeup: WriteUp, rights: AssistRights) -> bool:
    """Drafts: those who took part and organisers. Published: whoever sees the assist, guests
    who took part when it is shared with guests, and the people it was sent to."""
    if rights.edit:
        return True
    if writeup.status != PUBLISHED:
        return rights.takes_part and viewer.is_member
    writeups = _model("writeups.WriteUp").objects
    if writeups.filter(writeup_sent_q(viewer), pk=writeup.pk).exists():
        return True
    if not viewer.is_member:
        return rights.takes_part and writeup.shared_with_guests
    if (
        writeup.assist.visibility == "participants"
        and not viewer.can_manage_people
        and not rights.takes_part
    ):
        return False  # someone who declined still sees the plan, not the participants' record
    assists = _model("assists.PeerAssist").objects
    return bool(assists.filter(assist_visible_q(viewer), pk=writeup.assist_id).exists())


def published_writeup_readable_q(viewer: Viewer) -> Q:
    """`writeup_readable` for published write-ups, as a condition on WriteUp: members read
    those of the assists they see (of an assist for its participants only, if they took
    part), guests those they took part in and that are shared with guests, and everyone
    those sent to them."""
    visible = Q(assist__in=assist_ids_visible(viewer))
    if not viewer.can_manage_people:
        taking_part = _model("assists.Participation").objects.taking_part()
        mine = Q(assist__in=taking_part.filter(person__user=viewer.user).values("assist_id"))
        if viewer.is_member:
            visible &= ~Q(assist__visibility="participants") | mine
        else:
            visible &= Q(shared_with_guests=True) & mine
    return visible | writeup_sent_q(viewer)


# --- The operator -----------------------------------------------------------------------------

OPERATOR_ROLE = "operator"


def operator_viewer(organisation: Organisation) -> Viewer:
    """Who a management command acts as when no `--as EMAIL` is given: the operator, who can
    read the database anyway, sees all of the organisation like an administrator but is no
    one in it (no roles, no write-ups sent to them, never matched against a user)."""
    return Viewer(user=cast("User", AnonymousUser()), organisation=organisation, role=OPERATOR_ROLE)


def is_operator(viewer: Viewer) -> bool:
    return viewer.role == OPERATOR_ROLE
