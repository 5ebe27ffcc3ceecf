from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.notifications.models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("E-mail me about notifications"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_("Every notification is always listed in peerassist, whatever you choose."),
    )
