"""Plan a Peer Assist: formats and their steps, the assist and its brief, who takes part."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerassist.accounts.models import Organisation
from peerassist.assists.kinds import kinds_by_role
from peerassist.core.scoping import OrgScopedManager
from peerassist.core.when import validate_time_zone
from peerassist.people.models import Language, Person


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the session")
    DURING = "during", _("During the session")
    AFTER = "after", _("After the session")


class Role(models.TextChoices):
    HOME_PEER = "home_peer", _("Home peer")
    VISITING_PEER = "visiting_peer", _("Visiting peer")
    FACILITATOR = "facilitator", _("Facilitator")
    NOTE_TAKER = "note_taker", _("Note-taker")
    OBSERVER = "observer", _("Observer")


class ContributionKind(models.TextChoices):
    PURPOSE = "purpose", _("Purpose")
    CONTEXT = "context", _("Context and challenge")
    QUESTION = "question", _("Question")
    PRACTICE = "practice", _("Practice")
    LESSON = "lesson", _("Lesson learned")
    OPTION = "option", _("Option")
    RECOMMENDATION = "recommendation", _("Recommendation")
    INSIGHT = "insight", _("Insight")
    SURPRISE = "surprise", _("Surprise")
    EXPECTED_NOT_HEARD = "expected_not_heard", _("Expected but not heard")
    NEED_TO_KNOW = "need_to_know", _("Need to know")
    SOURCE = "source", pgettext_lazy("kind of contribution", "Source")
    ACTION_IDEA = "action_idea", _("Action idea")


class FormatKind(models.TextChoices):
    MINI = "mini", _("Mini Peer Assist")
    STANDARD = "standard", _("Standard Peer Assist")
    FOUR_PART = "four_part", _("Four-part Peer Assist")
    EXTENDED = "extended", _("Extended Peer Assist")
    CUSTOM = "custom", _("Custom")


class Format(models.Model):
    """An agenda template. Shipped formats have no organisation; organisers copy and edit them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="formats"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FormatKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "name"]
        verbose_name = _("format")
        verbose_name_plural = _("formats")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shipped(self) -> bool:
        return self.organisation_id is None


class StepFields(models.Model):
    """What a step of an agenda is, shared by a format's steps and an assist's own copy."""

    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.DURING)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    description = models.TextField(_("description"), blank=True)
    prompt_questions = models.JSONField(
        _("facilitator's prompt questions"), default=list, blank=True
    )
    posting_roles = models.JSONField(_("roles who may post"), default=list, blank=True)
    contribution_kinds = models.JSONField(
        _("contribution kinds expected"), default=list, blank=True
    )
    #: The step × role × kind table ({role: [kind, …]}, see assists/kinds.py).
    role_kinds = models.JSONField(_("kinds each role may post"), default=dict, blank=True)
    optional = models.BooleanField(_("optional"), default=False)

    class Meta:
        abstract = True
        ordering = ["order"]


def step_kinds_by_role(step: StepFields) -> dict[str, tuple[str, ...]]:
    """The kinds each role may post in this step (every role a key)."""
    return kinds_by_role(
        role_kinds=step.role_kinds,
        posting_roles=step.posting_roles,
        contribution_kinds=step.contribution_kinds,
    )


