"""Forms of the conclusion, the write-up and the follow-up: they parse; services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerassist.core import forms as core_forms
from peerassist.live.models import Contribution
from peerassist.people.models import Person
from peerassist.writeups.models import Action, ActionStatus, Conclusion, FollowUp


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError, field by field; the notes an action comes from are
    the form's `contributions`."""
    core_forms.add_validation_error(form, error, aliases={"contribution": "contributions"})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


FOLLOWUP_CHOICES = [
    ("none", _("Not yet")),
    ("date", _("On a date")),
    ("meeting", _("At the community's next meeting")),
]


class ConclusionForm(forms.Form):
    learned = forms.CharField(
        label=_("What we learned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The home team's words: what did you learn that might help?"),
    )
    do_differently = forms.CharField(
        label=_("What we will do differently"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    shared_knowledge = forms.CharField(
        label=_("What we all now know together"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What surprised you? What did you expect to hear and didn't?"),
    )
    followup = forms.ChoiceField(
        label=_("When do we follow up?"),
        choices=FOLLOWUP_CHOICES,
        widget=forms.RadioSelect,
        initial="none",
    )
    followup_on = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput(),
        help_text=_("The home team is asked then what became of the advice."),
    )

    @classmethod
    def for_conclusion(cls, conclusion: Conclusion | None) -> ConclusionForm:
        if conclusion is None:
            return cls()
        choice = (
            "meeting"
            if conclusion.followup_at_next_meeting
            else "date"
            if conclusion.followup_on
            else "none"
        )
        return cls(
            initial={
                "learned": conclusion.learned,
                "do_differently": conclusion.do_differently,
                "shared_knowledge": conclusion.shared_knowledge,
                "followup": choice,
                "followup_on": conclusion.followup_on,
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("followup") == "date" and not data.get("followup_on"):
            self.add_error("followup_on", _("Choose the date of the follow-up."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "learned": data["learned"],
            "do_differently": data["do_differently"],
            "shared_knowledge": data["shared_knowledge"],
            "followup_on": data["followup_on"] if data["followup"] == "date" else None,
            "followup_at_next_meeting": data["followup"] == "meeting",
        }


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    contributions = forms.ModelMultipleChoiceField(
        label=_("Based on these notes"),
        queryset=Contribution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The starred notes and action ideas of the session."),
    )

    def __init__(
        self,
        *args: Any,
        people: Any,
        candidates: Any,
        participants: Iterable[Person] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = people
        taking_part = list(participants)
        ids = {p.pk for p in taking_part}
        # People in the session first, then the rest of the directory.
        owner.choices = [
            ("", _("Nobody yet")),
            (_("Took part"), [(p.pk, p.name) for p in taking_part]),
            (_("Directory"), [(p.pk, p.name) for p in people if p.pk not in ids]),
        ]
        contributions: Any = self.fields["contributions"]
        contributions.queryset = candidates
        contributions.label_from_instance = lambda c: (
            ("★ " if c.starred else "") + f"{c.get_kind_display()}: {c.text[:120]}"
        )

    @classmethod
    def initial_for(cls, action: Action) -> dict[str, Any]:
        return {
            "title": action.title,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "contributions": [c.pk for c in action.contributions.all()],
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owner_id": data["owner"].pk if data["owner"] else None,
            "due_on": data["due_on"],
            "status": data["status"],
            "contribution_ids": [c.pk for c in data["contributions"]],
        }


class ConnectPairForm(forms.Form):
    home_peer = forms.ModelChoiceField(label=_("Home peer"), queryset=Person.objects.none())
    visiting_peer = forms.ModelChoiceField(label=_("Visiting peer"), queryset=Person.objects.none())
    topic = forms.CharField(label=_("On what"), max_length=300, required=False)

    def __init__(self, *args: Any, home: Any, visiting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home_field: Any = self.fields["home_peer"]
        home_field.queryset = home
        visiting_field: Any = self.fields["visiting_peer"]
        visiting_field.queryset = visiting


USEFULNESS_CHOICES = [
    (1, _("1 – not useful")),
    (2, _("2")),
    (3, _("3")),
    (4, _("4")),
    (5, _("5 – very useful")),
]


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was the session for you?"),
        choices=USEFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label=_("Give this feedback anonymously"),
        required=False,
        help_text=_("Your name is then never shown with it, to anyone."),
    )


class WriteUpForm(forms.Form):
    body = forms.CharField(
        label=_("Write-up (Markdown)"),
        required=False,
        strip=False,  # leading spaces mean something in Markdown; keep the text as typed
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "true"}),
        help_text=_(
            "Markdown: # for headings, - for lists, **bold**, and tables with | between cells."
        ),
    )
    note = forms.CharField(
        label=_("What did you change? (optional)"), required=False, max_length=200
    )


class PublishForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Also send it to people who might benefit"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Everyone who took part is told anyway. Choose others who face a similar "
            "challenge; they may read the write-up even if the assist is for participants only."
        ),
    )
    shared_with_guests = forms.BooleanField(
        label=_("Guests who took part may read it"), required=False, initial=True
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients: Any = self.fields["recipients"]
        recipients.queryset = people


class FollowUpForm(forms.Form):
    followed_up_with = forms.ModelMultipleChoiceField(
        label=_("Which visiting peers did you follow up with?"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    what_changed = forms.CharField(
        label=_("What did you do differently as a result?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(
        self, *args: Any, peers: Any, actions: Iterable[Action] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["followed_up_with"]
        field.queryset = peers
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"action_{action.pk}"] = forms.ChoiceField(
                label=action.title, choices=ActionStatus.choices, initial=action.status
            )

    @classmethod
    def initial_for(cls, followup: FollowUp | None) -> dict[str, Any]:
        if followup is None:
            return {}
        return {
            "followed_up_with": [p.pk for p in followup.followed_up_with.all()],
            "what_changed": followup.what_changed,
        }

    def action_fields(self) -> list[Any]:
        return [self[f"action_{a.pk}"] for a in self.actions]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "followed_up_with_ids": [p.pk for p in data["followed_up_with"]],
            "what_changed": data["what_changed"],
            "action_statuses": {a.pk: data[f"action_{a.pk}"] for a in self.actions},
        }
