from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.search.models import DocType

if TYPE_CHECKING:
    from peerassist.communities.models import Community
    from peerassist.people.models import Unit

LANGUAGE_CHOICES = [
    ("", _("Any language")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _('e.g. smart meters, "field crews", -pilot'),
                "autocomplete": "off",
                "aria-describedby": "search-help",
            }
        ),
    )
    type = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=DocType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    community = forms.TypedChoiceField(
        label=_("Community"), required=False, coerce=int, empty_value=None
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        units: Iterable[tuple[Unit, int]] = (),
        communities: Iterable[Community] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("All units"))] + [
            (u.pk, "\u2003" * depth + u.name) for u, depth in units
        ]
        cast(forms.ChoiceField, self.fields["community"]).choices = [("", _("All communities"))] + [
            (c.pk, c.name) for c in communities
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
