"""Communities of practice: the recurring meetings that host mini Peer Assists."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerassist.accounts.models import Organisation
from peerassist.assists.models import PeerAssist
from peerassist.core.scoping import OrgScopedManager
from peerassist.people.models import Person


class Community(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Person, blank=True, related_name="communities", verbose_name=_("members")
    )
    leads = models.ManyToManyField(
        Person, blank=True, related_name="communities_led", verbose_name=_("leads")
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_community_name_per_org"
            )
        ]
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """One of a community's recurring meetings: where round robins, Gives & Takes and mini
    Peer Assists happen."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    #: The mini Peer Assist held at this meeting, if any.
    mini_assist = models.OneToOneField(
        PeerAssist,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_meeting",
        verbose_name=_("mini Peer Assist"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.community}: {self.title}"


class TopicSource(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    TAKE = "take", _("Take (Gives & Takes)")
    STRATEGIC_NEED = "strategic_need", _("Strategic need")
    OPERATIONAL_NEED = "operational_need", _("Operational need")
    REQUEST = "request", _("Direct request")


class TopicStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    SCREENED = "screened", _("Screened")
    SELECTED = "selected", _("Selected")
    TURNED_INTO_ASSIST = "turned_into_assist", _("Turned into a Peer Assist")
    DROPPED = "dropped", pgettext_lazy("status of a topic", "Dropped")


class Topic(models.Model):
    """A candidate topic for a Peer Assist, from any of the sources, on one board."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=TopicSource.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("community"),
    )
    raised_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics_raised",
        verbose_name=_("raised by"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="topics"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.CANDIDATE
    )
    # What the screening rules read.
    decision_on = models.DateField(_("decision or start date"), null=True, blank=True)
    planning_started = models.BooleanField(_("real planning has begun"), default=False)
    planning_notes = models.TextField(_("what planning has been done"), blank=True)
    assist = models.ForeignKey(
        PeerAssist, on_delete=models.SET_NULL, null=True, blank=True, related_name="topics"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class TopicVote(models.Model):
    """One member's vote for a topic ("this matters to me too")."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="topic_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], name="one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.topic}"


class OfferFields(models.Model):
    """What a Give and a Take share: who, what, and at which meeting or community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("community")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("meeting"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("person")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Give(OfferFields):
    """Something a person can offer: experience, a tool, time."""

    class Meta(OfferFields.Meta):
        verbose_name = _("give")
        verbose_name_plural = _("gives")


class Take(OfferFields):
    """Something a person needs help with; it can become a topic."""

    topic = models.OneToOneField(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="take"
    )

    class Meta(OfferFields.Meta):
        verbose_name = _("take")
        verbose_name_plural = _("takes")


class RoundRobinEntry(models.Model):
    """A challenge one attendee stated in a meeting's round robin; it becomes a topic."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="round_robin")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("challenge"))
    topic = models.OneToOneField(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="round_robin_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("round robin challenge")
        verbose_name_plural = _("round robin challenges")

    def __str__(self) -> str:
        return self.text[:60]
