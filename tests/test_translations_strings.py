"""Source strings a translator can translate: contexts for ambiguous words, plural forms,
whole sentences, and search titles in the reader's language (not the indexer's)."""

import json
import uuid

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from peerassist.assists.groups import GroupFacts, Member, breakout_findings
from peerassist.assists.models import Format, PeerAssist, Visibility
from peerassist.communities.matching import Match
from peerassist.communities.models import TopicStatus
from peerassist.live.models import Contribution
from peerassist.search import selectors
from peerassist.search.models import SearchDocument
from peerassist.writeups.models import ActionStatus, WriteUpStatus

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "context", "msgid", "expected"),
    [
        # "Change": a button and a column heading (the French and Spanish glossaries keep
        # the verb for both; another language may need a noun for the heading).
        ("fr", "verb, a button", "Change", "Modifier"),
        ("fr", "column heading", "Change", "Modifier"),
        ("es", "verb, a button", "Change", "Cambiar"),
        # An action is feminine in French and Spanish, a topic masculine.
        ("fr", "status of an action", "Dropped", "Abandonnée"),
        ("fr", "status of a topic", "Dropped", "Abandonné"),
        ("es", "status of an action", "Dropped", "Descartada"),
        ("es", "status of a topic", "Dropped", "Descartado"),
        ("fr", "status of an action", "Open", "À faire"),
        ("fr", "status of an action", "Done", "Réalisée"),
        # A write-up (acta) is feminine in Spanish, a Peer Assist masculine.
        ("es", "status of a write-up", "Published", "Publicada"),
        ("es", "visibility of a Peer Assist", "Published", "Publicado"),
        # A note of kind "Source" and where a topic came from.
        ("fr", "kind of contribution", "Source", "Source"),
        ("fr", "where a topic came from", "Source", "Origine"),
        ("es", "where a topic came from", "Source", "Origen"),
        ("fr", "page heading", "Sign in", "Connexion"),
    ],
)
def test_ambiguous_words_are_translated_per_context(language, context, msgid, expected):
    with translation.override(language):
        assert pgettext(context, msgid) == expected


def test_the_model_choices_use_their_context():
    with translation.override("fr"):
        assert str(ActionStatus.DROPPED.label) == "Abandonnée"
        assert str(TopicStatus.DROPPED.label) == "Abandonné"
        assert str(WriteUpStatus.PUBLISHED.label) == "Publié"
    with translation.override("es"):
        assert str(WriteUpStatus.PUBLISHED.label) == "Publicada"
        assert str(Visibility.PUBLISHED.label) == "Publicado"


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Invited 1 person;", "Invited 2 people;"),
        ("fr", f"1 personne invitée{NBSP};", f"2 personnes invitées{NBSP};"),
        ("es", "Se ha invitado a 1 persona;", "Se ha invitado a 2 personas;"),
    ],
)
def test_counts_have_plural_forms(language, one, two):
    singular = "Invited %(count)d person; they get an e-mail to choose a password."
    plural = "Invited %(count)d people; each gets an e-mail to choose a password."
    with translation.override(language):
        assert (ngettext(singular, plural, 1) % {"count": 1}).startswith(one)
        assert (ngettext(singular, plural, 2) % {"count": 2}).startswith(two)


def test_a_group_warning_is_one_sentence_in_the_readers_language():
    members = tuple(Member(id=i, name=f"P{i}", is_home=False, languages=("fr",)) for i in range(2))
    groups = [GroupFacts(name="Groupe A", language="fr", members=members)]
    with translation.override("fr"):
        findings = breakout_findings(groups, members, language_names={"fr": "français"})
    messages = [f.message for f in findings if f.code == "group_no_home_peer"]
    assert messages == [f"Groupe A n’a pas de pair hôte{NBSP}: aucun pair hôte ne parle français."]


def test_the_matching_reason_quotes_words_the_french_way():
    match = Match(give_id=1, score=0.5, shared=("budget",), related=("volunteers",))
    assert match.reason == "both say “budget”; related: “volunteers”"
    with translation.override("fr"):
        assert match.reason == (
            f"les deux mentionnent «{NBSP}budget{NBSP}»{NBSP}; "
            f"apparentés{NBSP}: «{NBSP}volunteers{NBSP}»"
        )


def test_the_live_rooms_counts_come_with_both_forms():
    """The room's script picks the form by the count (render.js); both are in the page."""
    with translation.override("fr"):
        html = render_to_string("live/_strings.html")
    strings = json.loads(html[html.index("{") : html.rindex("}") + 1])
    assert strings["vote_results_head"] == {
        "one": "Résultats du vote ({count} votant)",
        "other": "Résultats du vote ({count} votants)",
    }
    assert strings["failed_status"]["one"] == "{n} non acceptée — voir la note signalée ci-dessous"
    assert strings["voted_so_far"] == {
        "one": "{count} votant jusqu’ici",
        "other": "{count} votants jusqu’ici",
    }


@pytest.mark.django_db
def test_a_note_indexed_during_a_french_request_is_titled_in_each_readers_language(member, org):
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Dépôt de Lyon",
        visibility=Visibility.ORGANISATION,
        format=Format.objects.get(organisation=None, kind="standard"),
    )
    # Indexed while French is active (a French request posting or reindexing the note).
    with translation.override("fr"):
        contribution = Contribution.objects.create(
            assist=assist,
            client_id=uuid.uuid4(),
            kind="recommendation",
            text="Check the gaskets before the winter.",
            author=member.person,
        )
    document = SearchDocument.objects.get(doc_type="contribution", object_id=contribution.pk)
    assert document.title == "Recommendation: Dépôt de Lyon"  # the default language, stored

    def titles() -> list[str]:
        page = selectors.search(viewer=member.viewer, q="gaskets")
        return [hit.title for hit in page.hits]

    with translation.override("en"):
        assert titles() == ["Recommendation: Dépôt de Lyon"]
    with translation.override("fr"):
        assert titles() == [f"Recommandation{NBSP}: Dépôt de Lyon"]
    with translation.override("es"):
        assert titles() == ["Recomendación: Dépôt de Lyon"]
        evidence = selectors.search_documents(viewer=member.viewer, q="gaskets")
        assert [row.title for row in evidence] == ["Recomendación: Dépôt de Lyon"]
    assert gettext("Recommendation") == "Recommendation"  # nothing leaked out of the overrides
