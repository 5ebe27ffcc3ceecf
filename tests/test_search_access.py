"""Search access rows (search.models.SearchAccess): who may see each document, kept in step
at once when an assist's visibility or its participants change, and rebuilt by reindex."""

import pytest
from django.core.management import call_command

from peerassist.assists.models import Participation, Role, Visibility
from peerassist.search import selectors, services
from peerassist.search.models import SearchAccess, SearchDocument
from tests.test_search_index import make_assist, note

pytestmark = pytest.mark.django_db


def counts(persona, q="zeppelin"):
    return selectors.search(viewer=persona.viewer, q=q).counts_by_type


@pytest.fixture
def taking_part(org, member, admin):
    """A private assist the member takes part in, with a brief and a note."""
    assist = make_assist(
        org, title="Zeppelin merger", challenge="Zeppelins.", visibility=Visibility.PARTICIPANTS
    )
    part = Participation.objects.create(
        assist=assist, person=member.person, role=Role.VISITING_PEER
    )
    note(assist, "Zeppelin crews need training.", admin.person)
    return {"assist": assist, "participation": part}


def test_a_participant_removed_from_an_assist_stops_seeing_it_at_once(taking_part, member):
    assert counts(member) == {"brief": 1, "contribution": 1}
    taking_part["participation"].delete()
    assert counts(member) == {}


@pytest.mark.parametrize("how", ["instance", "queryset", "organisation"])
def test_deleting_an_assist_with_a_home_peer_leaves_no_access_row_behind(org, member, how):
    """The participations go with the assist, and a home peer's going re-indexes the brief:
    that must not write an access row for the brief the same deletion removes."""
    assist = make_assist(org, title="Zeppelin", visibility=Visibility.PARTICIPANTS)
    Participation.objects.create(assist=assist, person=member.person, role=Role.HOME_PEER)
    assist_id = assist.pk
    assert SearchAccess.objects.filter(assist_id=assist_id).exists()
    if how == "instance":
        assist.delete()
    elif how == "queryset":
        type(assist).objects.filter(pk=assist_id).delete()
    else:
        org.delete()
    assert not SearchAccess.objects.filter(assist_id=assist_id).exists()
    documents = set(SearchDocument.objects.values_list("pk", flat=True))
    assert set(SearchAccess.objects.values_list("document_id", flat=True)) <= documents


def test_removing_a_home_peer_still_re_indexes_the_brief(org, member, admin):
    assist = make_assist(org, title="Zeppelin", visibility=Visibility.ORGANISATION)
    part = Participation.objects.create(assist=assist, person=member.person, role=Role.HOME_PEER)
    brief = SearchDocument.objects.get(doc_type="brief", object_id=assist.pk)
    part.delete()
    assert SearchAccess.objects.filter(document_id=brief.pk, assist_id=assist.pk).exists()


def test_the_access_clause_compiled_once_per_viewer_still_asks_who_takes_part(
    taking_part, member, org, admin
):
    """`selectors` keeps each viewer's compiled access clause: the participations (and sent
    write-ups) stay subqueries in it, and another role is another clause."""
    from peerassist.accounts.models import Role as OrgRole
    from peerassist.core.scoping import Viewer

    assert counts(member) == {"brief": 1, "contribution": 1}
    assert counts(member) == {"brief": 1, "contribution": 1}  # the clause kept, reused
    taking_part["participation"].delete()
    assert counts(member) == {}
    Participation.objects.create(
        assist=taking_part["assist"], person=member.person, role=Role.VISITING_PEER
    )
    assert counts(member) == {"brief": 1, "contribution": 1}
    shared = make_assist(org, title="Zeppelin depot", visibility=Visibility.ORGANISATION)
    assert counts(member) == {"brief": 2, "contribution": 1}
    as_guest = Viewer(user=member.user, organisation=org, role=OrgRole.GUEST)
    # The same user as a guest: only what they take part in, not the shared assist.
    assert selectors.search(viewer=as_guest, q="zeppelin").counts_by_type == {
        "brief": 1,
        "contribution": 1,
    }
    assert shared.pk not in {
        h.assist_id for h in selectors.search(viewer=as_guest, q="zeppelin").hits
    }


def test_a_person_added_to_an_assist_sees_it_at_once(org, member, admin):
    assist = make_assist(org, title="Zeppelin", visibility=Visibility.PARTICIPANTS)
    assert counts(member) == {}
    Participation.objects.create(assist=assist, person=member.person, role=Role.VISITING_PEER)
    assert counts(member) == {"brief": 1}


# Who sees the assist's documents after its visibility changes: member (not taking part),
# guest (taking part), organiser — the same answers as for the assist itself.
VISIBILITY_TABLE = [
    # visibility,              member, guest who takes part, organiser
    (Visibility.PARTICIPANTS, False, True, True),
    (Visibility.ORGANISATION, True, True, True),
    (Visibility.PUBLISHED, True, True, True),
]


@pytest.mark.parametrize(
    ("visibility", "member_sees", "guest_sees", "organiser_sees"), VISIBILITY_TABLE
)
def test_changing_an_assist_s_visibility_changes_who_finds_it_at_once(
    org, member, guest, organiser, visibility, member_sees, guest_sees, organiser_sees
):
    from tests.factories import PersonFactory

    start = (
        Visibility.ORGANISATION
        if visibility == Visibility.PARTICIPANTS
        else Visibility.PARTICIPANTS
    )
    assist = make_assist(org, title="Zeppelin plan", challenge="Zeppelins.", visibility=start)
    Participation.objects.create(
        assist=assist,
        person=PersonFactory(organisation=org, user=guest.user, name="Guest"),
        role=Role.VISITING_PEER,
    )
    assist.visibility = visibility
    assist.save()
    for persona, sees in ((member, member_sees), (guest, guest_sees), (organiser, organiser_sees)):
        assert (counts(persona) == {"brief": 1}) is sees, persona.viewer.role


def test_every_document_has_its_access_row_and_reindex_rebuilds_them(taking_part, member):
    fields = ("document_id", "organisation_id", "doc_type", "assist_id", "shared")
    rows = set(SearchAccess.objects.values_list(*fields))
    assert {r[0] for r in rows} == set(SearchDocument.objects.values_list("pk", flat=True))
    assert (taking_part["assist"].pk, False) in {(r[3], r[4]) for r in rows}
    SearchAccess.objects.all().delete()  # e.g. documents bulk-inserted without signals
    call_command("reindex", verbosity=0)
    assert set(SearchAccess.objects.values_list(*fields)) == rows
    services.search_access_rebuild()  # idempotent
    assert set(SearchAccess.objects.values_list(*fields)) == rows
    assert counts(member) == {"brief": 1, "contribution": 1}
