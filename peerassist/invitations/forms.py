from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerassist.assists.models import Participation, Role


class SuggestForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=200)
    email = forms.EmailField(label=_("Their e-mail address"))
    reason = forms.CharField(
        label=_("Why they would be a good visiting peer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VISITING_PEER)


class InviteForm(forms.Form):
    def __init__(
        self, *args: Any, participations: Iterable[Participation] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_ids"] = forms.TypedMultipleChoiceField(
            label=_("Invite"),
            coerce=int,
            choices=[
                (p.person_id, f"{p.person.name} ({p.get_role_display()})") for p in participations
            ],
            widget=forms.CheckboxSelectMultiple,
        )


class PersonIdsField(forms.Field):
    """Several person ids (repeated form fields); anything but a whole number is an error."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids = []
        for item in value or []:
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                raise ValidationError(
                    _("“%(value)s” is not a person from this list."), params={"value": item}
                ) from None
        return ids


class SelectedPeopleForm(forms.Form):
    """What the Invitations tab's bulk form posts: the people ticked, or "select all" over the
    people the page listed (so that it works without JavaScript, and never reaches someone
    added since the page loaded)."""

    person_ids = PersonIdsField(required=False)
    select_all = forms.BooleanField(required=False)
    listed = PersonIdsField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        chosen = set(data.get("listed", [])) if data.get("select_all") else set()
        chosen |= set(data.get("person_ids", []))
        if not chosen:
            raise ValidationError(_("Choose at least one person to invite."))
        data["chosen"] = sorted(chosen)
        return data
