from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.audit.models import Kind


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"), choices=[("", _("All events")), *Kind.choices], required=False
    )
    who = forms.CharField(label=_("Person (e-mail)"), max_length=254, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
