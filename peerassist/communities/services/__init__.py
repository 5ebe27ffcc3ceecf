"""Writes about communities, meetings, topics and Gives & Takes. Every function checks who may
make the change: organisers and admins manage every community, a lead manages their own, any
member raises topics, votes and lists Gives and Takes for themselves. Topics' own writes are
in `topics.py`, re-exported here."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peerassist.assists.models import FormatKind, Mode, PeerAssist
from peerassist.assists.selectors import viewer_person_id
from peerassist.assists.services import assist_create
from peerassist.communities.models import (
    Community,
    Give,
    Meeting,
    RoundRobinEntry,
    Take,
    Topic,
    TopicSource,
)
from peerassist.communities.selectors import can_manage_community
from peerassist.communities.services.topics import (
    DIRECT_SOURCES,
    NEED_SOURCES,
    TOPIC_EDITABLE,
    _shipped_format,
    topic_create,
    topic_set_status,
    topic_to_assist,
    topic_update,
    topic_vote_set,
    topic_vote_toggle,
)
from peerassist.core.scoping import Viewer, require_manager, require_member
from peerassist.people.models import Person

__all__ = [
    "DIRECT_SOURCES",
    "NEED_SOURCES",
    "TOPIC_EDITABLE",
    "topic_create",
    "topic_set_status",
    "topic_to_assist",
    "topic_update",
    "topic_vote_set",
    "topic_vote_toggle",
]

MANAGE_REFUSED = "Only the community's leads and organisers can change this."
TITLE_LENGTH = 120


def require_community_manager(viewer: Viewer, community: Community) -> None:
    """Deny unless the viewer leads the community or is an organiser."""
    require_member(viewer)
    if not can_manage_community(viewer=viewer, community=community):
        raise PermissionDenied(_("Only the community's leads and organisers can change this."))


def _title_from(text: str) -> str:
    """A short title from free text: its first line or sentence, cut at a word."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    for stop in (". ", "? ", "! "):
        if stop in first:
            first = first.split(stop)[0] + stop.strip()
            break
    if len(first) <= TITLE_LENGTH:
        return first
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


def _person(viewer: Viewer, person_id: int | None, community: Community | None = None) -> Person:
    """The person something is recorded for: the viewer themself, or (for leads and
    organisers) anyone of the organisation."""
    own = viewer_person_id(viewer)
    if person_id is None or person_id == own:
        if own is None:
            raise ValidationError(
                {"person_id": _("You have no entry in the directory; ask an organiser.")}
            )
        return Person.objects.get(pk=own)
    if community is None or not can_manage_community(viewer=viewer, community=community):
        raise PermissionDenied(_("Only leads and organisers can record this for someone else."))
    try:
        return Person.objects.get(pk=person_id, organisation=viewer.organisation)
    except Person.DoesNotExist:
        raise ValidationError({"person_id": _("There is no such person.")}) from None


# --- Communities ------------------------------------------------------------------------------


@transaction.atomic
def community_create(*, viewer: Viewer, name: str, description: str = "") -> Community:
    """Start a community of practice (organisers and admins)."""
    require_manager(viewer)
    name = name.strip()
    if Community.objects.filter(organisation=viewer.organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("There is already a community with this name.")})
    community = Community.objects.create(
        organisation=viewer.organisation, name=name, description=description.strip()
    )
    # Whoever starts a community leads it until they hand over (else it has "No lead yet").
    own = viewer_person_id(viewer)
    if own is not None:
        community.members.add(own)
        community.leads.add(own)
    return community


@transaction.atomic
def community_update(
    *, viewer: Viewer, community: Community, name: str, description: str
) -> Community:
    """Rename or describe a community (its leads and organisers)."""
    require_community_manager(viewer, community)
    name = name.strip()
    clash = Community.objects.filter(organisation=viewer.organisation, name__iexact=name)
    if clash.exclude(pk=community.pk).exists():
        raise ValidationError({"name": _("There is already a community with this name.")})
    community.name = name
    community.description = description.strip()
    community.save(update_fields=["name", "description"])
    return community