class FormatStep(StepFields):
    format = models.ForeignKey(Format, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["format", "order"], name="unique_format_step_order")
        ]
        verbose_name = _("format step")
        verbose_name_plural = _("format steps")

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    INVITED = "invited", _("Invited")
    LIVE = "live", _("Live")
    CONCLUDED = "concluded", _("Concluded")
    WRITTEN_UP = "written_up", _("Written up")
    FOLLOWED_UP = "followed_up", _("Followed up")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class Visibility(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants only")
    ORGANISATION = "organisation", _("Everyone in the organisation")
    PUBLISHED = "published", pgettext_lazy("visibility of a Peer Assist", "Published")


class PeerAssist(models.Model):
    """One Peer Assist: the home team's challenge, the plan for the session, and its state."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assists")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    format = models.ForeignKey(
        Format, on_delete=models.PROTECT, related_name="assists", verbose_name=_("format")
    )
    # The brief: one page that reaches the visiting peers a week ahead.
    business_context = models.TextField(_("business context"), blank=True)
    challenge = models.TextField(_("the challenge"), blank=True)
    planned_approach = models.TextField(_("planned approach"), blank=True)
    desired_outcome = models.TextField(
        _("desired outcome"), blank=True, help_text=_("Usually options and insights.")
    )
    focus_questions = models.JSONField(_("focus questions"), default=list, blank=True)
    # When: early enough to change the plan.
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    #: The day the session was actually held (set when it goes live); the write-up shows it,
    #: not the planned date, which may have moved.
    held_on = models.DateField(_("held on"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    brief_send_on = models.DateField(_("send the brief on"), null=True, blank=True)
    brief_sent_at = models.DateTimeField(_("brief sent at"), null=True, blank=True)
    #: When the brief's text last changed: an invitation sent before it carried an older brief.
    brief_changed_at = models.DateTimeField(_("brief changed at"), null=True, blank=True)
    # Where.
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-starts_at", "-created_at"]
        verbose_name = _("Peer Assist")
        verbose_name_plural = _("Peer Assists")

    def __str__(self) -> str:
        return self.title


class AssistStep(StepFields):
    """The assist's own agenda: copied from its format, durations adjustable."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepFields.Meta):
        constraints = [
            models.UniqueConstraint(fields=["assist", "order"], name="unique_assist_step_order")
        ]
        verbose_name = _("agenda step")
        verbose_name_plural = _("agenda steps")

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


def attachment_path(instance: "BriefAttachment", filename: str) -> str:
    return f"assists/{instance.assist_id}/{filename}"


class BriefAttachment(models.Model):
    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("background attachment")
        verbose_name_plural = _("background attachments")

    def __str__(self) -> str:
        return self.name


class BreakoutGroup(models.Model):
    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    language = models.ForeignKey(
        Language, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("language")
    )
    #: Who speaks for the group in the plenary: in steps that give spokespeople kinds of
    #: note, they post the group's insights, filed under the group.
    spokesperson = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("spokesperson"),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")

    def __str__(self) -> str:
        return self.name


class Rsvp(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TENTATIVE = "tentative", _("Tentative")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")


#: The answers that keep someone a participant: everything but a "no" (declined, or
#: the invitation withdrawn). Counts, rules, groups, the room, the write-up and the
#: notifications meant for participants all go by this one list.
TAKING_PART = (Rsvp.PENDING, Rsvp.ACCEPTED, Rsvp.TENTATIVE)
NOT_TAKING_PART = (Rsvp.DECLINED, Rsvp.WITHDRAWN)


def taking_part_q(prefix: str = "") -> models.Q:
    """The condition "takes part", also across a relation (`prefix="participations__"`);
    put it in the same `filter()` as the other conditions on that participation."""
    return models.Q(**{f"{prefix}rsvp__in": TAKING_PART})


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def taking_part(self) -> "ParticipationQuerySet":
        """People who take part: not those who declined or whose invitation was withdrawn."""
        return self.filter(taking_part_q())

    def not_taking_part(self) -> "ParticipationQuerySet":
        """People who declined, or whose invitation was withdrawn."""
        return self.filter(rsvp__in=NOT_TAKING_PART)

    def attended(self) -> "ParticipationQuerySet":
        """Who took part in the session: taking part and not recorded as absent (attendance
        not recorded counts as there, for sessions from before it was recorded)."""
        return self.taking_part().exclude(attended=False)


class Participation(models.Model):
    """A person's role in one assist (one role each; a facilitator may also take notes).

    `rsvp` follows the answer to their invitation: a declined or withdrawn one makes them
    not a participant (`Participation.objects.taking_part()`), while the row stays so that
    the organiser sees the answer. `attended` is who was actually there."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("breakout group"),
    )
    rsvp = models.CharField(_("RSVP"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    #: Yes / no / not recorded (None): set by presence in the live room and by the
    #: facilitator's ticks at the conclusion.
    attended = models.BooleanField(_("attended"), null=True, blank=True, default=None)
    seen_in_room_at = models.DateTimeField(_("first seen in the live room"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "person"], name="one_role_per_person")
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def taking_part(self) -> bool:
        return self.rsvp in TAKING_PART


class JoinRequest(models.Model):
    """Someone who saw a shared plan and asks to take part."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="join_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="join_requests")
    role = models.CharField(
        _("as"),
        max_length=20,
        choices=[
            (Role.VISITING_PEER, Role.VISITING_PEER.label),
            (Role.OBSERVER, Role.OBSERVER.label),
        ],
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assist", "person"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.assist}"
