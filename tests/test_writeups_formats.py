"""The write-up follows the format: the four-part draft has the purpose, what the peers
shared (by question and kind), the receivers' analysis and the agreed actions."""

import pytest

from peerassist.assists.models import Format, PeerAssist, Status
from peerassist.assists.services import _copy_steps
from peerassist.writeups import services
from tests.writeups_support import make_scene, note

pytestmark = pytest.mark.django_db


def four_part_scene(org):
    scene = make_scene(org)
    fmt = Format.objects.get(organisation=None, kind="four_part")
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
    scene = make_scene(org)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    body = services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body
    assert "## What we heard" in body and "## What we all now know together" in body
    assert "## The receivers’ analysis" not in body