@transaction.atomic
def community_member_add(
    *, viewer: Viewer, community: Community, person_id: int, lead: bool = False
) -> Person:
    """Add a person of the organisation as a member (and, if `lead`, as a lead too)."""
    require_community_manager(viewer, community)
    try:
        person = Person.objects.get(pk=person_id, organisation=viewer.organisation)
    except Person.DoesNotExist:
        raise ValidationError({"person_id": _("There is no such person.")}) from None
    community.members.add(person)
    if lead:
        community.leads.add(person)
    return person


@transaction.atomic
def community_member_remove(*, viewer: Viewer, community: Community, person_id: int) -> None:
    """Take a person out of the community (members and leads); the last lead stays."""
    require_community_manager(viewer, community)
    leads = set(community.leads.values_list("pk", flat=True))
    if leads == {person_id} and not viewer.can_manage_people:
        raise ValidationError(_("A community needs a lead: add another lead first."))
    community.members.remove(person_id)
    community.leads.remove(person_id)


# --- Meetings ---------------------------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime | None) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "video_link", "agenda")


@transaction.atomic
def meeting_create(
    *,
    viewer: Viewer,
    community: Community,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
    video_link: str = "",
    agenda: str = "",
) -> Meeting:
    """Schedule a meeting of the community (its leads and organisers)."""
    require_community_manager(viewer, community)
    _check_times(starts_at, ends_at)
    return Meeting.objects.create(
        community=community,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        video_link=video_link.strip(),
        agenda=agenda.strip(),
    )


@transaction.atomic
def meeting_update(*, viewer: Viewer, meeting: Meeting, **changes: object) -> Meeting:
    """Change a meeting's date, place or agenda (its community's leads and organisers)."""
    require_community_manager(viewer, meeting.community)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    _check_times(meeting.starts_at, meeting.ends_at)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_delete(*, viewer: Viewer, meeting: Meeting) -> None:
    """Cancel a meeting (its topics and Gives & Takes stay with the community)."""
    require_community_manager(viewer, meeting.community)
    meeting.delete()


# --- Round robin and Gives & Takes ------------------------------------------------------------


@transaction.atomic
def round_robin_add(
    *,
    viewer: Viewer,
    meeting: Meeting,
    text: str,
    person_id: int | None = None,
    decision_on: date | None = None,
    planning_started: bool = False,
    planning_notes: str = "",
) -> RoundRobinEntry:
    """Record a challenge an attendee stated; it becomes a candidate topic on the board, with
    the decision date and the planning so far when they were said (the screen asks for both)."""
    require_member(viewer)
    person = _person(viewer, person_id, meeting.community)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say what the challenge is.")})
    topic = Topic.objects.create(
        organisation=viewer.organisation,
        title=_title_from(text),
        description=text,
        source=TopicSource.ROUND_ROBIN,
        community=meeting.community,
        meeting=meeting,
        raised_by=person,
        decision_on=decision_on,
        planning_started=planning_started,
        planning_notes=planning_notes.strip(),
    )
    return RoundRobinEntry.objects.create(meeting=meeting, person=person, text=text, topic=topic)


def _offer_kwargs(
    viewer: Viewer,
    community: Community,
    meeting: Meeting | None,
    title: str,
    text: str,
    person_id: int | None,
) -> dict[str, object]:
    require_member(viewer)
    if community.organisation_id != viewer.organisation.pk:
        raise PermissionDenied
    if meeting is not None and meeting.community_id != community.pk:
        raise ValidationError({"meeting_id": _("That meeting belongs to another community.")})
    if not title.strip():
        raise ValidationError({"title": _("Give it a short title.")})
    return {
        "community": community,
        "meeting": meeting,
        "person": _person(viewer, person_id, community),
        "title": title.strip(),
        "text": text.strip(),
    }


