"""Comparing an organisation on two instances, whatever ids each gave it (the move test)."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from peerassist.core.orgtransfer.tables import (
    IDS_IN_JSON,
    IDS_IN_TEXT,
    ORGANISATION,
    SHARED,
    USER,
    label_of,
    organisation_querysets,
    sha256,
)


def organisation_snapshot(slug: str) -> dict[str, list[str]]:
    """The organisation's rows, each as JSON with every id replaced by what it points at
    (recursively), file names by their content's checksum; per model, sorted. Equal snapshots
    on two instances mean the same data, whatever ids each instance gave it."""
    organisation = apps.get_model(ORGANISATION)._default_manager.get(slug=slug)
    querysets = organisation_querysets(organisation)
    rows: dict[str, dict[Any, models.Model]] = {
        label: {row.pk: row for row in qs} for label, qs in querysets.items()
    }
    keys: dict[tuple[str, Any], str] = {}

    def key(label: str, pk: Any) -> str:
        if label not in rows or pk not in rows[label]:
            if label in SHARED:
                row = apps.get_model(label)._default_manager.get(pk=pk)
                return json.dumps({name: getattr(row, name) for name in SHARED[label]})
            return f"{label}:outside"
        if (label, pk) not in keys:
            keys[(label, pk)] = "…"  # a loop points back here
            keys[(label, pk)] = sha256(content(rows[label][pk]).encode())
        return keys[(label, pk)]

    def content(row: models.Model) -> str:
        label = label_of(type(row))
        values: dict[str, Any] = {}
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue
            if isinstance(field, models.ForeignKey) and value is not None:
                value = key(label_of(field.related_model), value)  # type: ignore[arg-type]
            elif isinstance(field, models.FileField):
                with default_storage.open(value.name, "rb") as handle:
                    value = sha256(handle.read())
            elif label == USER and field.name in ("is_staff", "is_superuser"):
                continue
            elif (label, field.name) in IDS_IN_TEXT:
                for pattern, target in IDS_IN_TEXT[(label, field.name)]:
                    value = pattern.sub(
                        lambda m, t=target: m.group(0).replace(m.group(1), key(t, int(m.group(1)))),
                        value,
                    )
            elif (label, field.name) in IDS_IN_JSON:
                how, target = IDS_IN_JSON[(label, field.name)]
                outside = f"{target}:outside"  # dropped by a move, as import-org does
                if how == "keys":
                    value = {key(target, int(k)): v for k, v in value.items()}
                    value.pop(outside, None)
                else:
                    value = sorted(k for k in (key(target, int(i)) for i in value) if k != outside)
            values[field.name] = value
        for field in row._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:  # type: ignore[attr-defined]
                target = label_of(field.related_model)  # type: ignore[arg-type]
                values[field.name] = sorted(
                    key(target, pk) for pk in getattr(row, field.name).values_list("pk", flat=True)
                )
        return json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True)

    return {label: sorted(content(row) for row in table.values()) for label, table in rows.items()}
