"""Writing one organisation to an export-org archive (.tar.gz)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from peerassist.core.orgtransfer.tables import (
    DATA,
    FORMAT,
    MANIFEST,
    MEDIA_DIR,
    ORGANISATION,
    SHARED,
    USER,
    ExactJSONEncoder,
    TransferError,
    file_fields,
    foreign_keys,
    label_of,
    model_or_none,
    organisation_querysets,
    sha256,
)


def _shared_keys(querysets: dict[str, models.QuerySet[Any]]) -> dict[str, dict[str, Any]]:
    """The shared rows the exported ones point to, by their old id → natural key."""
    wanted: dict[str, set[Any]] = {label: set() for label in SHARED}
    for label, qs in querysets.items():
        model = apps.get_model(label)
        for field in foreign_keys(model):
            target = label_of(field.related_model)  # type: ignore[arg-type]
            if target in SHARED:  # e.g. an assist or an org's format on a shipped format
                wanted[target] |= set(
                    qs.exclude(**{f"{field.attname}__isnull": True}).values_list(
                        field.attname, flat=True
                    )
                )
        for m2m in model._meta.many_to_many:
            target = label_of(m2m.related_model)  # type: ignore[arg-type]
            if target in SHARED:
                wanted[target] |= set(
                    qs.exclude(**{m2m.name: None}).values_list(m2m.name, flat=True)
                )
    keys: dict[str, dict[str, Any]] = {}
    for label, ids in wanted.items():
        model = model_or_none(label)
        if model is None:
            continue
        fields = SHARED[label]
        rows = model._default_manager.filter(pk__in=ids)
        if label == "assists.Format":
            rows = rows.filter(organisation__isnull=True)
        keys[label] = {
            str(row.pk): {name: getattr(row, name) for name in fields} | {"_pk": str(row.pk)}
            for row in rows
        }
    return keys


def organisation_export(slug: str, output: Path) -> dict[str, Any]:
    """Write the organisation `slug` to `output` (.tar.gz); returns the manifest."""
    organisation_model = apps.get_model(ORGANISATION)
    try:
        organisation = organisation_model._default_manager.get(slug=slug)
    except organisation_model.DoesNotExist:
        known = ", ".join(organisation_model._default_manager.values_list("slug", flat=True))
        raise TransferError(f"No organisation '{slug}'. Known: {known or 'none'}.") from None
    output = output.resolve()
    # Every table read from one snapshot; inside a caller's transaction, that one already is
    # (PostgreSQL accepts SET TRANSACTION only as a transaction's first statement).
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and own_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        querysets = organisation_querysets(organisation)
        tables = []
        files: dict[str, bytes] = {}
        for label, qs in querysets.items():
            rows = list(qs)
            tables.append({"model": label, "rows": serializers.serialize("python", rows)})
            for row in rows:
                for field in file_fields(type(row)):
                    stored = getattr(row, field.attname).name
                    if stored:
                        try:
                            with default_storage.open(stored, "rb") as handle:
                                files[stored] = handle.read()
                        except OSError as exc:
                            raise TransferError(
                                f"{label} #{row.pk}: its file {stored} cannot be read ({exc})."
                            ) from exc
        shared = _shared_keys(querysets)
    data = json.dumps(
        {"organisation": slug, "tables": tables, "shared": shared},
        cls=ExactJSONEncoder,
        indent=1,
        sort_keys=True,
    ).encode()
    manifest = {
        "format": FORMAT,
        "kind": "peerassist-organisation",
        "organisation": slug,
        "peerassist": version("peerassist"),
        "django": version("django"),
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"file": DATA, "sha256": sha256(data)},
        "rows": {table["model"]: len(table["rows"]) for table in tables},
        "media": {
            name: {"size": len(body), "sha256": sha256(body)} for name, body in files.items()
        },
    }
    partial = output.with_name(output.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        for name, body in [
            (MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode()),
            (DATA, data),
            *((f"{MEDIA_DIR}/{name}", body) for name, body in sorted(files.items())),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
    partial.chmod(0o600)  # password hashes, API token digests, webhook secrets
    partial.replace(output)
    return manifest


def export_summary(manifest: dict[str, Any]) -> str:
    rows = sum(manifest["rows"].values())
    return (
        f"{len(manifest['rows'])} tables, {rows} rows, {manifest['rows'].get(USER, 0)} accounts "
        f"and {len(manifest['media'])} files"
    )
