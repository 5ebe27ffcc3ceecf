"""The key in SQLite's FTS rowid (organisation, shared, type, document id; migration 0006):
after every change of who may see a document, the same viewer searches before and after,
and the index's keys must be those of the access rows. The searches run on PostgreSQL too
(where there is no key); the checks of the keys themselves only on SQLite."""

from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from peerassist.accounts.models import Organisation
from peerassist.accounts.models import Role as OrgRole
from peerassist.assists.models import Participation, PeerAssist, Role, Visibility
from peerassist.search import selectors
from peerassist.search.models import SearchAccess, SearchDocument
from tests.conftest import make_persona
from tests.factories import PersonFactory
from tests.test_search_index import make_assist, note

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'")
key_migration = import_module("peerassist.search.migrations.0006_sqlite_access_key")


def found(persona, q="zeppelin"):
    """(counts per type, the page's assists) for the viewer; and the keys checked."""
    assert_keys_in_step()
    page = selectors.search(viewer=persona.viewer, q=q)
    return page.counts_by_type, {hit.assist_id for hit in page.hits}


def index_keys() -> set[int]:
    """The rowids the FTS index itself holds (not its content view), from fts5vocab."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_instances "
            "USING fts5vocab('main', 'search_fts', 'instance')"
        )
        cursor.execute("SELECT DISTINCT doc FROM temp.search_fts_instances")
        return {row[0] for row in cursor.fetchall()}


def expected_keys() -> set[int]:
    from peerassist.search.backends.sqlite import document_key

    rows = SearchAccess.objects.exclude(document__title_stems="", document__body_stems="")
    return {
        document_key(org, shared, doc_type, doc)
        for doc, org, shared, doc_type in rows.values_list(
            "document_id", "organisation_id", "shared", "doc_type"
        )
    }


def assert_keys_in_step() -> None:
    """Every document has one access row agreeing with its assist, and every FTS row the
    key of its access row (and FTS5's own check of index against content passes)."""
    if connection.vendor != "sqlite":
        return
    from peerassist.search.backends.sqlite import document_key

    documents = SearchDocument.objects.values_list("pk", "organisation_id", "doc_type", "assist")
    access = SearchAccess.objects.values_list("pk", "organisation_id", "doc_type", "assist")
    assert set(documents) == set(access)
    private = set(
        PeerAssist.objects.filter(visibility=Visibility.PARTICIPANTS).values_list("pk", flat=True)
    )
    for assist_id, shared in SearchAccess.objects.values_list("assist_id", "shared"):
        assert shared is (assist_id not in private), assist_id
    assert index_keys() == expected_keys()
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_id, fts_key FROM search_searchaccess")
        keyed = dict(cursor.fetchall())
    assert keyed == {
        doc: document_key(org, shared, doc_type, doc)
        for doc, org, shared, doc_type in SearchAccess.objects.values_list(
            "document_id", "organisation_id", "shared", "doc_type"
        )
    }
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def guest_taking_part(org, guest):
    """The guest's person, for Participation rows."""
    return PersonFactory(organisation=org, user=guest.user, name="Guest")


@pytest.fixture
def private(org, admin):
    assist = make_assist(
        org, title="Zeppelin merger", challenge="Zeppelins.", visibility=Visibility.PARTICIPANTS
    )
    note(assist, "Zeppelin crews need training.", admin.person)
    return assist


BRIEF_AND_NOTE = {"brief": 1, "contribution": 1}


@pytest.mark.parametrize("how", ["save", "queryset", "sql"])
def test_an_assist_made_shared_then_private_moves_its_documents_keys(
    private, member, guest, organiser, guest_taking_part, how
):
    Participation.objects.create(assist=private, person=guest_taking_part, role=Role.VISITING_PEER)

    def set_visibility(visibility):
        if how == "save":
            private.visibility = visibility
            private.save()
        elif how == "queryset":  # no signal: the trigger alone moves the keys
            PeerAssist.objects.filter(pk=private.pk).update(visibility=visibility)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE assists_peerassist SET visibility = %s WHERE id = %s",
                    [visibility, private.pk],
                )

    assert found(member) == ({}, set())
    assert found(guest) == found(organiser) == (BRIEF_AND_NOTE, {private.pk})
    set_visibility(Visibility.ORGANISATION)
    for persona in (member, guest, organiser):
        assert found(persona) == (BRIEF_AND_NOTE, {private.pk}), persona.viewer.role
    set_visibility(Visibility.PUBLISHED)
    assert found(member) == (BRIEF_AND_NOTE, {private.pk})
    set_visibility(Visibility.PARTICIPANTS)
    assert found(member) == ({}, set())
    assert found(guest) == found(organiser) == (BRIEF_AND_NOTE, {private.pk})


