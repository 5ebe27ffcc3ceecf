"""Reading an export-org archive into this instance: checked first, then written all or
nothing with new ids."""

from __future__ import annotations

import contextlib
import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction

from peerassist.core.orgtransfer.tables import (
    DATA,
    FORMAT,
    IDS_IN_JSON,
    IDS_IN_TEXT,
    MANIFEST,
    MEDIA_DIR,
    ORGANISATION,
    SHARED,
    USER,
    TransferError,
    file_fields,
    foreign_keys,
    label_of,
    model_or_none,
    sha256,
)


@dataclass(frozen=True)
class ImportReport:
    organisation: str
    rows: int
    accounts: int
    files: int


def _read(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, bytes]]:
    """The archive's manifest, data and files, every checksum checked."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if MANIFEST not in members:
                raise TransferError(
                    f"{path} has no {MANIFEST}: not a peerassist export-org archive."
                )

            def read(name: str) -> bytes:
                handle = archive.extractfile(members[name])
                assert handle is not None  # noqa: S101 - isfile() above
                return handle.read()

            manifest = json.loads(read(MANIFEST))
            if manifest.get("kind") != "peerassist-organisation":
                raise TransferError(f"{path} is not a peerassist export-org archive.")
            if manifest.get("format") != FORMAT:
                raise TransferError(
                    f"{path} is export format {manifest.get('format')}; "
                    f"this version reads {FORMAT}."
                )
            if DATA not in members:
                raise TransferError(f"{path} has no {DATA}.")
            raw = read(DATA)
            if sha256(raw) != manifest["data"]["sha256"]:
                raise TransferError(
                    f"{DATA} in {path} does not match its checksum: the archive is damaged."
                )
            files: dict[str, bytes] = {}
            for name, meta in manifest["media"].items():
                member = f"{MEDIA_DIR}/{name}"
                if member not in members:
                    raise TransferError(f"{member} is missing from {path}.")
                body = read(member)
                if sha256(body) != meta["sha256"]:
                    raise TransferError(
                        f"{member} in {path} does not match its checksum: the archive is damaged."
                    )
                files[name] = body
    except (tarfile.TarError, OSError, EOFError, KeyError, ValueError) as exc:
        raise TransferError(f"{path} is not a readable export-org archive: {exc}") from exc
    try:
        data: dict[str, Any] = json.loads(raw)
    except ValueError as exc:
        raise TransferError(f"{DATA} in {path} is not valid JSON: {exc}") from exc
    return manifest, data, files


class _Remap:
    """Old id → new id, per model; a missing id is a damaged or inconsistent archive."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, Any]] = {}

    def add(self, label: str, old: Any, new: Any) -> None:
        self.ids.setdefault(label, {})[str(old)] = new

    def get(self, label: str, old: Any, *, where: str) -> Any:
        try:
            return self.ids[label][str(old)]
        except KeyError:
            raise TransferError(
                f"{where} refers to {label} #{old}, which is not in the archive."
            ) from None

    def has(self, label: str, old: Any) -> bool:
        return str(old) in self.ids.get(label, {})


def _map_shared(shared: dict[str, dict[str, Any]], remap: _Remap) -> None:
    for label, rows in shared.items():
        model = model_or_none(label)
        if model is None:
            raise TransferError(f"This instance has no {label}; upgrade it first.")
        for old, key in rows.items():
            lookup = {k: v for k, v in key.items() if k != "_pk"}
            qs = model._default_manager.filter(**lookup)
            if label == "assists.Format":
                qs = qs.filter(organisation__isnull=True)
            match = qs.first()
            if match is None and label == "people.Language":
                match = model._default_manager.create(**lookup, name=lookup["code"])
            if match is None:
                raise TransferError(
                    f"{label} {lookup} is not on this instance; upgrade it to the exporting "
                    f"instance's version ({label} rows ship with the code)."
                )
            remap.add(label, old, match.pk)


