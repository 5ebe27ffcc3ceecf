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

    def __init__(self, *args, people_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = list(people_choices)