def test_a_note_moved_to_another_assist_follows_it(private, member, admin, org):
    shared = make_assist(org, title="Depot", visibility=Visibility.ORGANISATION)
    moving = note(shared, "Zeppelin hangars leak.", admin.person)
    assert found(member) == ({"contribution": 1}, {shared.pk})
    moving.assist = private
    moving.save()
    assert found(member) == ({}, set())
    moving.assist = shared
    moving.save()
    assert found(member) == ({"contribution": 1}, {shared.pk})


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_an_assist_deleted_takes_its_keys(private, member, organiser, how):
    assert found(organiser) == (BRIEF_AND_NOTE, {private.pk})
    if how == "instance":
        private.delete()
    else:
        PeerAssist.objects.filter(pk=private.pk).delete()
    assert found(organiser) == ({}, set())
    assert found(member) == ({}, set())


def test_a_document_moved_to_another_organisation_leaves_the_first(
    org, other_org, member, other_org_member, admin
):
    assist = make_assist(org, title="Zeppelin depot", visibility=Visibility.ORGANISATION)
    assert found(member) == ({"brief": 1}, {assist.pk})
    assert found(other_org_member) == ({}, set())
    # The index row itself moved (as reindex would after an import), by a bulk update.
    SearchDocument.objects.filter(doc_type="brief", object_id=assist.pk).update(
        organisation=other_org, assist=None
    )
    assert found(member) == ({}, set())
    assert found(other_org_member) == ({"brief": 1}, {None})


def test_a_person_added_then_removed_as_member_and_as_guest(
    private, member, guest, guest_taking_part
):
    assert found(member) == found(guest) == ({}, set())
    parts = [
        Participation.objects.create(assist=private, person=member.person, role=Role.VISITING_PEER),
        Participation.objects.create(
            assist=private, person=guest_taking_part, role=Role.VISITING_PEER
        ),
    ]
    assert found(member) == found(guest) == (BRIEF_AND_NOTE, {private.pk})
    for part in parts:
        part.delete()
    assert found(member) == found(guest) == ({}, set())


@pytest.mark.parametrize("role", [OrgRole.MEMBER, OrgRole.GUEST, OrgRole.ORGANISER])
def test_the_same_user_in_each_role(private, org, member, role):
    """Shared assists: members and organisers without taking part, guests not; private
    ones: organisers only."""
    from peerassist.core.scoping import Viewer

    shared = make_assist(org, title="Zeppelin depot", visibility=Visibility.ORGANISATION)
    viewer = Viewer(user=member.user, organisation=org, role=role)
    page = selectors.search(viewer=viewer, q="zeppelin")
    seen = {hit.assist_id for hit in page.hits}
    expected = {
        OrgRole.MEMBER: {shared.pk},
        OrgRole.GUEST: set(),
        OrgRole.ORGANISER: {shared.pk, private.pk},
    }[role]
    assert seen == expected
    assert (
        sum(page.counts_by_type.values())
        == {
            OrgRole.MEMBER: 1,
            OrgRole.GUEST: 0,
            OrgRole.ORGANISER: 3,
        }[role]
    )
    assert_keys_in_step()


def test_a_write_up_sent_then_unsent(private, member):
    from peerassist.writeups.models import WriteUp

    writeup = WriteUp.objects.create(assist=private, body="# Zeppelin\n\nZeppelin lessons.")
    assert found(member) == ({}, set())
    writeup.recipients.add(member.person)
    writeup.status = "published"
    writeup.save()
    assert found(member) == ({"writeup": 1}, {private.pk})
    writeup.recipients.remove(member.person)
    assert found(member) == ({}, set())
    writeup.recipients.add(member.person)
    writeup.status = "draft"
    writeup.save()
    assert found(member) == ({}, set())


