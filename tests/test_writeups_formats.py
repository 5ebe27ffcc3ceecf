"""The write-up follows the format: the four-part draft has the purpose, what the peers
shared (by question and kind), the receivers' analysis and the agreed actions; the Mini
draft has one section per step of its guide and the follow-up date."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peerassist.assists.models import Format, PeerAssist, Status
from peerassist.assists.services import _copy_steps
from peerassist.writeups import services
from tests.writeups_support import make_scene, note

pytestmark = pytest.mark.django_db


def four_part_scene(org, kind="four_part"):
    scene = make_scene(org)
    fmt = Format.objects.get(organisation=None, kind=kind)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(format=fmt)
    scene.assist.refresh_from_db()
    scene.assist.steps.all().delete()
    _copy_steps(fmt, scene.assist)
    return scene


def test_the_four_part_draft_has_its_own_sections_in_order(org):
    scene = four_part_scene(org)
    steps = {s.order: s for s in scene.assist.steps.all()}
    home, visiting = scene.home.person, scene.visiting.person
    note(scene.assist, home, "purpose", "Decide the logger layout before buying", step=steps[1])
    note(
        scene.assist,
        visiting,
        "recommendation",
        "Pilot one district first",
        question=0,
        step=steps[2],
    )
    note(scene.assist, home, "insight", "Our plan ignores plastic mains", step=steps[3])
    note(scene.assist, home, "option", "Rent loggers for a season", step=steps[3])
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    services.action_create(viewer=scene.home.viewer, assist=scene.assist, title="Night survey")
    body = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body

    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings[:3] == [
        "## Purpose and context",
        "## Who took part",
        "## What the peers shared",
    ]
    assert headings.index("## The receivers’ analysis") > headings.index("## What the peers shared")
    assert headings.index("## Agreed actions") == headings.index("## Our response") + 1
    assert "## What we heard" not in body and "## What we all now know together" not in body

    def section(title: str) -> str:
        start = body.index(f"## {title}")
        end = body.find("\n## ", start + 3)
        return body[start : end if end != -1 else None]

    assert "Decide the logger layout" in section("Purpose and context")
    shared = section("What the peers shared")
    assert "Pilot one district first" in shared and "**Recommendation**" in shared
    assert "Our plan ignores plastic mains" not in shared
    analysis = section("The receivers’ analysis")
    assert "Our plan ignores plastic mains" in analysis and "Rent loggers" in analysis
    assert "**Insight**" in analysis and "**Option**" in analysis
    assert "| Night survey |" in section("Agreed actions")


def test_other_formats_keep_what_we_heard_and_what_we_know_together(org):
    scene = four_part_scene(org, kind="standard")
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    body = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body
    assert "## What we heard" in body and "## What we all now know together" in body
    assert "## The receivers’ analysis" not in body


def _section(body: str, title: str) -> str:
    start = body.index(f"## {title}")
    end = body.find("\n## ", start + 3)
    return body[start : end if end != -1 else None]


# The Mini guide's steps (../shared/seeds, "Guide to Mini-Peer Assist"), in its own words.
MINI_GUIDE_SECTIONS = [
    "## Who took part",
    "## What the home peers know",  # Step 2. What the Home Peers Know
    "## What the visiting peers know",  # Step 3. What the Visiting Peers Know
    "## What we all now know together",  # Step 4. What We All Now Know Together
    "## Home peer response",  # Step 5. Home Peer Response
]


def test_the_mini_draft_follows_the_guide_step_by_step(org):
    scene = make_scene(org)  # a Mini Peer Assist
    # The session's steps: what the home peers know, what the visiting peers know, what
    # we all now know together, the home peer's response.
    steps = dict(enumerate(scene.assist.steps.filter(phase="during").order_by("order"), 2))
    home, visiting = scene.home.person, scene.visiting.person
    note(scene.assist, home, "context", "Three depots, one shared fleet", step=steps[2])
    note(scene.assist, visiting, "practice", "We rotated drivers weekly", question=0, step=steps[3])
    note(scene.assist, visiting, "surprise", "Nobody measured idle time", step=steps[4])
    note(scene.assist, home, "need_to_know", "Who owns the telematics data?", step=steps[4])
    note(scene.assist, home, "source", "The 2024 fleet review", step=steps[4])
    note(scene.assist, home, "action_idea", "Ask depot 2 for their rota", step=steps[5])
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    services.conclusion_save(
        viewer=scene.home.viewer,
        assist=scene.assist,
        learned="Idle time is the real cost",
        do_differently="Measure before we reorganise",
        shared_knowledge="",
        followup_on=timezone.localdate() + timedelta(days=30),
    )
    body = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body

    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert [h for h in headings if h in MINI_GUIDE_SECTIONS] == MINI_GUIDE_SECTIONS
    assert headings[-1] == "## After the event: follow-up"
    assert "## What we heard" not in body and "## Purpose and context" not in body

    assert "Three depots, one shared fleet" in _section(body, "What the home peers know")
    visiting_part = _section(body, "What the visiting peers know")
    assert "We rotated drivers weekly" in visiting_part
    assert "Nobody measured idle time" not in visiting_part
    together = _section(body, "What we all now know together")
    for text in ("Nobody measured idle time", "Who owns the telematics data?", "2024 fleet review"):
        assert text in together
    assert "**Surprise**" in together
    response = _section(body, "Home peer response")
    assert "Idle time is the real cost" in response and "Measure before we reorganise" in response
    assert "Ask depot 2 for their rota" in response
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert f"On {due}." in _section(body, "After the event: follow-up")


def test_the_mini_follow_up_says_when_no_date_is_set(org):
    scene = make_scene(org)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    body = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body
    assert "No follow-up date has been set yet." in _section(body, "After the event: follow-up")


def test_the_follow_up_line_in_words():
    from peerassist.writeups.drafting import SessionData, followup_line

    day = date(2027, 3, 4)
    assert followup_line(SessionData(title="x", followup_on=day)) == "On 2027-03-04."
    assert (
        followup_line(SessionData(title="x", followup_on=day, followup_at_next_meeting=True))
        == "At the community's next meeting, on 2027-03-04."
    )
    assert "not scheduled yet" in followup_line(
        SessionData(title="x", followup_at_next_meeting=True)
    )