def _conflicts(tables: list[dict[str, Any]]) -> None:
    """Refuse, before writing anything, what would clash with rows already here: the same
    organisation (its short name), an account's e-mail address, any other unique value."""
    for table in tables:
        label = table["model"]
        model = model_or_none(label)
        if model is None:
            raise TransferError(f"This instance has no table for {label}; upgrade it first.")
        for field in model._meta.concrete_fields:
            if not field.unique or field.primary_key or field.is_relation:
                continue
            record: dict[Any, int] = {}
            for n, row in enumerate(table["rows"], start=1):
                value = row["fields"].get(field.name)
                if value not in (None, ""):
                    record.setdefault(value, n)
            manager = model._default_manager
            if isinstance(field, models.EmailField):  # addresses are compared without case
                taken = [
                    v for v in record if manager.filter(**{f"{field.name}__iexact": v}).exists()
                ]
            else:
                taken = list(
                    manager.filter(**{f"{field.name}__in": list(record)}).values_list(
                        field.name, flat=True
                    )
                )
            if taken:
                value = next(v for v in record if str(v).lower() == str(taken[0]).lower())
                what = (
                    "This organisation is already on this instance"
                    if label == ORGANISATION
                    else "Already taken on this instance"
                )
                raise TransferError(
                    f"{what}: {label} {field.name}={value!r} (record {record[value]} of {label} "
                    f"in the archive). Nothing was imported."
                )


@contextlib.contextmanager
def _stored_times_kept(labels: list[str]) -> Iterator[None]:
    """auto_now / auto_now_add would stamp every row with the time of the import."""
    changed: list[tuple[models.Field[Any, Any], bool, bool]] = []
    for label in labels:
        for field in apps.get_model(label)._meta.concrete_fields:
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, now_add in changed:
            field.auto_now, field.auto_now_add = now, now_add


def _rewrite_ids(label: str, obj: models.Model, remap: _Remap, where: str) -> None:
    for (model_label, field), patterns in IDS_IN_TEXT.items():
        if model_label != label:
            continue
        text = getattr(obj, field)
        for pattern, target in patterns:

            def swap(match: re.Match[str], target: str = target) -> str:
                if not remap.has(target, match.group(1)):
                    return match.group(0)  # points outside the organisation: leave it
                whole, old = match.group(0), match.group(1)
                return whole.replace(old, str(remap.get(target, old, where=where)), 1)

            text = pattern.sub(swap, text)
        setattr(obj, field, text)
    for (model_label, field), (how, target) in IDS_IN_JSON.items():
        if model_label != label:
            continue
        value = getattr(obj, field)
        # An id that is not in the archive (a note deleted since) is dropped: kept, it could
        # name another row here.
        if how == "keys" and isinstance(value, dict):
            value = {
                str(remap.get(target, k, where=where)): v
                for k, v in value.items()
                if remap.has(target, k)
            }
        elif how == "items" and isinstance(value, list):
            value = [remap.get(target, i, where=where) for i in value if remap.has(target, i)]
        setattr(obj, field, value)


def organisation_import(path: Path) -> ImportReport:
    """Import an export-org archive into this instance, all or nothing."""
    manifest, data, files = _read(path)
    tables: list[dict[str, Any]] = data.get("tables", [])
    labels = [t["model"] for t in tables]
    if (
        ORGANISATION not in labels
        or len(next(t for t in tables if t["model"] == ORGANISATION)["rows"]) != 1
    ):
        raise TransferError(f"{path} does not hold exactly one organisation.")
    _conflicts(tables)
    remap = _Remap()
    written: list[str] = []
    rows = 0
    try:
        with transaction.atomic(), _stored_times_kept(labels):
            _map_shared(data.get("shared", {}), remap)
            for table in tables:
                rows += _import_table(table, remap, files, written)
    except IntegrityError as exc:
        _remove(written)
        raise TransferError(f"Nothing was imported: {exc}") from exc
    except BaseException:
        _remove(written)
        raise
    accounts = len(next((t["rows"] for t in tables if t["model"] == USER), []))
    return ImportReport(
        organisation=manifest["organisation"], rows=rows, accounts=accounts, files=len(files)
    )


