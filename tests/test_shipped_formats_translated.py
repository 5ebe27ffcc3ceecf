"""The shipped formats' names, step titles and prompt questions in the reader's language, while
they are still the shipped text; an organiser's edited text is shown as they wrote it."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.utils import translation

from peerassist.assists.models import AssistStep, Format
from peerassist.assists.shipped_formats import SHIPPED, SHIPPED_TEXTS, shipped_text
from peerassist.live.consumers import RoomConsumer
from peerassist.live.language import scope_language
from tests.test_assist_pages import plan, team  # noqa: F401  (the fixture is used by name)

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


def test_every_shipped_text_is_a_translated_msgid():
    # Texts that read the same in the language (the glossary keeps "Mini Peer Assist" in Spanish).
    same = {"fr": {"Options", "Dialogue"}, "es": {"Mini Peer Assist"}}
    for lang in ("fr", "es"):
        with translation.override(lang):
            untranslated = sorted(t for t in SHIPPED_TEXTS if translation.gettext(t) == t)
        assert set(untranslated) <= same[lang], (lang, untranslated)


def test_shipped_text_translates_only_the_shipped_text():
    with translation.override("fr"):
        assert shipped_text("Clarify the purpose") == "Clarifier l’objectif"
        assert shipped_text("Clarify the purpose, with the board") == (
            "Clarify the purpose, with the board"
        )
        assert shipped_text("") == ""
    with translation.override("es"):
        assert shipped_text("Four-part Peer Assist") == "Peer Assist en cuatro partes"


@pytest.mark.django_db
def test_the_migrated_rows_hold_the_english_msgids():
    names = set(Format.objects.filter(organisation=None).values_list("name", flat=True))
    assert names == {spec["name"] for spec in SHIPPED}


@pytest.mark.django_db
def test_a_french_reader_sees_french_step_titles_and_prompts_on_the_agenda(organiser, team):  # noqa: F811
    mini = plan(organiser, team, kind="mini")
    body = organiser.client().get(f"/assists/{mini.pk}/agenda/", **FRENCH).content.decode()
    assert "Ce que savent les pairs invités" in body
    assert "Quels facteurs clés ont mené au succès ou à l’échec\u00a0?" in body
    assert "Peer Assist Mini" in body
    assert "What the visiting peers know" not in body
    assert "What were the key drivers" not in body


@pytest.mark.django_db
def test_a_spanish_reader_sees_the_format_names_when_choosing_one(member):
    body = member.client().get("/assists/new/", **SPANISH).content.decode()
    assert "Peer Assist en cuatro partes" in body
    assert "Peer Assist ampliado (de medio día a dos días)" in body
    assert "Four-part Peer Assist" not in body


@pytest.mark.django_db
def test_an_edited_step_is_shown_as_written(organiser, team):  # noqa: F811
    mini = plan(organiser, team, kind="mini")
    AssistStep.objects.filter(assist=mini, name="What the visiting peers know").update(
        name="What the visiting peers know about meters",
        prompt_questions=["What were you trying to achieve with the meters?"],
    )
    body = organiser.client().get(f"/assists/{mini.pk}/agenda/", **FRENCH).content.decode()
    assert "What the visiting peers know about meters" in body
    assert "What were you trying to achieve with the meters?" in body
    assert "Ce que savent les pairs hôtes" in body  # the steps nobody edited


@pytest.mark.django_db
def test_the_live_room_page_shows_french_step_titles(organiser, team):  # noqa: F811
    four = plan(organiser, team, kind="four_part")
    client = team["facilitator"].client()
    body = client.get(f"/assists/{four.pk}/live/", **FRENCH).content.decode()
    assert "Les pairs questionnent et partagent" in body
    assert "Peers question and share" not in body


def test_the_room_socket_speaks_the_browser_language():
    def scope(*headers):
        return {"headers": [(k.encode(), v.encode()) for k, v in headers]}

    assert scope_language(scope(("accept-language", "es-ES,es;q=0.9"))) == "es"
    # The language picker's cookie wins over the browser's header, as on the pages.
    both = scope(("accept-language", "es"), ("cookie", "sessionid=x; django_language=fr"))
    assert scope_language(both) == "fr"
    assert scope_language(scope()) == "en"
    # A language saved in the person's account wins, as on the pages.
    saved = {**both, "user": type("User", (), {"language": "es"})()}
    assert scope_language(saved) == "es"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_the_room_state_gives_french_step_titles_and_prompts(organiser, team):  # noqa: F811
    from asgiref.sync import sync_to_async

    four = await sync_to_async(plan)(organiser, team, kind="four_part")
    user = team["facilitator"].user
    communicator = WebsocketCommunicator(
        RoomConsumer.as_asgi(),
        f"/ws/assists/{four.pk}/",
        headers=[(b"accept-language", b"fr-FR,fr;q=0.9")],
    )
    communicator.scope["url_route"] = {"kwargs": {"assist_id": four.pk}}
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    try:
        await communicator.send_json_to({"type": "hello", "last_seq": 0})
        while (message := await communicator.receive_json_from(timeout=3))["type"] != "state":
            pass
        names = [step["name"] for step in message["agenda"]]
        assert names[1] == "Les pairs questionnent et partagent"
        prompts = message["agenda"][0]["prompt_questions"]
        assert prompts == ["Qu’attendez-vous de cette séance\u00a0?"]
    finally:
        await communicator.disconnect()
