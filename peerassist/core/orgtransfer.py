"""Moving one organisation between instances: `peerassist export-org` / `import-org`.

    organisation_export(slug, path)  every row that belongs to the organisation (found by
                                     following foreign keys to it), the accounts its people
                                     and members use, and its uploaded files, in one .tar.gz
                                     with a manifest (format, versions, checksums).
    organisation_import(path)        checks the archive, refuses conflicts (the organisation
                                     or an account already here, any other unique key taken),
                                     then writes everything in ONE transaction with new ids;
                                     the files are removed again if anything fails.
    organisation_snapshot(slug)      the organisation's rows with ids replaced by what they
                                     point at, for comparing two instances (the move test).

Which tables belong to an organisation is not listed by hand: a model belongs when a
foreign key leads from it to the organisation (directly or through other such models), so
a model added later travels too. Shared reference rows (languages, the shipped formats)
are matched by natural key; accounts by e-mail address. The search index is derived and
is rebuilt after an import instead of being copied. No code here imports a stage app
(core is the base layer): everything goes through the app registry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "organisation.json"
MEDIA_DIR = "media"

ORGANISATION = "accounts.Organisation"
USER = "accounts.User"
#: Rows shared by every organisation, matched on import by these fields (not copied).
SHARED = {
    "people.Language": ("code",),
    "assists.Format": ("kind", "name"),  # the shipped formats: organisation is NULL
}
#: Account data kept per account; travels with the accounts that travel.
ACCOUNT_OWNED = ("account.EmailAddress", "socialaccount.SocialAccount", "mfa.Authenticator")
#: Derived from the other rows: rebuilt by `peerassist reindex --org` after an import.
DERIVED = ("search.SearchDocument",)
#: Ids written inside text: (model, field) → [(pattern with one id group, model of the id)].
IDS_IN_TEXT: dict[tuple[str, str], list[tuple[re.Pattern[str], str]]] = {
    ("notifications.Notification", "url"): [
        (re.compile(r"/assists/(\d+)/"), "assists.PeerAssist"),
        (re.compile(r"#action-(\d+)"), "writeups.Action"),
    ],
}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's JSON (and so `dumpdata`) cuts times to the millisecond; a move keeps every
    microsecond, so that the organisation arrives exactly as it left."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class TransferError(Exception):
    """The export or import cannot go on; the message names the record and what to do."""


@dataclass(frozen=True)
class ImportReport:
    organisation: str
    rows: int
    accounts: int
    files: int


# --- Which rows belong to an organisation ---------------------------------------------------


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _model(label: str) -> type[models.Model] | None:
    with contextlib.suppress(LookupError):
        return apps.get_model(label)
    return None


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def scoped_models() -> dict[str, str]:
    """Each model that belongs to an organisation → the lookup from it to the organisation's
    id, e.g. "assists.PeerAssist" → "organisation", "live.Contribution" → "assist__organisation".
    A non-null foreign key is preferred as the way in (it cannot miss a row)."""
    paths: dict[str, str] = {ORGANISATION: "pk"}
    skip = {USER, *DERIVED, *ACCOUNT_OWNED}
    candidates = [
        m
        for m in apps.get_models()
        if not m._meta.proxy and _label(m) not in skip and _label(m) != ORGANISATION
    ]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            label = _label(model)
            ways = [
                f
                for f in _foreign_keys(model)
                if f.related_model is not model and _label(f.related_model) in paths  # type: ignore[arg-type]
            ]
            if not ways:
                continue
            ways.sort(key=lambda f: (f.null, f.name != "organisation"))
            best = ways[0]
            target = paths[_label(best.related_model)]  # type: ignore[arg-type]
            path = best.name if target == "pk" else f"{best.name}__{target}"
            current = paths.get(label)
            shorter = current is not None and path.count("__") < current.count("__")
            if (current is None or (shorter and not best.null)) and current != path:
                paths[label] = path
                changed = True
    return paths


def _in_order(labels: list[str]) -> list[str]:
    """Models so that every model comes after those its foreign keys and many-to-many links
    point to (self-references aside)."""
    remaining = list(labels)
    ordered: list[str] = []
    while remaining:
        for label in remaining:
            model = apps.get_model(label)
            needs = {
                _label(f.related_model)  # type: ignore[arg-type]
                for f in [*_foreign_keys(model), *model._meta.many_to_many]
                if f.related_model is not model
            }
            if not (needs & set(remaining)):
                ordered.append(label)
                remaining.remove(label)
                break
        else:  # a cycle: take the first one; its nullable keys are filled in afterwards
            ordered.append(remaining.pop(0))
    return ordered


def _querysets(organisation: models.Model) -> dict[str, models.QuerySet[Any]]:
    """Every exported table's rows, in an order an import can write them in."""
    paths = scoped_models()
    result: dict[str, models.QuerySet[Any]] = {}
    for label, path in paths.items():
        model = apps.get_model(label)
        qs = model._default_manager.filter(**{path: organisation.pk}).order_by("pk")
        result[label] = qs
    # Accounts: whoever any exported row points to (members, people with a login, authors).
    user_model = apps.get_model(USER)
    user_ids: set[Any] = set()
    for label, qs in result.items():
        for field in _foreign_keys(apps.get_model(label)):
            if field.related_model is user_model:
                user_ids |= set(
                    qs.exclude(**{f"{field.attname}__isnull": True}).values_list(
                        field.attname, flat=True
                    )
                )
        for m2m in apps.get_model(label)._meta.many_to_many:
            if m2m.related_model is user_model:
                user_ids |= set(qs.exclude(**{m2m.name: None}).values_list(m2m.name, flat=True))
    result[USER] = user_model._default_manager.filter(pk__in=user_ids).order_by("pk")
    for label in ACCOUNT_OWNED:
        model = _model(label)
        if model is not None:
            result[label] = model._default_manager.filter(user__in=user_ids).order_by("pk")
    return {label: result[label] for label in _in_order(list(result))}


