from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Role


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role for everyone invited"), choices=Role.choices, initial=Role.MEMBER
    )
    people = forms.TypedMultipleChoiceField(
        label=_("People"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person to invite.")},
    )

    def __init__(
        self, *args: Any, people_choices: Iterable[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = cast(forms.TypedMultipleChoiceField, self.fields["people"])
        people.choices = list(people_choices)
