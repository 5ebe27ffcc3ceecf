"""Moving an organisation carries its live rooms' anonymous questions, upvotes, dot-votes and
ballots, with every id they hold pointing at the same things afterwards: a ballot's dots
name notes by id (`Ballot.dots`), a room names the steps open to anonymous questions by id
(`Room.anonymous_step_ids`). The moved rows get other ids than they had in the source
(checked: ids that happened to coincide would hide a stale one). Compared by what the ids
point at: note texts and step names."""

from __future__ import annotations

from pathlib import Path

from tests.test_backup import cli
from tests.test_org_transfer import instance_env, shell

SEED = """
from peerassist.accounts.models import Organisation
from peerassist.live.models import Ballot, Contribution, QuestionUpvote, Room, Vote
from peerassist.people.models import Person
import uuid
# The oldest note goes, so that an import numbers every later one differently.
Contribution.objects.filter(assist__organisation__slug='meridian').order_by('pk').first().delete()
notes = list(Contribution.objects.filter(assist__organisation__slug='meridian', deleted_at=None)
    .order_by('-pk')[:4])
assist = notes[0].assist
notes = [n for n in notes if n.assist_id == assist.pk]
assert len(notes) >= 3, notes
people = list(Person.objects.filter(organisation__slug='meridian').order_by('pk')[:2])
question = notes[0]
question.kind, question.anonymous = 'question', True
question.save(update_fields=['kind', 'anonymous'])
QuestionUpvote.objects.create(contribution=question, person=people[1])
step = assist.steps.order_by('order').last()
room, _ = Room.objects.get_or_create(assist=assist)
room.anonymous_step_ids = [step.pk]
room.save(update_fields=['anonymous_step_ids'])
vote = Vote.objects.create(assist=assist, step=step, dots=3, opened_by=people[0])
vote.notes.set(notes[1:3])
Ballot.objects.create(vote=vote, person=people[0], client_id=uuid.uuid4(),
    dots={str(notes[1].pk): 2, str(notes[2].pk): 1})
print('SEEDED')
"""

#: The live rows of meridian, ids replaced by what they point at.
MEANING = """
import json
from peerassist.assists.models import AssistStep
from peerassist.live.models import Ballot, Contribution, QuestionUpvote, Room, Vote
org = 'meridian'
def text(pk):
    found = Contribution.objects.filter(pk=int(pk)).first()
    return found.text if found else f'no note {pk}'
def title(pk):
    found = AssistStep.objects.filter(pk=int(pk)).first()
    return found.name if found else f'no step {pk}'
print('MEANING ' + json.dumps({
    'questions': sorted(c.text for c in Contribution.objects.filter(
        assist__organisation__slug=org, anonymous=True)),
    'upvotes': sorted(u.contribution.text for u in QuestionUpvote.objects.filter(
        contribution__assist__organisation__slug=org)),
    'anonymous_steps': sorted(title(s) for r in Room.objects.filter(
        assist__organisation__slug=org) for s in r.anonymous_step_ids),
    'votes': sorted([v.step.name, sorted(n.text for n in v.notes.all())]
        for v in Vote.objects.filter(assist__organisation__slug=org)),
    'ballots': sorted(sorted([text(k), d] for k, d in b.dots.items())
        for b in Ballot.objects.filter(vote__assist__organisation__slug=org)),
}, sort_keys=True))
print('IDS ' + json.dumps(sorted(pk for v in Vote.objects.filter(assist__organisation__slug=org)
    for pk in v.notes.values_list('pk', flat=True))
    + [v.step_id for v in Vote.objects.filter(assist__organisation__slug=org)]))
"""


def test_votes_ballots_and_anonymous_questions_move_with_their_meaning(tmp_path: Path):
    source = instance_env(tmp_path, "source")
    cli(source, tmp_path, "migrate", "--no-input", "-v", "0")
    cli(source, tmp_path, "demo")
    assert "SEEDED" in cli(source, tmp_path, "shell", "--no-imports", "-c", SEED).stdout
    before = shell(source, tmp_path, MEANING, "MEANING")
    assert before["questions"] and before["upvotes"] and before["anonymous_steps"]
    assert before["votes"] and before["ballots"]
    ids_before = shell(source, tmp_path, MEANING, "IDS")
    cli(source, tmp_path, "export-org", "meridian", str(tmp_path / "meridian.tar.gz"))

    target = instance_env(tmp_path, "target")
    cli(target, tmp_path, "migrate", "--no-input", "-v", "0")
    cli(target, tmp_path, "import-org", str(tmp_path / "meridian.tar.gz"))

    # The notes and steps got other ids than in the source.
    assert shell(target, tmp_path, MEANING, "IDS") != ids_before
    assert shell(target, tmp_path, MEANING, "MEANING") == before