# --- Export -------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _shared_keys(querysets: dict[str, models.QuerySet[Any]]) -> dict[str, dict[str, Any]]:
    """The shared rows the exported ones point to, by their old id → natural key."""
    wanted: dict[str, set[Any]] = {label: set() for label in SHARED}
    for label, qs in querysets.items():
        model = apps.get_model(label)
        for field in _foreign_keys(model):
            target = _label(field.related_model)  # type: ignore[arg-type]
            if target in SHARED:  # e.g. an assist or an org's format on a shipped format
                wanted[target] |= set(
                    qs.exclude(**{f"{field.attname}__isnull": True}).values_list(
                        field.attname, flat=True
                    )
                )
        for m2m in model._meta.many_to_many:
            target = _label(m2m.related_model)  # type: ignore[arg-type]
            if target in SHARED:
                wanted[target] |= set(
                    qs.exclude(**{m2m.name: None}).values_list(m2m.name, flat=True)
                )
    keys: dict[str, dict[str, Any]] = {}
    for label, ids in wanted.items():
        model = _model(label)
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
        querysets = _querysets(organisation)
        tables = []
        files: dict[str, bytes] = {}
        for label, qs in querysets.items():
            rows = list(qs)
            tables.append({"model": label, "rows": serializers.serialize("python", rows)})
            for row in rows:
                for field in _file_fields(type(row)):
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
        "data": {"file": DATA, "sha256": _sha256(data)},
        "rows": {table["model"]: len(table["rows"]) for table in tables},
        "media": {
            name: {"size": len(body), "sha256": _sha256(body)} for name, body in files.items()
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


# --- Import -------------------------------------------------------------------------------


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
            if _sha256(raw) != manifest["data"]["sha256"]:
                raise TransferError(
                    f"{DATA} in {path} does not match its checksum: the archive is damaged."
                )
            files: dict[str, bytes] = {}
            for name, meta in manifest["media"].items():
                member = f"{MEDIA_DIR}/{name}"
                if member not in members:
                    raise TransferError(f"{member} is missing from {path}.")
                body = read(member)
                if _sha256(body) != meta["sha256"]:
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
        model = _model(label)
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
        model = _model(label)
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
    self_keys = [f for f in _foreign_keys(model) if f.related_model is model]
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
    for field in _foreign_keys(type(obj)):
        value = getattr(obj, field.attname)
        if value is None:
            continue
        target = _label(field.related_model)  # type: ignore[arg-type]
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
    for field in _file_fields(type(obj)):
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
        target = _label(field.related_model)  # type: ignore[arg-type]
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


# --- Comparing two instances ----------------------------------------------------------------


def organisation_snapshot(slug: str) -> dict[str, list[str]]:
    """The organisation's rows, each as JSON with every id replaced by what it points at
    (recursively), file names by their content's checksum; per model, sorted. Equal snapshots
    on two instances mean the same data, whatever ids each instance gave it."""
    organisation = apps.get_model(ORGANISATION)._default_manager.get(slug=slug)
    querysets = _querysets(organisation)
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
            keys[(label, pk)] = _sha256(content(rows[label][pk]).encode())
        return keys[(label, pk)]

    def content(row: models.Model) -> str:
        label = _label(type(row))
        values: dict[str, Any] = {}
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue
            if isinstance(field, models.ForeignKey) and value is not None:
                value = key(_label(field.related_model), value)  # type: ignore[arg-type]
            elif isinstance(field, models.FileField):
                with default_storage.open(value.name, "rb") as handle:
                    value = _sha256(handle.read())
            elif label == USER and field.name in ("is_staff", "is_superuser"):
                continue
            elif (label, field.name) in IDS_IN_TEXT:
                for pattern, target in IDS_IN_TEXT[(label, field.name)]:
                    value = pattern.sub(
                        lambda m, t=target: m.group(0).replace(m.group(1), key(t, int(m.group(1)))),
                        value,
                    )
            values[field.name] = value
        for field in row._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:  # type: ignore[attr-defined]
                target = _label(field.related_model)  # type: ignore[arg-type]
                values[field.name] = sorted(
                    key(target, pk) for pk in getattr(row, field.name).values_list("pk", flat=True)
                )
        return json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True)

    return {label: sorted(content(row) for row in table.values()) for label, table in rows.items()}


def export_summary(manifest: dict[str, Any]) -> str:
    rows = sum(manifest["rows"].values())
    return (
        f"{len(manifest['rows'])} tables, {rows} rows, {manifest['rows'].get(USER, 0)} accounts "
        f"and {len(manifest['media'])} files"
    )