def _remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def _import_table(
    table: dict[str, Any], remap: _Remap, files: dict[str, bytes], written: list[str]
) -> int:
    label = table["model"]
    model = apps.get_model(label)
    try:
        objects = list(serializers.deserialize("python", table["rows"], ignorenonexistent=True))
    except serializers.base.DeserializationError as exc:
        raise TransferError(f"{label} in the archive cannot be read: {exc}") from exc
    self_keys = [f for f in foreign_keys(model) if f.related_model is model]
    pending: list[tuple[int, Any]] = []
    for n, item in enumerate(objects, start=1):
        pending.append((n, item))
    done = 0
    while pending:
        ready = [
            (n, item)
            for n, item in pending
            if all(
                getattr(item.object, f.attname) is None
                or remap.has(label, getattr(item.object, f.attname))
                for f in self_keys
            )
        ]
        if not ready:  # a cycle through a self-reference: refuse rather than guess
            n, _item = pending[0]
            raise TransferError(f"Record {n} of {label} in the archive refers to itself in a loop.")
        pending = [p for p in pending if p not in ready]
        batch = [_prepared(label, n, item, remap, files, written) for n, item in ready]
        try:
            with transaction.atomic():
                model._default_manager.bulk_create([obj for obj, _old in batch])
        except IntegrityError as exc:
            first = ready[0][0]
            raise TransferError(
                f"Record {first} of {label} (or one after it) clashes with this instance: {exc}. "
                f"Nothing was imported."
            ) from exc
        for obj, old in batch:
            if obj.pk is None:  # pragma: no cover - every supported database returns ids
                raise TransferError(f"The database did not return the new id of {label}.")
            remap.add(label, old, obj.pk)
        for (n, item), (obj, _old) in zip(ready, batch, strict=True):
            _write_many(model, item, obj, remap, where=f"Record {n} of {label}")
        done += len(batch)
    return done


def _prepared(
    label: str,
    n: int,
    item: Any,
    remap: _Remap,
    files: dict[str, bytes],
    written: list[str],
) -> tuple[models.Model, Any]:
    obj: models.Model = item.object
    where = f"Record {n} of {label} (id {obj.pk}) in the archive"
    old = obj.pk
    for field in foreign_keys(type(obj)):
        value = getattr(obj, field.attname)
        if value is None:
            continue
        target = label_of(field.related_model)  # type: ignore[arg-type]
        if not field.target_field.primary_key and target not in SHARED:
            continue  # a natural key (to_field): kept as it is
        setattr(obj, field.attname, remap.get(target, value, where=where))
    if isinstance(obj._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        obj.pk = None  # the new instance numbers its own rows
    if label == USER:
        # Instance-wide rights stay with the instance's own operators.
        for flag in ("is_staff", "is_superuser"):
            if hasattr(obj, flag):
                setattr(obj, flag, False)
    for field in file_fields(type(obj)):
        stored = getattr(obj, field.attname).name
        if stored:
            if stored not in files:
                raise TransferError(f"{where}: its file {stored} is not in the archive.")
            name = default_storage.save(stored, File(io.BytesIO(files[stored]), name=stored))
            written.append(name)
            setattr(obj, field.attname, name)
    _rewrite_ids(label, obj, remap, where)
    return obj, old


def _write_many(
    model: type[models.Model], item: Any, obj: models.Model, remap: _Remap, *, where: str
) -> None:
    """Many-to-many links through Django's own link tables (a model of their own otherwise)."""
    for field in model._meta.many_to_many:
        values = item.m2m_data.get(field.name)
        if not values:
            continue
        through = field.remote_field.through  # type: ignore[attr-defined]
        if not through._meta.auto_created:
            continue
        target = label_of(field.related_model)  # type: ignore[arg-type]
        source_name = field.m2m_field_name()
        target_name = field.m2m_reverse_field_name()
        through._default_manager.bulk_create(
            [
                through(
                    **{
                        f"{source_name}_id": obj.pk,
                        f"{target_name}_id": remap.get(target, value, where=where),
                    }
                )
                for value in values
            ]
        )
