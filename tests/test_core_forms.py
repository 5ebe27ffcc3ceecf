"""core/forms.py: a service's refusal lands next to the field it is about, in every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from peerassist.core.findings import Finding, Level
from peerassist.core.forms import add_findings, add_validation_error, form_field_for


class ActionForm(forms.Form):
    title = forms.CharField(label="Title")
    owner = forms.CharField(label="Owner", required=False)
    contributions = forms.CharField(label="Notes", required=False)


def _bound() -> ActionForm:
    form = ActionForm(data={"title": "x"})
    assert form.is_valid()
    return form


def test_an_error_key_maps_to_the_field_itself_or_without_its_id_suffix():
    form = _bound()
    assert form_field_for(form, "title") == "title"
    assert form_field_for(form, "owner_id") == "owner"
    assert form_field_for(form, "contribution_ids") is None
    assert form_field_for(form, "contribution_ids", {"contribution": "contributions"}) == (
        "contributions"
    )
    assert form_field_for(form, "due_on") is None


def test_validation_errors_go_to_their_fields_and_the_rest_above_the_form():
    form = _bound()
    add_validation_error(
        form,
        ValidationError({"owner_id": "Not in this assist.", "status": "Closed already."}),
    )
    assert form.errors["owner"] == ["Not in this assist."]
    assert form.non_field_errors() == ["Closed already."]
    form = _bound()
    add_validation_error(form, ValidationError("The session is over."))
    assert form.non_field_errors() == ["The session is over."]


def test_findings_go_to_their_fields():
    form = _bound()
    add_findings(
        form,
        [
            Finding(Level.ERROR, "title", "Say what you will do.", field="title"),
            Finding(Level.ERROR, "plan", "No facilitator yet."),
        ],
    )
    assert form.errors["title"] == ["Say what you will do."]
    assert form.non_field_errors() == ["No facilitator yet."]


def test_the_shared_field_partial_labels_the_field_and_ties_its_error_to_it():
    form = _bound()
    form.add_error("owner", "Not in this assist.")
    html = render_to_string("core/_field.html", {"field": form["owner"]})
    assert '<label for="id_owner">Owner</label>' in html
    assert 'id="id_owner_error"' in html
    assert "Not in this assist." in html
