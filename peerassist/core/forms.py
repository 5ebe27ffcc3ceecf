"""Helpers every app's form views share: a service's refusal shown next to the field it is
about (or above the form). Their markup is core/_field.html and core/_errors.html."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError

from peerassist.core.findings import Finding


def add_findings(form: forms.Form, findings: Iterable[Finding]) -> None:
    """Put a service's refusals next to the fields they are about (or above the form)."""
    for finding in findings:
        form.add_error(finding.field if finding.field in form.fields else None, finding.message)


def form_field_for(
    form: forms.Form, name: str, aliases: Mapping[str, str] | None = None
) -> str | None:
    """The form's field a service's error key is about: the key itself, or without an
    `_id`/`_ids` suffix (services name ids, forms the choice), through `aliases`; None when
    the form has no such field (the error goes above the form)."""
    for candidate in (name, name.removesuffix("_ids"), name.removesuffix("_id")):
        candidate = (aliases or {}).get(candidate, candidate)
        if candidate in form.fields:
            return candidate
    return None


def add_validation_error(
    form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """A service's ValidationError, field by field where the form has the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(form_field_for(form, name, aliases), errors)
