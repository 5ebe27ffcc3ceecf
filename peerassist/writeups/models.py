"""After the session: the conclusion, actions, feedback, the write-up and the follow-up."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerassist.assists.models import PeerAssist
from peerassist.live.models import Contribution
from peerassist.people.models import Person


class Conclusion(models.Model):
    """The home team's response at the end of the session (editable afterwards)."""

    assist = models.OneToOneField(PeerAssist, on_delete=models.CASCADE, related_name="conclusion")
    learned = models.TextField(_("what we learned"), blank=True)
    do_differently = models.TextField(_("what we will do differently"), blank=True)
    shared_knowledge = models.TextField(_("what we all now know together"), blank=True)
    # The follow-up check-in: a date, or the community's next meeting.
    followup_on = models.DateField(_("follow up on"), null=True, blank=True)
    followup_at_next_meeting = models.BooleanField(
        _("follow up at the community's next meeting"), default=False
    )
    updated_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")

    def __str__(self) -> str:
        return f"Conclusion of {self.assist}"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status of an action", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("status of an action", "Done")
    DROPPED = "dropped", pgettext_lazy("status of an action", "Dropped")


class Action(models.Model):
    """Something the home team will do, with an owner and a due date."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    contributions = models.ManyToManyField(
        Contribution, blank=True, related_name="actions", verbose_name=_("based on")
    )
    notes = models.TextField(_("progress notes"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    #: The last day an overdue reminder went out, so that each day sends at most one.
    reminded_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assist", "order", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title


class ConnectPair(models.Model):
    """ "Connect afterwards": a home peer and a visiting peer agree to talk further."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="connect_pairs")
    home_peer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    visiting_peer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("on what"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assist", "pk"]
        verbose_name = _("connection to follow up")
        verbose_name_plural = _("connections to follow up")

    def __str__(self) -> str:
        return f"{self.home_peer} ↔ {self.visiting_peer}"


class Feedback(models.Model):
    """A participant's view of the session; `anonymous` hides who gave it, never stores less."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    usefulness = models.PositiveSmallIntegerField(_("how useful was it (1–5)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assist", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "person"], name="one_feedback_per_person"),
            models.CheckConstraint(
                condition=models.Q(usefulness__gte=1, usefulness__lte=5),
                name="usefulness_1_to_5",
            ),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.usefulness}/5"


class WriteUpStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("status of a write-up", "Published")


class WriteUp(models.Model):
    """The 1–2 page report, in Markdown; every saved edit is kept as a WriteUpVersion."""

    assist = models.OneToOneField(PeerAssist, on_delete=models.CASCADE, related_name="writeup")
    body = models.TextField(_("write-up (Markdown)"), blank=True)
    version = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=WriteUpStatus.choices, default=WriteUpStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: People outside the session chosen to receive it because they "might benefit".
    recipients = models.ManyToManyField(
        Person, blank=True, related_name="writeups_received", verbose_name=_("send to")
    )
    shared_with_guests = models.BooleanField(_("guests who took part may read it"), default=True)
    #: The text last drafted from the session: what a fresh draft is compared with to tell
    #: the editor that the conclusion changed since (and which sections a merge brings in).
    session_draft = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("write-up")
        verbose_name_plural = _("write-ups")

    def __str__(self) -> str:
        return f"Write-up of {self.assist}"


class WriteUpVersion(models.Model):
    writeup = models.ForeignKey(WriteUp, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["writeup", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["writeup", "number"], name="unique_writeup_version")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class FollowUp(models.Model):
    """The check-in after the session: asked once when due, answered by the home team."""

    assist = models.OneToOneField(PeerAssist, on_delete=models.CASCADE, related_name="followup")
    due_on = models.DateField(_("due on"))
    asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    followed_up_with = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("visiting peers we followed up with")
    )
    what_changed = models.TextField(_("what we did differently as a result"), blank=True)
    #: When the visiting peers were told "what became of your advice".
    peers_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"Follow-up of {self.assist} on {self.due_on}"
