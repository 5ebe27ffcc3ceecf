from collections.abc import Iterable
from typing import Any

from django import forms
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
