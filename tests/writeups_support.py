"""A concluded-session scene shared by the write-up tests: an assist with a home team,
a facilitator, a note-taker, visiting peers (each a signed-in persona) and notes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from peerassist.assists.models import Format, Participation, PeerAssist, Role
from peerassist.assists.services import _copy_steps
from peerassist.live.models import Contribution
from tests.conftest import Persona, make_persona
from tests.factories import PersonFactory, UnitFactory

FOCUS = [
    "How did you place the loggers on plastic mains?",
    "What did you underestimate in the first month?",
]


@dataclass
class Scene:
    assist: PeerAssist
    home: Persona
    facilitator: Persona
    note_taker: Persona
    visiting: Persona
    observer: Persona
    other_peer: object
    notes: list[Contribution] = field(default_factory=list)

    def note(self, key: str) -> Contribution:
        return next(n for n in self.notes if n.text.startswith(key))


def note(assist, author, kind, text, *, question=None, starred=False, step=None) -> Contribution:
    return Contribution.objects.create(
        assist=assist,
        client_id=uuid.uuid4(),
        kind=kind,
        text=text,
        author=author,
        focus_question=question,
        starred=starred,
        step=step,
    )


def make_scene(
    org,
    *,
    status: str = "live",
    visibility: str = "organisation",
    starts_at: datetime | None = None,
) -> Scene:
    """An assist (mini format) in `status`, with people in every role and a few notes."""
    starts = starts_at or timezone.now() - timedelta(hours=2)
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Finding leaks with acoustic loggers",
        format=Format.objects.get(organisation=None, kind="mini"),
        status=status,
        visibility=visibility,
        business_context="Network Maintenance pilots acoustic loggers on 200 km of mains.",
        challenge="Avoid the mistakes others made placing and reading loggers.",
        planned_approach="Lift-and-shift 400 loggers every two weeks.",
        desired_outcome="Options and insights before we buy.",
        focus_questions=FOCUS,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=60),
    )
    _copy_steps(assist.format, assist)
    ops = UnitFactory(organisation=org, name="Network Maintenance")
    field_unit = UnitFactory(organisation=org, name="Field Services")
    home = make_persona(org, "member", "hana@meridian.test")
    facilitator = make_persona(org, "member", "fatima@meridian.test")
    note_taker = make_persona(org, "member", "noah@meridian.test")
    visiting = make_persona(org, "member", "victor@meridian.test")
    observer = make_persona(org, "member", "olga@meridian.test")
    home.person.unit = ops
    home.person.save()
    visiting.person.unit = field_unit
    visiting.person.save()
    other_peer = PersonFactory(organisation=org, name="Vera Peer", email="vera@meridian.test")
    for person, role in [
        (home.person, Role.HOME_PEER),
        (facilitator.person, Role.FACILITATOR),
        (note_taker.person, Role.NOTE_TAKER),
        (visiting.person, Role.VISITING_PEER),
        (other_peer, Role.VISITING_PEER),
        (observer.person, Role.OBSERVER),
    ]:
        Participation.objects.create(assist=assist, person=person, role=role)
    step = assist.steps.filter(phase="during").order_by("order").first()
    scene = Scene(assist, home, facilitator, note_taker, visiting, observer, other_peer)
    v, o = visiting.person, other_peer
    scene.notes = [
        note(
            assist,
            v,
            "lesson",
            "Loggers on plastic pipes hear less than 100 m",
            question=0,
            starred=True,
            step=step,
        ),
        note(
            assist,
            o,
            "practice",
            "Map hydrant access before the first deployment",
            question=0,
            step=step,
        ),
        note(
            assist,
            o,
            "recommendation",
            "Correlate at night when traffic noise drops",
            question=0,
            starred=True,
            step=step,
        ),
        note(
            assist, v, "surprise", "Half the alarms were customer-side leaks", question=1, step=step
        ),
        note(
            assist,
            v,
            "action_idea",
            "Ask the 2023 pilot team for their placement sheet",
            question=1,
            step=step,
        ),
        note(assist, o, "insight", "Budget a week for data cleaning | every month", step=step),
    ]
    deleted = note(assist, v, "lesson", "Deleted note must not appear", question=0, starred=True)
    deleted.deleted_at = timezone.now()
    deleted.save()
    merged = note(assist, o, "lesson", "Merged-away note must not appear", question=0)
    merged.merged_into = scene.notes[0]
    merged.save()
    return scene