@sqlite_only
def test_a_stale_key_shows_no_document(private, member, caplog):
    """Defence in depth: an FTS row forged to say "shared" for a private assist's note may
    be counted, but the page's access check keeps the note off the page."""
    from peerassist.search.backends.sqlite import document_key

    doc = SearchDocument.objects.get(doc_type="contribution", assist=private)
    old = document_key(doc.organisation_id, False, "contribution", doc.pk)
    forged = document_key(doc.organisation_id, True, "contribution", doc.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems) "
            "VALUES ('delete', %s, %s, %s)",
            [old, doc.title_stems, doc.body_stems],
        )
        cursor.execute(
            "INSERT INTO search_fts(rowid, title_stems, body_stems) VALUES (%s, %s, %s)",
            [forged, doc.title_stems, doc.body_stems],
        )
    page = selectors.search(viewer=member.viewer, q="zeppelin")
    assert page.hits == []
    assert "refused by the access check" in caplog.text
    call_command("reindex", verbosity=0)  # reindex puts the key right
    assert_keys_in_step()
    assert found(member) == ({}, set())


@sqlite_only
def test_reindex_rebuilds_every_key(private, member, organiser):
    before = found(organiser)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
    assert index_keys() == set()
    call_command("reindex", verbosity=0)
    assert_keys_in_step()
    assert found(organiser) == before


@sqlite_only
def test_the_migration_keys_the_existing_rows(private, member, organiser):
    """Its backward step gives the FTS table keyed by document id back, its forward step
    keys every row again."""

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    before = found(organiser)
    key_migration.backward(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_fts")
        assert {r[0] for r in cursor.fetchall()} == set(
            SearchDocument.objects.values_list("pk", flat=True)
        )
    key_migration.forward(None, editor)
    assert_keys_in_step()
    assert found(organiser) == before


@sqlite_only
def test_every_trigger_is_there():
    """A migration that rebuilds one of their tables on SQLite drops its triggers (and the
    access row's generated key column, with its index)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")
        names = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT name FROM pragma_table_xinfo('search_searchaccess')")
        columns = {r[0] for r in cursor.fetchall()}
    assert {*key_migration.TRIGGERS, "search_access_by_key"} <= names
    assert "fts_key" in columns


@sqlite_only
def test_the_key_s_lists_agree():
    from peerassist.core.access import SHARED_VISIBILITIES
    from peerassist.search.backends import sqlite
    from peerassist.search.models import DocType

    assert key_migration.TYPES == sqlite.TYPE_CODES
    assert set(sqlite.TYPE_CODES) == set(DocType.values)
    assert tuple(key_migration.SHARED_VISIBILITIES) == tuple(SHARED_VISIBILITIES)
    assert (key_migration.ORG_SHIFT, key_migration.SHARED_SHIFT, key_migration.TYPE_SHIFT) == (
        sqlite.ORG_SHIFT,
        sqlite.SHARED_SHIFT,
        sqlite.TYPE_SHIFT,
    )


@sqlite_only
@pytest.mark.parametrize("too_big", ["document", "organisation"])
def test_a_key_that_would_not_fit_is_refused(org, too_big):
    from peerassist.search.backends.sqlite import document_key

    if too_big == "document":
        owner, pk = org, 1 << 40
    else:
        owner, pk = Organisation.objects.create(pk=1 << 19, name="Big", slug="big"), None
    with pytest.raises(IntegrityError, match="search key out of range"), transaction.atomic():
        SearchDocument.objects.create(
            pk=pk, doc_type="topic", object_id=1, organisation=owner, title="Zeppelin"
        )
    assert not SearchDocument.objects.filter(object_id=1, doc_type="topic").exists()
    with pytest.raises(ValueError, match="out of range"):
        document_key(owner.pk, True, "topic", pk or 1)


def test_a_new_organisation_s_member_finds_its_own_only(org, other_org, admin):
    outsider_member = make_persona(other_org, OrgRole.MEMBER, "m2@example.test")
    make_assist(org, title="Zeppelin depot", visibility=Visibility.ORGANISATION)
    other = make_assist(other_org, title="Zeppelin yard", visibility=Visibility.ORGANISATION)
    assert found(outsider_member) == ({"brief": 1}, {other.pk})
