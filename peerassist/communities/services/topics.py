"""Writes about topics: raise, edit, vote, screen's status and turning one into an assist.
Every function checks who may make the change (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from peerassist.assists.models import Format, FormatKind, Participation, PeerAssist, Role
from peerassist.assists.selectors import viewer_person_id
from peerassist.assists.services import assist_create
from peerassist.communities.models import Community, Topic, TopicSource, TopicStatus, TopicVote
from peerassist.communities.selectors import can_manage_community, can_turn_into_assist
from peerassist.core.scoping import Viewer, require_member

# --- Topics -----------------------------------------------------------------------------------

NEED_SOURCES = frozenset({TopicSource.STRATEGIC_NEED, TopicSource.OPERATIONAL_NEED})
DIRECT_SOURCES = NEED_SOURCES | {TopicSource.REQUEST}


@transaction.atomic
def topic_create(
    *,
    viewer: Viewer,
    title: str,
    description: str = "",
    source: str = TopicSource.REQUEST,
    community: Community | None = None,
    decision_on: date | None = None,
    planning_started: bool = False,
    planning_notes: str = "",
) -> Topic:
    """Raise a topic directly: any member makes a request; organisers and community leads
    also enter strategic or operational needs."""
    require_member(viewer)
    if source not in DIRECT_SOURCES:
        raise ValidationError(
            {"source": _("Round robin and Take topics come from a meeting, not from here.")}
        )
    if community is not None and community.organisation_id != viewer.organisation.pk:
        raise ValidationError({"community_id": _("There is no such community.")})
    if source in NEED_SOURCES and not viewer.can_manage_people:
        leads = community is not None and can_manage_community(viewer=viewer, community=community)
        if not leads:
            raise PermissionDenied(
                _("Only organisers and the community's leads enter strategic or operational needs.")
            )
    if not title.strip():
        raise ValidationError({"title": _("Give the topic a title.")})
    own = viewer_person_id(viewer)
    return Topic.objects.create(
        organisation=viewer.organisation,
        title=title.strip(),
        description=description.strip(),
        source=source,
        community=community,
        raised_by_id=own,
        decision_on=decision_on,
        planning_started=planning_started,
        planning_notes=planning_notes.strip(),
    )


#: What anyone who may turn a topic into an assist may change about it.
TOPIC_EDITABLE = frozenset(
    {"title", "description", "decision_on", "planning_started", "planning_notes"}
)


@transaction.atomic
def topic_update(*, viewer: Viewer, topic: Topic, changes: Mapping[str, Any]) -> Topic:
    """Change a topic's text, decision date or planning so far (its raiser, the community's
    leads and organisers); the screen reads the new values on its next look."""
    require_member(viewer)
    if not can_turn_into_assist(viewer=viewer, topic=topic):
        raise PermissionDenied(
            _("Only organisers, the community's leads and the person who raised it can do this.")
        )
    unknown = set(changes) - TOPIC_EDITABLE
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    for field, value in changes.items():
        if field == "title":
            value = (value or "").strip()
            if not value:
                raise ValidationError({"title": _("Give the topic a title.")})
        elif field in ("description", "planning_notes"):
            value = (value or "").strip()
        elif field == "planning_started":
            value = bool(value)
        setattr(topic, field, value)
    topic.save(update_fields=sorted(changes) or None)
    return topic


@transaction.atomic
def topic_vote_toggle(*, viewer: Viewer, topic: Topic) -> bool:
    """Vote for a topic, or take the vote back; one vote per person. Returns whether the
    viewer now votes for it."""
    require_member(viewer)
    own = viewer_person_id(viewer)
    if own is None:
        raise ValidationError(_("You have no entry in the directory, so you cannot vote."))
    deleted, _rows = TopicVote.objects.filter(topic=topic, person_id=own).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            TopicVote.objects.create(topic=topic, person_id=own)
    except IntegrityError:
        pass  # a double click raced us: the vote is there, which is what was asked
    return True


@transaction.atomic
def topic_vote_set(*, viewer: Viewer, topic: Topic, voted: bool) -> bool:
    """Vote for a topic or take the vote back, idempotently (one vote per person). Returns
    whether the viewer now votes for it."""
    require_member(viewer)
    own = viewer_person_id(viewer)
    if own is None:
        raise ValidationError(_("You have no entry in the directory, so you cannot vote."))
    if not voted:
        TopicVote.objects.filter(topic=topic, person_id=own).delete()
        return False
    try:
        with transaction.atomic():
            TopicVote.objects.get_or_create(topic=topic, person_id=own)
    except IntegrityError:
        pass  # a concurrent request voted first: the vote is there
    return True


@transaction.atomic
def topic_set_status(*, viewer: Viewer, topic: Topic, status: str) -> Topic:
    """Mark a topic screened, selected or dropped (organisers and its community's leads)."""
    require_member(viewer)
    allowed = viewer.can_manage_people or (
        topic.community is not None
        and can_manage_community(viewer=viewer, community=topic.community)
    )
    if not allowed:
        raise PermissionDenied(_("Only organisers and the community's leads can do this."))
    choices = {
        TopicStatus.CANDIDATE,
        TopicStatus.SCREENED,
        TopicStatus.SELECTED,
        TopicStatus.DROPPED,
    }
    if status not in choices:
        raise ValidationError({"status": _("Choose candidate, screened, selected or dropped.")})
    if topic.status == TopicStatus.TURNED_INTO_ASSIST:
        raise ValidationError({"status": _("This topic is already a Peer Assist.")})
    topic.status = status
    topic.save(update_fields=["status"])
    return topic


def _shipped_format(kind: str) -> Format:
    chosen = (
        Format.objects.filter(organisation__isnull=True, kind=kind).order_by("pk").first()
        or Format.objects.filter(organisation__isnull=True).order_by("pk").first()
    )
    if chosen is None:
        raise ValidationError(_("There are no Peer Assist formats; run the migrations."))
    return chosen


@transaction.atomic
def topic_to_assist(*, viewer: Viewer, topic: Topic, format_kind: str | None = None) -> PeerAssist:
    """Turn a topic into a draft Peer Assist in one step: the brief pre-filled from the topic,
    the raiser in the home team, the topic marked and linked. Organisers, the community's
    leads and the raiser may; a topic becomes at most one assist."""
    require_member(viewer)
    if not can_turn_into_assist(viewer=viewer, topic=topic):
        raise PermissionDenied(
            _("Only organisers, the community's leads and the person who raised it can do this.")
        )
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.assist_id is not None:
        raise ValidationError(_("This topic is already a Peer Assist."))
    kind = format_kind or (FormatKind.MINI if topic.community_id else FormatKind.STANDARD)
    assist = assist_create(
        viewer=viewer,
        title=topic.title[:200],
        format_id=_shipped_format(kind).pk,
        join_home_team=False,
    )
    assist.challenge = topic.description or topic.title
    assist.planned_approach = topic.planning_notes
    assist.decision_date = topic.decision_on
    assist.save(update_fields=["challenge", "planned_approach", "decision_date"])
    raiser = topic.raised_by
    if raiser is not None and raiser.organisation_id == viewer.organisation.pk:
        Participation.objects.create(assist=assist, person=raiser, role=Role.HOME_PEER)
    topic.assist = assist
    topic.status = TopicStatus.TURNED_INTO_ASSIST
    topic.save(update_fields=["assist", "status"])
    return assist
