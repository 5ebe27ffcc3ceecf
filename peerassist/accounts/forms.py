from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peerassist.core.when import time_zone_choices, validate_time_zone


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
        help_text=_("What will use it, e.g. “reporting script”."),
    )


class SsoConfigurationForm(forms.Form):
    """An organisation's OpenID Connect provider, as its administrators enter it."""

    enabled = forms.BooleanField(
        label=_("Single sign-on is on"),
        required=False,
        help_text=_("While it is off, nobody is sent to the identity provider."),
    )
    issuer_url = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The identity provider's issuer, e.g. https://login.example.com/realms/staff "
            "(peerassist reads /.well-known/openid-configuration under it)."
        ),
        # Its address (public only, unless the operator allows more: SSO_ALLOWED_*) is
        # checked by sso_configuration_save, for this page and the API alike, and shown as
        # this field's error.
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=255)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the secret already saved."),
    )
    domains = forms.CharField(
        label=_("E-mail domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line (or separated by spaces or commas), e.g. example.com. People whose "
            "address ends with one of them sign in through this provider."
        ),
    )
    sso_only = forms.BooleanField(
        label=_("Single sign-on only: no passwords for these domains"),
        required=False,
        help_text=_(
            "Members with an address in these domains can no longer sign in with a password. "
            "Guests from other domains keep theirs."
        ),
    )
    default_role = forms.ChoiceField(
        label=_("Role of people who sign in for the first time"),
        help_text=_("You can change anyone's role afterwards in Members."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from peerassist.accounts.models import Role

        self.fields["default_role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if value != Role.ADMIN
        ]


class TimeZoneForm(forms.Form):
    """The zone the person's pages show times in: a picker of IANA zones, validated anyway."""

    time_zone = forms.CharField(
        label=_("Your time zone"),
        max_length=64,
        validators=[validate_time_zone],
        widget=forms.Select,
        help_text=_(
            "Every date and time is shown in this zone; e-mails and calendar files use it too."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.data.get("time_zone") or self.initial.get("time_zone") or ""
        widget = self.fields["time_zone"].widget
        widget.choices = time_zone_choices(current if isinstance(current, str) else "")


class LanguageForm(forms.Form):
    """The language of the person's pages and of what is sent to them; empty: the browser's."""

    language = forms.ChoiceField(
        label=_("Your language"),
        required=False,
        help_text=_(
            "Pages, e-mails, notifications and exports are in this language, on every device."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        field.choices = [("", _("As my browser says")), *settings.LANGUAGES]  # type: ignore[attr-defined]
