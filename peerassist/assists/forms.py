"""Forms of the planning pages: they parse what a person typed; the services decide the rest."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    Format,
    Mode,
    PeerAssist,
    Role,
    Status,
    Visibility,
)
from peerassist.assists.page_data import assist_zone
from peerassist.assists.shipped_formats import shipped_text
from peerassist.core.when import time_zone_choices, validate_time_zone
from peerassist.people.models import Language

TEXTAREA = {"rows": 5, "cols": 60}


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )


class AssistCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What are you about to do? For example “Roll out smart meters in the south”."),
    )
    format_id = forms.TypedChoiceField(label=_("Format"), coerce=int, widget=forms.RadioSelect)
    join_home_team = forms.BooleanField(
        label=_("I am in the home team"), required=False, initial=True
    )

    def __init__(self, *args: Any, formats: Iterable[Format] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.formats = list(formats)
        cast(forms.ChoiceField, self.fields["format_id"]).choices = [
            (f.pk, f.name) for f in self.formats
        ]
        if self.formats and not self.is_bound:
            standard = next((f for f in self.formats if f.kind == "standard"), self.formats[0])
            self.fields["format_id"].initial = standard.pk


class BriefForm(forms.Form):
    business_context = forms.CharField(
        label=_("Business context"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Where this sits in the organisation, and why it matters now."),
    )
    challenge = forms.CharField(
        label=_("The challenge"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What you are about to do, and what makes it hard."),
    )
    planned_approach = forms.CharField(
        label=_("Planned approach"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("How you mean to go about it today."),
    )
    desired_outcome = forms.CharField(
        label=_("Desired outcome"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Usually options and insights, not a decision."),
    )
    focus_questions = forms.CharField(
        label=_("Focus questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("One to five questions you want the visiting peers to answer, one per line."),
    )

    @classmethod
    def for_assist(cls, assist: PeerAssist) -> BriefForm:
        return cls(
            initial={
                "business_context": assist.business_context,
                "challenge": assist.challenge,
                "planned_approach": assist.planned_approach,
                "desired_outcome": assist.desired_outcome,
                "focus_questions": "\n".join(assist.focus_questions),
            }
        )

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        # Blank lines are layout, not empty questions.
        data["focus_questions"] = [
            line.strip() for line in data["focus_questions"].splitlines() if line.strip()
        ]
        return data


class AgendaForm(forms.Form):
    """One minutes box per step of the assist's agenda."""

    def __init__(self, *args: Any, steps: Iterable[AssistStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        for step in self.steps:
            self.fields[f"step_{step.pk}"] = forms.IntegerField(
                label=_("Minutes for “%(step)s”") % {"step": shipped_text(step.name)},
                min_value=0,
                max_value=2 * 24 * 60,
                initial=step.duration_minutes,
                widget=forms.NumberInput(attrs={"class": "minutes", "inputmode": "numeric"}),
            )

    def rows(self) -> list[tuple[AssistStep, forms.BoundField]]:
        return [(step, self[f"step_{step.pk}"]) for step in self.steps]

    def durations(self) -> dict[int, int]:
        return {step.pk: self.cleaned_data[f"step_{step.pk}"] for step in self.steps}


class ParticipationAddForm(forms.Form):
    # Chosen in the type-ahead picker (people/_picker.html); the service checks that the person
    # is in the viewer's organisation, so an id typed into a crafted POST goes no further.
    person_id = forms.IntegerField(
        label=_("Person"),
        min_value=1,
        error_messages={"required": _("Find the person, then choose them from the matches.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VISITING_PEER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class GroupAssignForm(forms.Form):
    group_id = forms.TypedChoiceField(
        label=_("Group"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, groups: Iterable[BreakoutGroup] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group_id"]).choices = [("", _("No group"))] + [
            (g.pk, g.name) for g in groups
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class JoinRequestForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Ask to join as"),
        choices=[(Role.VISITING_PEER, _("Visiting peer")), (Role.OBSERVER, _("Observer"))],
        initial=Role.VISITING_PEER,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the home team (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
    )


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local value kept as wall-clock time: the form reads it in the assist's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return parsed.replace(tzinfo=None)


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogisticsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = LocalDateTimeField(label=_("Starts at"), required=False)
    ends_at = LocalDateTimeField(label=_("Ends at"), required=False)
    # A picker, not free text; still validated, as a crafted POST can send anything.
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        validators=[validate_time_zone],
        widget=forms.Select,
        help_text=_("The start and end times are in this zone, e.g. Europe/London."),
    )
    decision_date = DateField(
        label=_("Decision date"),
        required=False,
        help_text=_("When the decision this assist feeds is taken."),
    )
    brief_send_on = DateField(
        label=_("Send the brief on"),
        required=False,
        help_text=_("At least a week before the session."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple
    )
    visibility = forms.ChoiceField(
        label=_("Who can see this plan"), choices=Visibility.choices, widget=forms.RadioSelect
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        languages: Iterable[Language],
        stored_send_on: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        cast(forms.ChoiceField, self.fields["languages"]).choices = [
            (lang.code, lang.name) for lang in languages
        ]
        current = (data or {}).get("time_zone") or self.initial.get("time_zone") or ""
        widget = self.fields["time_zone"].widget
        widget.choices = time_zone_choices(current if isinstance(current, str) else "")
        # A past date already stored (the brief went out then) may stay; a new one may not.
        self.stored_send_on = stored_send_on

    def clean_brief_send_on(self) -> date | None:
        value: date | None = self.cleaned_data.get("brief_send_on")
        if value and value != self.stored_send_on and value < timezone.localdate():
            raise forms.ValidationError(
                _("This date has passed, so the brief would never go out. Choose today or later.")
            )
        return value

    @classmethod
    def for_assist(cls, assist: PeerAssist, *, languages: Iterable[Language]) -> LogisticsForm:
        zone = assist_zone(assist)

        def wall_clock(moment: datetime | None) -> datetime | None:
            return moment.astimezone(zone).replace(tzinfo=None) if moment else None

        return cls(
            languages=languages,
            initial={
                "title": assist.title,
                "starts_at": wall_clock(assist.starts_at),
                "ends_at": wall_clock(assist.ends_at),
                "time_zone": assist.time_zone,
                "decision_date": assist.decision_date,
                "brief_send_on": assist.brief_send_on,
                "mode": assist.mode,
                "place": assist.place,
                "video_link": assist.video_link,
                "languages": [lang.code for lang in assist.languages.all()],
                "visibility": assist.visibility,
            },
        )

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        name = data.get("time_zone")
        if name:
            zone = zoneinfo.ZoneInfo(name)
            for key in ("starts_at", "ends_at"):
                if data.get(key) is not None:
                    data[key] = data[key].replace(tzinfo=zone)
                    try:
                        data[key].astimezone(UTC)  # stored in UTC: it must exist there too
                    except OverflowError:
                        del data[key]
                        self.add_error(
                            key, _("Enter a date and time between the years 1 and 9999.")
                        )
        return data
