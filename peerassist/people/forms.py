from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from peerassist.people.csv_import import MAX_BYTES

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations

    from peerassist.people.models import ExpertiseTag, Language, Unit
    from peerassist.people.selectors import PeopleCount


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, job, unit or expertise")}
        ),
    )
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)
    expertise = forms.TypedChoiceField(
        label=_("Expertise"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        units: Iterable[tuple[Unit, int]] = (),
        languages: Iterable[Language] = (),
        expertise: Iterable[WithAnnotations[ExpertiseTag, PeopleCount]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("All units"))] + [
            (u.pk, "\u2003" * depth + u.name) for u, depth in units
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("All languages"))] + [
            (lang.code, lang.name) for lang in languages
        ]
        cast(forms.ChoiceField, self.fields["expertise"]).choices = [("", _("All expertise"))] + [
            (t.pk, f"{t.name} ({t.n_people})") for t in expertise
        ]


class ImportPeopleForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, first line naming the columns: email, name, unit, job_title, level, "
            "languages, time_zone, expertise, bio, external."
        ),
    )
    create_units = forms.BooleanField(label=_("Create units that do not exist yet"), required=False)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_BYTES:  # an upload always has a size
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    """Confirms the changes shown for a checked file (kept on the server under the token)."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)
