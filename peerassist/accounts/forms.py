from django import forms
from django.utils.translation import gettext_lazy as _


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every member"),
        required=False,
        help_text=_(
            "Members without an authenticator app are asked to set one up before they can "
            "continue. Make sure you have set up yours first."
        ),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. \u201creporting script\u201d."),
    )
