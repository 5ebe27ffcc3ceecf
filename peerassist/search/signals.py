"""Keep the index in step with the rows, in the same transaction as the change.

Signals are the one place that sees every save, whichever service made it (house style
keeps business flow out of signals; keeping a derived index current is not business flow).
Bulk writes send no signals: their callers use `services.documents_sync` or `reindex`.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from peerassist.core import deferred
from peerassist.search import services
from peerassist.search.models import DocType
from peerassist.search.providers import PROVIDERS


def _sync(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the rows may not all be there yet; run `reindex` afterwards
        return
    # Inside a `deferred.after()` block (a live note's save) the row is indexed after its
    # commit; everywhere else now, in the writing transaction.
    if not deferred.defer(functools.partial(services.document_sync, instance=instance)):
        services.document_sync(instance=instance)


def _remove(doc_type: str):  # type: ignore[no-untyped-def]
    def handler(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        services.document_remove(doc_type=doc_type, object_id=int(instance.pk))

    return handler


def _assist_documents(assist_id: int) -> None:
    """Everything whose unit or language comes from the assist."""
    services.documents_sync(doc_type=DocType.BRIEF, object_ids=[assist_id])
    writeup = apps.get_model("writeups.WriteUp")
    services.documents_sync(
        doc_type=DocType.WRITEUP,
        object_ids=writeup.objects.filter(assist_id=assist_id).values_list("pk", flat=True),
    )


def _assist_saved(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        services.access_assist_sync(assist_id=instance.pk, visibility=instance.visibility)


def _participation_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if instance.role != "home_peer" or kwargs.get("raw") or _whole_assist_goes(kwargs):
        return
    _assist_documents(instance.assist_id)


def _whole_assist_goes(kwargs: dict[str, Any]) -> bool:
    """Is this participation deleted because its assist (or organisation) is? Then the
    assist's documents go too: indexing them again would write access rows for documents
    the same deletion has already collected (rows left pointing at nothing)."""
    origin = kwargs.get("origin")
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (apps.get_model("assists.PeerAssist"), apps.get_model("accounts.Organisation"))


def _assist_languages_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not kwargs.get("reverse"):
        _assist_documents(instance.pk)


def _person_links_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if kwargs.get("reverse"):  # a tag's or a language's people changed
        people = kwargs.get("pk_set") or []
        services.documents_sync(doc_type=DocType.PERSON, object_ids=people)
    else:
        services.document_sync(instance=instance)


def _tag_renamed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and not kwargs.get("raw"):
        people = instance.people.values_list("pk", flat=True)
        services.documents_sync(doc_type=DocType.PERSON, object_ids=people)


def _give_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        services.documents_sync(doc_type=DocType.PERSON, object_ids=[instance.person_id])


def connect() -> None:
    """Called once from SearchConfig.ready()."""
    for provider in PROVIDERS.values():
        try:
            model = provider.model_class
        except LookupError:
            continue
        uid = f"search.{provider.doc_type}"
        post_save.connect(_sync, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(
            _remove(provider.doc_type), sender=model, dispatch_uid=f"{uid}.delete", weak=False
        )
    participation = apps.get_model("assists.Participation")
    post_save.connect(_participation_changed, sender=participation, dispatch_uid="search.part.s")
    post_delete.connect(_participation_changed, sender=participation, dispatch_uid="search.part.d")
    assist = apps.get_model("assists.PeerAssist")
    post_save.connect(_assist_saved, sender=assist, dispatch_uid="search.a.access")
    m2m_changed.connect(
        _assist_languages_changed, sender=assist.languages.through, dispatch_uid="search.a.lang"
    )
    person = apps.get_model("people.Person")
    for through in (person.expertise.through, person.languages.through):
        m2m_changed.connect(
            _person_links_changed, sender=through, dispatch_uid=f"search.p.{through.__name__}"
        )
    post_save.connect(
        _tag_renamed, sender=apps.get_model("people.ExpertiseTag"), dispatch_uid="search.tag"
    )
    try:
        give = apps.get_model("communities.Give")
    except LookupError:
        return
    post_save.connect(_give_changed, sender=give, dispatch_uid="search.give.person.s")
    post_delete.connect(_give_changed, sender=give, dispatch_uid="search.give.person.d")
