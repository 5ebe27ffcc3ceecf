"""What each kind of searchable thing contributes to the index.

A provider turns one row into a `DocumentData` (or None when the row must not be found:
a deleted note, say) and lists the rows of an organisation for `peerassist reindex`.
Models are looked up lazily so that this module imports before the apps are ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from peerassist.search import text
from peerassist.search.models import DocType


@dataclass(frozen=True)
class DocumentData:
    title: str
    body: str
    language: str
    organisation_id: int
    assist_id: int | None
    unit_id: int | None
    community_id: int | None
    date: dt.date | None
    url: str


@dataclass(frozen=True)
class Provider:
    doc_type: str
    model: str  # "app_label.ModelName"
    build: Callable[[Any], DocumentData | None]
    rows: Callable[[QuerySet[Any]], QuerySet[Any]]  # the model's rows, related data loaded

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def queryset(self, organisation_id: int | None = None) -> QuerySet[Any]:
        qs = self.rows(self.model_class._default_manager.all())
        if organisation_id is None:
            return qs
        return qs.filter(
            **{_ORG_PATH.get(DocType(self.doc_type), "organisation_id"): organisation_id}
        )


#: How to reach the organisation from each model, for rows without their own column.
_ORG_PATH = {
    DocType.CONTRIBUTION: "assist__organisation_id",
    DocType.WRITEUP: "assist__organisation_id",
    DocType.ACTION: "assist__organisation_id",
    DocType.GIVE: "community__organisation_id",
}


def _url(name: str, *args: Any, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _assist_language(assist: Any, sample: str) -> str:
    codes = [lang.code for lang in assist.languages.all()]
    return text.guess_language(sample, codes[0] if codes else None)


def _home_unit_id(assist: Any) -> int | None:
    """The unit of the home team (its first home peer): where the challenge comes from."""
    for participation in sorted(assist.participations.all(), key=lambda p: p.pk):
        if participation.role == "home_peer" and participation.taking_part:
            unit_id: int | None = participation.person.unit_id
            return unit_id
    return None


def _community_id(assist: Any) -> int | None:
    return getattr(assist, "community_id", None)


def _assist_url(assist_id: int) -> str:
    return _url("assists:overview", assist_id)


def build_brief(assist: Any) -> DocumentData:
    questions = [str(q) for q in (assist.focus_questions or []) if q]
    body = "\n\n".join(
        part
        for part in (
            assist.business_context,
            assist.challenge,
            assist.planned_approach,
            assist.desired_outcome,
            *questions,
        )
        if part
    )
    return DocumentData(
        title=assist.title,
        body=body,
        language=_assist_language(assist, f"{assist.title} {body}"),
        organisation_id=assist.organisation_id,
        assist_id=assist.pk,
        unit_id=_home_unit_id(assist),
        community_id=_community_id(assist),
        date=_day(assist.starts_at) or _day(assist.created_at),
        url=_url("assists:brief", assist.pk),
    )


def contribution_title(kind: str, assist_title: str) -> str:
    """A note's search title, "Recommendation: <the Peer Assist's title>", in the active
    language."""
    from peerassist.assists.models import ContributionKind

    label = ContributionKind(kind).label if kind in ContributionKind.values else kind
    return pgettext(
        "search result title: the kind of note, then the Peer Assist's title", "%(kind)s: %(title)s"
    ) % {"kind": label, "title": assist_title}


def build_contribution(contribution: Any) -> DocumentData | None:
    if contribution.deleted_at is not None or contribution.merged_into_id is not None:
        return None
    assist = contribution.assist
    # Stored in the default language whatever the request that indexes it speaks (a French
    # request must not store a French title English readers then see); shown in the
    # reader's language by selectors.search (contribution_title again, under their language).
    with translation.override(settings.LANGUAGE_CODE):
        title = contribution_title(contribution.kind, assist.title)
    return DocumentData(
        title=title,
        body=contribution.text,
        language=_assist_language(assist, contribution.text),
        organisation_id=assist.organisation_id,
        assist_id=assist.pk,
        # An anonymous question's unit would narrow down who asked it.
        unit_id=None if contribution.anonymous else contribution.author.unit_id,
        community_id=_community_id(assist),
        date=_day(contribution.created_at),
        url=_url("live:room", assist.pk, fallback=_assist_url(assist.pk)),
    )


def build_writeup(writeup: Any) -> DocumentData | None:
    """A write-up enters the knowledge base when it is published. A draft is not indexed
    at all: only those who may edit it see it, on its own page, until it is published
    (and nobody finds a half-written or unapproved text through search)."""
    if writeup.status != "published":
        return None
    assist = writeup.assist
    body = text.plain_text(writeup.body)
    if not body.strip():
        return None
    return DocumentData(
        title=assist.title,
        body=body,
        language=_assist_language(assist, body),
        organisation_id=assist.organisation_id,
        assist_id=assist.pk,
        unit_id=_home_unit_id(assist),
        community_id=_community_id(assist),
        date=_day(writeup.published_at) or _day(writeup.updated_at),
        url=_url("writeups:detail", assist.pk, fallback=_assist_url(assist.pk)),
    )


def build_action(action: Any) -> DocumentData:
    assist = action.assist
    return DocumentData(
        title=action.title,
        body=action.notes,
        language=_assist_language(assist, f"{action.title} {action.notes}"),
        organisation_id=assist.organisation_id,
        assist_id=assist.pk,
        unit_id=action.owner.unit_id if action.owner_id else None,
        community_id=_community_id(assist),
        date=action.due_on or _day(action.created_at),
        url=_url("writeups:actions", assist.pk, fallback=_assist_url(assist.pk)),
    )


def _gives(person: Any) -> list[Any]:
    if not apps.is_installed("peerassist.communities") or not hasattr(person, "gives"):
        return []
    return list(person.gives.all())


def build_person(person: Any) -> DocumentData:
    tags = [tag.name for tag in person.expertise.all()]
    gives = [f"{give.title} {give.text}".strip() for give in _gives(person)]
    body = "\n".join(
        part for part in (person.job_title, ", ".join(tags), person.bio, *gives) if part
    )
    codes = [lang.code for lang in person.languages.all()]
    return DocumentData(
        title=person.name,
        body=body,
        language=text.guess_language(body, codes[0] if codes else None),
        organisation_id=person.organisation_id,
        assist_id=None,
        unit_id=person.unit_id,
        community_id=None,
        date=_day(person.created_at),
        url=_url("people:detail", person.pk),
    )


def build_topic(topic: Any) -> DocumentData:
    body = "\n\n".join(p for p in (topic.description, topic.planning_notes) if p)
    return DocumentData(
        title=topic.title,
        body=body,
        language=text.guess_language(f"{topic.title} {body}"),
        organisation_id=topic.organisation_id,
        assist_id=None,
        unit_id=topic.raised_by.unit_id if topic.raised_by_id else None,
        community_id=topic.community_id,
        date=topic.decision_on or _day(topic.created_at),
        url=_url("communities:topic", topic.pk, fallback=_url("communities:topics")),
    )


def build_give(give: Any) -> DocumentData:
    return DocumentData(
        title=give.title,
        body=give.text,
        language=text.guess_language(f"{give.title} {give.text}"),
        organisation_id=give.community.organisation_id,
        assist_id=None,
        unit_id=give.person.unit_id,
        community_id=give.community_id,
        date=_day(give.created_at),
        url=_url("people:detail", give.person_id),
    )


PROVIDERS: dict[str, Provider] = {
    p.doc_type: p
    for p in (
        Provider(
            DocType.BRIEF,
            "assists.PeerAssist",
            build_brief,
            lambda qs: qs.prefetch_related("languages", "participations__person"),
        ),
        Provider(
            DocType.CONTRIBUTION,
            "live.Contribution",
            build_contribution,
            lambda qs: qs.select_related("assist", "author").prefetch_related("assist__languages"),
        ),
        Provider(
            DocType.WRITEUP,
            "writeups.WriteUp",
            build_writeup,
            lambda qs: qs.select_related("assist").prefetch_related(
                "assist__languages", "assist__participations__person"
            ),
        ),
        Provider(
            DocType.ACTION,
            "writeups.Action",
            build_action,
            lambda qs: qs.select_related("assist", "owner").prefetch_related("assist__languages"),
        ),
        Provider(
            DocType.PERSON,
            "people.Person",
            build_person,
            lambda qs: qs.prefetch_related("expertise", "languages", "gives"),
        ),
        Provider(
            DocType.TOPIC,
            "communities.Topic",
            build_topic,
            lambda qs: qs.select_related("raised_by"),
        ),
        Provider(
            DocType.GIVE,
            "communities.Give",
            build_give,
            lambda qs: qs.select_related("community", "person"),
        ),
    )
}


def provider_for(instance: Model) -> Provider | None:
    label = instance._meta.label
    for provider in PROVIDERS.values():
        if provider.model == label:
            return provider
    return None


def all_providers() -> Iterable[Provider]:
    return PROVIDERS.values()