@transaction.atomic
def give_create(
    *,
    viewer: Viewer,
    community: Community,
    title: str,
    text: str = "",
    meeting: Meeting | None = None,
    person_id: int | None = None,
) -> Give:
    """List something a person can offer the community."""
    return Give.objects.create(**_offer_kwargs(viewer, community, meeting, title, text, person_id))


@transaction.atomic
def take_create(
    *,
    viewer: Viewer,
    community: Community,
    title: str,
    text: str = "",
    meeting: Meeting | None = None,
    person_id: int | None = None,
) -> Take:
    """List something a person needs; it is matched to Gives and may become a topic."""
    return Take.objects.create(**_offer_kwargs(viewer, community, meeting, title, text, person_id))


def _require_owner_or_manager(viewer: Viewer, offer: Give | Take) -> None:
    require_member(viewer)
    if offer.person_id != viewer_person_id(viewer) and not can_manage_community(
        viewer=viewer, community=offer.community
    ):
        raise PermissionDenied(_("Only the person who listed it, leads and organisers can."))


@transaction.atomic
def give_delete(*, viewer: Viewer, give: Give) -> None:
    """Withdraw a Give (the person who listed it, the community's leads and organisers)."""
    _require_owner_or_manager(viewer, give)
    give.delete()


@transaction.atomic
def take_delete(*, viewer: Viewer, take: Take) -> None:
    """Withdraw a Take (its owner, leads and organisers); a topic made from it stays."""
    _require_owner_or_manager(viewer, take)
    take.delete()


@transaction.atomic
def take_to_topic(
    *,
    viewer: Viewer,
    take: Take,
    decision_on: date | None = None,
    planning_started: bool = False,
    planning_notes: str = "",
) -> Topic:
    """Put a Take on the topic board (its owner, leads and organisers); once only. The
    decision date and the planning so far go with it when given."""
    require_member(viewer)
    if take.person_id != viewer_person_id(viewer) and not can_manage_community(
        viewer=viewer, community=take.community
    ):
        raise PermissionDenied(_("Only the person who needs it, leads and organisers can."))
    take = Take.objects.select_for_update().get(pk=take.pk)
    if take.topic_id is not None:
        return Topic.objects.get(pk=take.topic_id)
    topic = Topic.objects.create(
        organisation=viewer.organisation,
        title=take.title[:200],
        description=take.text,
        source=TopicSource.TAKE,
        community=take.community,
        meeting=take.meeting,
        raised_by=take.person,
        decision_on=decision_on,
        planning_started=planning_started,
        planning_notes=planning_notes.strip(),
    )
    take.topic = topic
    take.save(update_fields=["topic"])
    return topic


@transaction.atomic
def mini_assist_create(
    *, viewer: Viewer, meeting: Meeting, topic: Topic | None = None, title: str = ""
) -> PeerAssist:
    """Hold a mini Peer Assist at the meeting: a Mini-format assist at the meeting's time and
    place, pre-filled from a chosen topic, attached to the meeting (its leads and organisers)."""
    require_community_manager(viewer, meeting.community)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.mini_assist_id is not None:
        raise ValidationError(_("This meeting already holds a mini Peer Assist."))
    if topic is not None:
        if topic.organisation_id != viewer.organisation.pk:
            raise ValidationError({"topic_id": _("There is no such topic.")})
        assist = topic_to_assist(viewer=viewer, topic=topic, format_kind=FormatKind.MINI)
    else:
        if not title.strip():
            raise ValidationError({"title": _("Give the mini Peer Assist a title or a topic.")})
        assist = assist_create(
            viewer=viewer,
            title=title,
            format_id=_shipped_format(FormatKind.MINI).pk,
            join_home_team=False,
        )
    assist.starts_at = meeting.starts_at
    assist.ends_at = meeting.ends_at
    assist.place = meeting.place
    assist.video_link = meeting.video_link
    if meeting.video_link:
        assist.mode = Mode.HYBRID if meeting.place else Mode.VIRTUAL
    assist.save(update_fields=["starts_at", "ends_at", "place", "video_link", "mode"])
    meeting.mini_assist = assist
    meeting.save(update_fields=["mini_assist"])
    return assist
