"""Forms of the community pages: they parse what a person typed; the services decide the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerassist.communities.models import Community, TopicSource, TopicStatus
from peerassist.people.models import Person

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import StrOrPromise

TEXTAREA = {"rows": 4, "cols": 60}


class DateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("What the community is about"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class MemberAddForm(forms.Form):
    person_id = forms.TypedChoiceField(label=_("Person"), coerce=int)
    lead = forms.BooleanField(label=_("Also a lead"), required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person_id"]).choices = [
            ("", _("Choose a person")),
            *people.values_list("pk", "name"),
        ]


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “March meeting” or “Round robin and Gives & Takes”."),
    )
    starts_at = DateTimeField(label=_("Starts at"))
    ends_at = DateTimeField(label=_("Ends at"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 6, "cols": 60})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


def _people_choices(people: QuerySet[Person] | None) -> list[tuple[Any, StrOrPromise]]:
    me = pgettext_lazy("in a list of people: the person filling in the form", "Me")
    return [("", me), *(people.values_list("pk", "name") if people is not None else [])]


class PlanningFields(forms.Form):
    """When it happens and how far planning is: two of the four criteria read these."""

    decision_on = forms.DateField(
        label=_("Decision or start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the plan will be decided or the work starts."),
    )
    planning_started = forms.BooleanField(label=_("Real planning has begun"), required=False)
    planning_notes = forms.CharField(
        label=_("What planning has been done so far"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("This becomes the brief's planned approach."),
    )


class RoundRobinForm(PlanningFields):
    person_id = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(
        label=_("The challenge"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("One or two sentences: what is about to happen and what is hard about it."),
    )
    field_order = ["person_id", "text", "decision_on", "planning_started", "planning_notes"]

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person_id"]
        else:
            cast(forms.ChoiceField, self.fields["person_id"]).choices = _people_choices(people)


class OfferForm(forms.Form):
    """A Give or a Take."""

    person_id = forms.TypedChoiceField(
        label=_("Whose"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(label=_("In a few words"), max_length=200)
    text = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person_id"]
        else:
            cast(forms.ChoiceField, self.fields["person_id"]).choices = _people_choices(people)


class MiniAssistForm(forms.Form):
    topic_id = forms.TypedChoiceField(
        label=_("Topic"), coerce=int, required=False, empty_value=None
    )
    title = forms.CharField(
        label=_("Or a title"),
        max_length=200,
        required=False,
        help_text=_("Used when no topic is chosen."),
    )

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic_id"]).choices = [
            ("", _("No topic: use the title")),
            *topics,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("topic_id") and not (data.get("title") or "").strip():
            self.add_error("title", _("Choose a topic or give a title."))
        return data


class TopicFilterForm(forms.Form):
    community = forms.TypedChoiceField(
        label=_("Community"), coerce=int, required=False, empty_value=None
    )
    source = forms.ChoiceField(
        label=pgettext_lazy("where a topic came from", "Source"),
        required=False,
        choices=[("", _("Any source")), *TopicSource.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *TopicStatus.choices]
    )

    def __init__(self, *args: Any, communities: QuerySet[Community], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["community"]).choices = [
            ("", _("Every community")),
            *communities.values_list("pk", "name"),
        ]


class TopicEditForm(PlanningFields):
    """Change a topic, whatever its source (a round robin's or a Take's too)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("The challenge"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    field_order = ["title", "description", "decision_on", "planning_started", "planning_notes"]


class TakeTopicForm(PlanningFields):
    """Asked when a Take goes on the topics board."""


class TopicForm(PlanningFields):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What is about to happen? For example “Launch the supplier portal in May”."),
    )
    description = forms.CharField(
        label=_("The challenge"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    source = forms.ChoiceField(label=_("Kind of topic"), widget=forms.RadioSelect)
    community_id = forms.TypedChoiceField(
        label=_("Community"), coerce=int, required=False, empty_value=None
    )
    # What it is first, then when and how far planning is (PlanningFields').
    field_order = [
        "title",
        "description",
        "source",
        "community_id",
        "decision_on",
        "planning_started",
        "planning_notes",
    ]

    def __init__(
        self,
        *args: Any,
        communities: QuerySet[Community],
        may_enter_needs: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        sources = [(TopicSource.REQUEST, TopicSource.REQUEST.label)]
        if may_enter_needs:
            sources += [
                (TopicSource.STRATEGIC_NEED, TopicSource.STRATEGIC_NEED.label),
                (TopicSource.OPERATIONAL_NEED, TopicSource.OPERATIONAL_NEED.label),
            ]
        cast(forms.ChoiceField, self.fields["source"]).choices = sources
        self.fields["source"].initial = TopicSource.REQUEST
        cast(forms.ChoiceField, self.fields["community_id"]).choices = [
            ("", _("No community")),
            *communities.values_list("pk", "name"),
        ]


class TopicStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s, s.label)
            for s in (
                TopicStatus.CANDIDATE,
                TopicStatus.SCREENED,
                TopicStatus.SELECTED,
                TopicStatus.DROPPED,
            )
        ],
    )
