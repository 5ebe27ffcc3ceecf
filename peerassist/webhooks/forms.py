from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.webhooks.models import Event
from peerassist.webhooks.services import validate_webhook_url


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL that receives the deliveries"),
        max_length=500,
        assume_scheme="https",
        validators=[validate_webhook_url],
        help_text=_("peerassist sends a signed JSON POST here for each event you choose."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
