"""Which rows belong to an organisation, and the archive's constants (see the package's
docstring). Shared by export, import and the snapshot."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
DERIVED = ("search.SearchDocument", "search.SearchAccess")
#: Ids written inside text: (model, field) → [(pattern with one id group, model of the id)].
IDS_IN_TEXT: dict[tuple[str, str], list[tuple[re.Pattern[str], str]]] = {
    ("notifications.Notification", "url"): [
        (re.compile(r"/assists/(\d+)/"), "assists.PeerAssist"),
        (re.compile(r"#action-(\d+)"), "writeups.Action"),
    ],
}

#: Ids inside JSON fields: (model, field) → ("keys" of an object or "items" of a list, model
#: of the ids). A ballot's dots are keyed by note; a room lists the steps open to anonymous
#: questions. (The room's event log, a replay buffer for browsers reconnecting during a
#: session, keeps the source's ids: move an organisation between sessions, docs/deploy.md.)
IDS_IN_JSON: dict[tuple[str, str], tuple[str, str]] = {
    ("live.Ballot", "dots"): ("keys", "live.Contribution"),
    ("live.Room", "anonymous_step_ids"): ("items", "assists.AssistStep"),
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


def label_of(model: type[models.Model]) -> str:
    return model._meta.label


def model_or_none(label: str) -> type[models.Model] | None:
    with contextlib.suppress(LookupError):
        return apps.get_model(label)
    return None


def foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
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
        if not m._meta.proxy and label_of(m) not in skip and label_of(m) != ORGANISATION
    ]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            label = label_of(model)
            ways = [
                f
                for f in foreign_keys(model)
                if f.related_model is not model and label_of(f.related_model) in paths  # type: ignore[arg-type]
            ]
            if not ways:
                continue
            ways.sort(key=lambda f: (f.null, f.name != "organisation"))
            best = ways[0]
            target = paths[label_of(best.related_model)]  # type: ignore[arg-type]
            path = best.name if target == "pk" else f"{best.name}__{target}"
            current = paths.get(label)
            shorter = current is not None and path.count("__") < current.count("__")
            if (current is None or (shorter and not best.null)) and current != path:
                paths[label] = path
                changed = True
    return paths


def in_order(labels: list[str]) -> list[str]:
    """Models so that every model comes after those its foreign keys and many-to-many links
    point to (self-references aside)."""
    remaining = list(labels)
    ordered: list[str] = []
    while remaining:
        for label in remaining:
            model = apps.get_model(label)
            needs = {
                label_of(f.related_model)  # type: ignore[arg-type]
                for f in [*foreign_keys(model), *model._meta.many_to_many]
                if f.related_model is not model
            } | {target for (of, _f), (_how, target) in IDS_IN_JSON.items() if of == label}
            if not (needs & set(remaining)):
                ordered.append(label)
                remaining.remove(label)
                break
        else:  # a cycle: take the first one; its nullable keys are filled in afterwards
            ordered.append(remaining.pop(0))
    return ordered


def organisation_querysets(organisation: models.Model) -> dict[str, models.QuerySet[Any]]:
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
        for field in foreign_keys(apps.get_model(label)):
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
        model = model_or_none(label)
        if model is not None:
            result[label] = model._default_manager.filter(user__in=user_ids).order_by("pk")
    return {label: result[label] for label in in_order(list(result))}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
