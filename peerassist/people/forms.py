from django import forms
from django.utils.translation import gettext_lazy as _

from peerassist.people.csv_import import MAX_BYTES


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

    def __init__(self, *args, units=(), languages=(), expertise=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units"))] + [
            (u.pk, "\u2003" * depth + u.name) for u, depth in units
        ]
        self.fields["language"].choices = [("", _("All languages"))] + [
            (lang.code, lang.name) for lang in languages
        ]
        self.fields["expertise"].choices = [("", _("All expertise"))] + [
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    """Confirms the changes shown for a checked file (kept on the server under the token)."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)
