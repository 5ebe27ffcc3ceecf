"""The step × role × kind table: its defaults follow the guides' words, it is the format's
data (copied, edited, shown on the agenda), and the server enforces it on the API and the
WebSocket alike."""

import re
import uuid
from pathlib import Path

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.assists import services
from peerassist.assists.kinds import ALL_KINDS, kinds_by_role, legacy_fields
from peerassist.assists.models import (
    Format,
    Participation,
    PeerAssist,
    Status,
    step_kinds_by_role,
)
from peerassist.assists.shipped_formats import SHIPPED
from peerassist.live.models import Contribution, Room
from tests.conftest import make_persona

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
JSON = "application/json"


def guide(marker: str) -> str:
    """The text of the guide that contains `marker` (the seeds are named by hash)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    found = [t for t in texts if marker in t]
    assert len(found) == 1, f"no single guide holds {marker!r}"
    return re.sub(r"\s+", " ", found[0].replace("’", "'"))


MINI = "Guide to Mini-Peer Assist"
STANDARD = "Timing (at least 1 hour 30 minutes)"
WORLD_BANK = "Resource Team"

#: Each cell the guides ask for: (guide, their words, format, step order, role, kind).
#: The words must be in the guide; the cell must then allow the kind for the role.
CELLS = [
    # The Mini guide, step by step.
    (MINI, "home peer briefly presents their business context", "mini", 2, "home_peer", "context"),
    (MINI, "their current plan & approach", "mini", 2, "home_peer", "context"),
    (MINI, "contributions by the visiting peers", "mini", 3, "visiting_peer", "practice"),
    (MINI, "What relevant practices or approaches", "mini", 3, "visiting_peer", "practice"),
    (MINI, "gather helpful practices, learning and insights", "mini", 3, "visiting_peer", "lesson"),
    (MINI, "What did you learn that surprised you?", "mini", 4, "visiting_peer", "surprise"),
    (MINI, "What did you learn that surprised you?", "mini", 4, "home_peer", "surprise"),
    (
        MINI,
        "What haven't you heard that you expected to?",
        "mini",
        4,
        "home_peer",
        "expected_not_heard",
    ),
    (MINI, "What else do you need to know?", "mini", 4, "home_peer", "need_to_know"),
    (MINI, "Other Sources?", "mini", 4, "visiting_peer", "source"),
    (MINI, "the home peer shares what they learned", "mini", 5, "home_peer", "insight"),
    (MINI, "doing things different based on what you heard", "mini", 5, "home_peer", "action_idea"),
    # The Standard guide (timing and "how to use").
    (STANDARD, "Peer assistee presents the case", "standard", 3, "home_peer", "context"),
    (STANDARD, "Communicate the purpose", "standard", 3, "home_peer", "purpose"),
    (STANDARD, "(usually options and insights)", "standard", 4, "visiting_peer", "option"),
    (STANDARD, "(usually options and insights)", "standard", 4, "home_peer", "insight"),
    (
        STANDARD,
        "advice of more experienced people",
        "standard",
        4,
        "visiting_peer",
        "recommendation",
    ),
    (STANDARD, "Commit to actions", "standard", 5, "home_peer", "action_idea"),
    # The four-part format: host (home) team and resource (visiting) team.
    (
        WORLD_BANK,
        "The host team should have clear outcomes",
        "four_part",
        1,
        "home_peer",
        "purpose",
    ),
    (
        WORLD_BANK,
        "clearly understand the context (including past efforts)",
        "four_part",
        1,
        "home_peer",
        "context",
    ),
    (
        WORLD_BANK,
        "The resource team should ask questions",
        "four_part",
        2,
        "visiting_peer",
        "question",
    ),
    (
        WORLD_BANK,
        "take the recommendations from the resource team",
        "four_part",
        2,
        "visiting_peer",
        "recommendation",
    ),
    (WORLD_BANK, "in the form of best practices", "four_part", 2, "visiting_peer", "practice"),
    (WORLD_BANK, "and lessons learned", "four_part", 2, "visiting_peer", "lesson"),
    (WORLD_BANK, "summarize the outcomes", "four_part", 4, "home_peer", "insight"),
    (
        WORLD_BANK,
        "prioritize action ideas and recommendations",
        "four_part",
        4,
        "home_peer",
        "action_idea",
    ),
    (
        WORLD_BANK,
        "prioritize action ideas and recommendations",
        "four_part",
        4,
        "visiting_peer",
        "recommendation",
    ),
]

#: Who only listens, in the shipped description of each step (the guide's words).
LISTENERS = [
    ("four_part", 2, "home_peer", "the receivers only listen"),
    ("four_part", 3, "visiting_peer", "the peers take a back seat"),
    ("mini", 2, "visiting_peer", "Deliberately short, to leave the time for the visiting peers"),
]


def shipped_table(kind: str, order: int) -> dict[str, tuple[str, ...]]:
    spec = next(s for s in SHIPPED if s["kind"] == kind)
    return kinds_by_role(role_kinds=spec["steps"][order - 1]["role_kinds"])


@pytest.mark.parametrize(("source", "words", "kind", "order", "role", "note"), CELLS)
def test_the_guides_words_open_the_cell(source, words, kind, order, role, note):
    assert words.replace("’", "'") in guide(source)
    assert note in shipped_table(kind, order)[role]


@pytest.mark.parametrize(("kind", "order", "role", "words"), LISTENERS)
def test_who_the_guides_say_listens_posts_nothing(kind, order, role, words):
    spec = next(s for s in SHIPPED if s["kind"] == kind)
    assert words in spec["steps"][order - 1]["description"]
    assert shipped_table(kind, order)[role] == ()


def test_the_mini_steps_are_the_guides_five_steps_in_order():
    text = guide(MINI)
    names = re.findall(r"Step (\d)\. ([A-Z][A-Za-z' ]+?) –", text)
    mini = next(s for s in SHIPPED if s["kind"] == "mini")
    assert [int(n) for n, _ in names] == [1, 2, 3, 4, 5]
    for (number, name), step in zip(names, mini["steps"], strict=False):
        assert step["name"].lower() == name.lower().strip(), number


def test_the_standard_steps_follow_the_guides_timing():
    text = guide(STANDARD)
    standard = next(s for s in SHIPPED if s["kind"] == "standard")
    for step in standard["steps"]:
        assert f"- {step['name']} (" in text


def test_observers_never_post_and_facilitation_records_every_kind():
    for spec in SHIPPED:
        for step in spec["steps"]:
            table = kinds_by_role(role_kinds=step["role_kinds"])
            assert table["observer"] == ()
            assert table["facilitator"] == table["note_taker"] == ALL_KINDS


def test_a_step_saved_before_the_table_keeps_its_meaning():
    table = kinds_by_role(
        role_kinds={}, posting_roles=["visiting_peer", "facilitator"], contribution_kinds=["lesson"]
    )
    assert table["visiting_peer"] == ("lesson",) and table["home_peer"] == ("question",)
    assert legacy_fields({"visiting_peer": ["lesson", "source"]}) == (
        ["visiting_peer", "facilitator", "note_taker"],
        ["lesson", "source"],
    )


# --- The data: migrated into the shipped formats, copied into assists --------------------


@pytest.mark.django_db
def test_the_shipped_formats_hold_the_table_after_the_migration():
    for spec in SHIPPED:
        fmt = Format.objects.get(organisation=None, kind=spec["kind"])
        for step, wanted in zip(fmt.steps.order_by("order"), spec["steps"], strict=True):
            assert step_kinds_by_role(step) == kinds_by_role(role_kinds=wanted["role_kinds"])
            assert (step.posting_roles, step.contribution_kinds) == legacy_fields(
                wanted["role_kinds"]
            )


@pytest.fixture
def four_part(org):
    """A live four-part assist with a home peer, two visiting peers and a facilitator."""
    people = {
        role: make_persona(org, "member", f"{role}@step-kinds.test")
        for role in ("home_peer", "visiting_peer", "facilitator")
    }
    assist = services.assist_create(
        viewer=people["home_peer"].viewer,
        title="Four parts",
        format_id=Format.objects.get(organisation=None, kind="four_part").pk,
    )
    for role in ("visiting_peer", "facilitator"):
        Participation.objects.create(assist=assist, person=people[role].person, role=role)
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.LIVE)
    return PeerAssist.objects.get(pk=assist.pk), people


def at_step(assist: PeerAssist, order: int) -> None:
    Room.objects.update_or_create(
        assist=assist, defaults={"current_step": assist.steps.get(order=order)}
    )


def bearer(persona) -> Client:
    raw = api_token_create(user=persona.user, organisation=persona.organisation, name="t").raw
    return Client(headers={"Authorization": f"Bearer {raw}"})


def api_post(persona, assist, kind: str):
    return bearer(persona).post(
        f"/api/v1/assists/{assist.pk}/contributions",
        {"client_id": str(uuid.uuid4()), "text": f"A {kind}", "kind": kind},
        content_type=JSON,
    )


#: (step order, role, kind, expected status) through the API.
API_CASES = [
    (1, "home_peer", "purpose", 201),
    (1, "home_peer", "context", 201),
    (1, "visiting_peer", "practice", 422),
    (2, "visiting_peer", "recommendation", 201),
    (2, "visiting_peer", "practice", 201),
    (2, "visiting_peer", "insight", 422),
    (2, "home_peer", "question", 422),
    (3, "home_peer", "insight", 201),
    (3, "visiting_peer", "recommendation", 422),
    (4, "visiting_peer", "recommendation", 201),
    (4, "home_peer", "action_idea", 201),
    (4, "home_peer", "practice", 422),
    (2, "facilitator", "recommendation", 201),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("order", "role", "kind", "status"), API_CASES)
def test_the_api_enforces_the_table(four_part, order, role, kind, status):
    assist, people = four_part
    at_step(assist, order)
    response = api_post(people[role], assist, kind)
    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["detail"]
        assert not Contribution.objects.filter(assist=assist).exists()


@pytest.mark.django_db
def test_the_room_state_carries_the_table(four_part):
    assist, people = four_part
    at_step(assist, 2)
    body = bearer(people["visiting_peer"]).get(f"/api/v1/assists/{assist.pk}/room").json()
    assert "recommendation" in body["me"]["may"]["kinds"]
    share = body["agenda"][1]
    assert "recommendation" in share["kinds_by_role"]["visiting_peer"]
    assert share["kinds_by_role"]["home_peer"] == []


# --- Editable with the format, shown on the agenda ------------------------------------------


@pytest.mark.django_db
def test_an_organiser_edits_the_table_of_a_copied_format(organiser):
    client = bearer(organiser)
    shipped = Format.objects.get(organisation=None, kind="four_part")
    copy = client.post(f"/api/v1/formats/{shipped.pk}/copy", {}, content_type=JSON).json()
    share = copy["steps"][1]
    assert "recommendation" in share["role_kinds"]["visiting_peer"]
    url = f"/api/v1/formats/steps/{share['id']}"
    table = {"visiting_peer": ["recommendation"], "home_peer": ["question"]}
    changed = client.patch(url, {"role_kinds": table}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    step = changed.json()["step"]
    assert step["role_kinds"]["visiting_peer"] == ["recommendation"]
    assert step["role_kinds"]["observer"] == []
    assert step["posting_roles"] == ["home_peer", "visiting_peer", "facilitator", "note_taker"]
    assert step["contribution_kinds"] == ["question", "recommendation"]

    bad_role = client.patch(url, {"role_kinds": {"boss": ["question"]}}, content_type=JSON)
    assert bad_role.status_code == 422 and "boss" in str(bad_role.json())
    bad_kind = client.patch(url, {"role_kinds": {"home_peer": ["gossip"]}}, content_type=JSON)
    assert bad_kind.status_code == 422
    assert client.get(f"/api/v1/formats/{copy['id']}").json()["steps"][1]["role_kinds"][
        "visiting_peer"
    ] == ["recommendation"]


@pytest.mark.django_db
def test_the_agenda_page_shows_who_may_post_what(four_part):
    assist, people = four_part
    body = people["home_peer"].client().get(f"/assists/{assist.pk}/agenda/").content.decode()
    assert "Who may post what, step by step" in body
    share = re.search(r"2\. Peers question and share</th>(.*?)</tr>", body, re.S)
    assert share is not None
    cells = re.findall(r"<td>(.*?)</td>", share.group(1), re.S)
    assert cells[0] == "—"  # the receivers listen
    assert "Recommendation" in cells[1] and "Practice" in cells[1]
    clarify = re.search(r"1\. Clarify the purpose</th>(.*?)</tr>", body, re.S)
    assert clarify is not None and "Purpose" in clarify.group(1)
