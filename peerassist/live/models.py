"""The live room: its state (current step, timer), its event log, and the contributions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.assists.models import AssistStep, BreakoutGroup, ContributionKind, PeerAssist
from peerassist.people.models import Person


class TimerStatus(models.TextChoices):
    IDLE = "idle", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")


class Room(models.Model):
    """One per assist. `last_seq` numbers its events; the row is the lock that orders them."""

    assist = models.OneToOneField(PeerAssist, on_delete=models.CASCADE, related_name="room")
    last_seq = models.PositiveBigIntegerField(default=0)
    current_step = models.ForeignKey(
        AssistStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timer_status = models.CharField(
        max_length=10, choices=TimerStatus.choices, default=TimerStatus.IDLE
    )
    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    extra_seconds = models.IntegerField(default=0)
    auto_advance = models.BooleanField(default=False)
    projector_digest = models.CharField(max_length=64, blank=True, db_index=True)
    #: The projector token is derived from this and SECRET_KEY, so the facilitator can show
    #: the link again in any browser while the database alone does not give it away.
    projector_nonce = models.CharField(max_length=32, blank=True)
    #: The steps in which the facilitator lets participants ask questions without their name.
    anonymous_step_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Room of {self.assist}"


class RoomEvent(models.Model):
    """What happened in a room, in order: a reconnecting client replays from here."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assist", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "seq"], name="unique_event_seq_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.assist_id}#{self.seq} {self.type}"


class Contribution(models.Model):
    """A note typed in the room. Stored before it is broadcast; `client_id` makes retries safe."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="contributions")
    client_id = models.UUIDField()
    kind = models.CharField(_("kind"), max_length=30, choices=ContributionKind.choices)
    text = models.TextField(_("text"), max_length=2000)
    focus_question = models.PositiveSmallIntegerField(null=True, blank=True)
    step = models.ForeignKey(
        AssistStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="recorded"
    )
    starred = models.BooleanField(default=False)
    #: The role of who starred it (home peer or facilitator), so the write-up says it right.
    starred_by_role = models.CharField(max_length=20, blank=True)
    tags = models.JSONField(default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    #: Asked without a name: the author is kept for moderation and abuse only, and is shown
    #: to nobody else, in the room, the record, the write-up and every export.
    anonymous = models.BooleanField(default=False)
    #: A question's upvotes (one per person, see QuestionUpvote), counted here for the board.
    upvotes = models.PositiveIntegerField(default=0)
    #: When the facilitator marked the question answered.
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assist", "client_id"], name="one_contribution_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ContributionRevision(models.Model):
    """The text and kind a contribution had before an edit."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    text = models.TextField()
    edited_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contribution", "version"]

    def __str__(self) -> str:
        return f"{self.contribution_id} v{self.version}"


class QuestionUpvote(models.Model):
    """One person's upvote of a question in the room (at most one each)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="upvote_set"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "person"], name="one_upvote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ▲ {self.contribution_id}"


class Vote(models.Model):
    """A dot-vote the facilitator opens over chosen notes: `dots` per person, results shown
    once it is closed (see live/votes.py)."""

    class Voters(models.TextChoices):
        EVERYONE = "everyone", _("Home team and visiting peers")
        HOME_TEAM = "home_team", _("The home team")

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="votes")
    step = models.ForeignKey(
        AssistStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.ManyToManyField(Contribution, related_name="votes")
    dots = models.PositiveSmallIntegerField(_("dots per person"))
    voters = models.CharField(max_length=12, choices=Voters.choices, default=Voters.EVERYONE)
    opened_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"Vote {self.pk} in {self.assist_id}"


class Ballot(models.Model):
    """One person's dots in one vote: {contribution id: dots}. One per person and vote."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    dots = models.JSONField(default=dict)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "person"], name="one_ballot_per_person")
        ]

    def __str__(self) -> str:
        return f"Ballot of {self.person_id} in vote {self.vote_id}"
