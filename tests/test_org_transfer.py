"""Moving one organisation between instances: `peerassist export-org` on an instance with the
demo data and uploaded files, `peerassist import-org` into an EMPTY instance (another
database and MEDIA_ROOT), then every table of the organisation compared row by row (ids
replaced by what they point at, since the new instance numbers its own rows) and every file
byte for byte. The other demo organisation never leaves. Conflicts and damaged archives
are refused with the record named, exit code 1 and nothing written."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.harness.app import server_env
from tests.test_backup import cli, files, pg_admin, postgres_server  # noqa: F401 - fixture

SNAPSHOT = (
    "import json; from peerassist.core.orgtransfer import organisation_snapshot; "
    "print('SNAPSHOT ' + json.dumps(organisation_snapshot('meridian')))"
)
#: After an import: the moved organisation is searchable and its people can sign in.
WORKS = (
    "import json; from peerassist.search.models import SearchDocument as D; "
    "from django.contrib.auth import authenticate; "
    "print('WORKS ' + json.dumps({'documents': D.objects.count(), 'signed_in': authenticate("
    "email='organiser@meridian.example', password='peerassist-demo') is not None}))"
)
# Files of both organisations, and a notification whose link carries ids (rewritten on import).
SEED = """
import os
from django.core.files.base import ContentFile
from peerassist.assists.models import BriefAttachment, PeerAssist
from peerassist.accounts.models import Organisation
from peerassist.notifications.models import Notification
from peerassist.people.models import Person
from peerassist.writeups.models import Action
assists = list(PeerAssist.objects.filter(organisation__slug='meridian').order_by('pk'))
BriefAttachment.objects.create(assist=assists[0], name='Brief', file=ContentFile(
    b'%PDF-1.4 ' + bytes(range(256)) * 40, name='brief.pdf'))
BriefAttachment.objects.create(assist=assists[-1], name='Notes', file=ContentFile(
    'accents é ü\\n'.encode(), name='notes é.txt'))
from peerassist.assists.models import Format
shipped = Format.objects.filter(organisation__isnull=True).order_by('pk').first()
Format.objects.create(organisation=assists[0].organisation, kind=shipped.kind,
    name='Our own format', based_on=shipped)
other = Organisation.objects.get(slug='harbour-city')
theirs = PeerAssist.objects.create(organisation=other, title='Harbour secret plan',
    format=shipped)
BriefAttachment.objects.create(assist=theirs, name='Secret', file=ContentFile(
    b'HARBOUR-ONLY', name='harbour-secret.txt'))
action = Action.objects.filter(assist__organisation__slug='meridian').order_by('pk').last()
person = Person.objects.filter(organisation__slug='meridian', user__isnull=False).first()
Notification.objects.create(organisation=person.organisation, person=person,
    kind='action', title='Your action',
    url=f'/assists/{action.assist_id}/conclusion/#action-{action.pk}')
print('SEEDED')
"""


def shell(env: dict[str, str], cwd: Path, code: str, prefix: str) -> dict:
    out = cli(env, cwd, "shell", "--no-imports", "-c", code).stdout
    line = next(line for line in out.splitlines() if line.startswith(prefix + " "))
    return json.loads(line.removeprefix(prefix + " "))


def snapshot(env: dict[str, str], cwd: Path) -> dict[str, list[str]]:
    return shell(env, cwd, SNAPSHOT, "SNAPSHOT")


def instance_env(tmp_path: Path, name: str) -> dict[str, str]:
    env = server_env(tmp_path / name)
    (tmp_path / name).mkdir(parents=True, exist_ok=True)
    env["MEDIA_ROOT"] = str(tmp_path / name / "media")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / name / 'db.sqlite3'}"
    return env


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> tuple[dict[str, str], Path, Path]:
    """An instance with the demo data and files; its meridian export, made once."""
    tmp = tmp_path_factory.mktemp("org-source")
    env = instance_env(tmp, "source")
    cli(env, tmp, "migrate", "--no-input", "-v", "0")
    cli(env, tmp, "demo")
    assert "SEEDED" in cli(env, tmp, "shell", "--no-imports", "-c", SEED).stdout
    archive = tmp / "meridian.tar.gz"
    done = cli(env, tmp, "export-org", "meridian", str(archive))
    assert "Exported 'meridian'" in done.stdout
    return env, tmp, archive, snapshot(env, tmp)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_instance(request, tmp_path) -> Iterator[dict[str, str]]:
    env = instance_env(tmp_path, "target")
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        pg_admin(server, "CREATE DATABASE orgmove")
        env["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path="/orgmove"))
        request.addfinalizer(
            lambda: pg_admin(server, "DROP DATABASE IF EXISTS orgmove WITH (FORCE)")
        )
    cli(env, tmp_path, "migrate", "--no-input", "-v", "0")
    yield env


def test_export_import_into_an_empty_instance_gives_the_same_organisation(
    source, empty_instance, tmp_path
):
    src_env, _src_cwd, archive, before = source
    # Every table that belongs to the organisation is there, with rows where the demo has them.
    for table in ("people.Person", "assists.PeerAssist", "live.Contribution", "writeups.Action"):
        assert before[table], table
    assert len(before["assists.BriefAttachment"]) == 2

    done = cli(empty_instance, tmp_path, "import-org", str(archive))
    assert "Imported 'meridian'" in done.stdout

    after = snapshot(empty_instance, tmp_path)
    works = shell(empty_instance, tmp_path, WORKS, "WORKS")
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], f"{table} differs after the move"
    src_files = {
        k: v
        for k, v in files(Path(src_env["MEDIA_ROOT"])).items()
        if not k.endswith("harbour-secret.txt")
    }
    assert files(Path(empty_instance["MEDIA_ROOT"])) == src_files
    # The moved organisation works: its search index was rebuilt, its people can sign in.
    assert works["documents"] > 0
    assert works["signed_in"] is True


def test_the_archive_holds_nothing_of_another_organisation(source):
    _env, _cwd, archive, _before = source
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        data = tar.extractfile("organisation.json").read().decode()
    assert manifest["organisation"] == "meridian"
    assert manifest["format"] == 1
    assert "harbour-city" not in data
    assert "harbourcity.example" not in data
    assert "Harbour secret" not in data
    assert not [n for n in names if "harbour" in n]
    assert "media/assists/" in " ".join(names)
    orgs = next(t for t in json.loads(data)["tables"] if t["model"] == "accounts.Organisation")
    assert [row["fields"]["slug"] for row in orgs["rows"]] == ["meridian"]


# --- In this process, on the test database (fast): renumbering, conflicts, damage ---------


def _import(archive: Path) -> str:
    out = StringIO()
    call_command("import_org", str(archive), stdout=out)
    return out.getvalue()


def _refused(archive: Path) -> str:
    with pytest.raises(CommandError) as refused:
        _import(archive)
    return str(refused.value)


def _all_rows() -> dict[str, dict]:
    from peerassist.core.backup import table_checksums

    return table_checksums()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.mark.django_db
def test_ids_are_renumbered_and_links_follow(source, media):
    """Into an instance that already holds other organisations: new ids, the same data, and
    the ids inside a notification's link point at the new rows."""
    from peerassist.core.demo import demo_load
    from peerassist.core.orgtransfer import organisation_snapshot
    from peerassist.notifications.models import Notification
    from peerassist.writeups.models import Action

    _env, _cwd, archive, before = source
    demo_load()  # meridian and harbour-city: the first ids of every table are taken
    _rename_meridian()
    _import(archive)
    assert organisation_snapshot("meridian") == before
    url = Notification.objects.get(organisation__slug="meridian", title="Your action").url
    action = Action.objects.filter(assist__organisation__slug="meridian").order_by("pk").last()
    assert url == f"/assists/{action.assist_id}/conclusion/#action-{action.pk}"
    with tarfile.open(archive) as tar:
        data = json.load(tar.extractfile("organisation.json"))
    (exported,) = next(t for t in data["tables"] if t["model"] == "notifications.Notification")[
        "rows"
    ]
    assert exported["fields"]["url"] != url  # the ids did change


def _rename_meridian() -> None:
    """The demo's meridian stays, under other names, so that its rows hold the ids."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models import Value
    from django.db.models.functions import Concat

    from peerassist.accounts.models import Organisation

    Organisation.objects.filter(slug="meridian").update(slug="meridian-before")
    get_user_model().objects.update(email=Concat(Value("before."), "email"))
    EmailAddress.objects.update(email=Concat(Value("before."), "email"))


def _rewrite(archive: Path, target: Path, change) -> None:
    """A copy of `archive` with organisation.json changed by `change` and the manifest's
    checksum brought in line (a consistent archive with inconsistent data)."""
    import hashlib

    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        manifest = json.load(src.extractfile("manifest.json"))
        data = json.load(src.extractfile("organisation.json"))
        change(data)
        body = json.dumps(data).encode()
        manifest["data"]["sha256"] = hashlib.sha256(body).hexdigest()
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name == "organisation.json":
                content = body
            elif member.name == "manifest.json":
                content = json.dumps(manifest).encode()
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))


def _damage(archive: Path, target: Path, name: str) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            content = src.extractfile(member).read()
            if member.name == name:
                content = content[:-8] + b"DAMAGED!"
            dst.addfile(member, io.BytesIO(content))


@pytest.mark.django_db
def test_conflicts_and_damage_are_refused_and_nothing_is_written(source, media, tmp_path):
    from django.contrib.auth import get_user_model

    _env, _cwd, archive, _before = source
    # An account with a meridian person's e-mail address (in other case) is already here.
    get_user_model().objects.create_user(email="Organiser@Meridian.example", password="x")
    empty = _all_rows()

    def refused(path: Path, *expected: str) -> None:
        message = _refused(path)
        for text in expected:
            assert text in message, message
        assert _all_rows() == empty, "a refused import wrote rows"
        assert files(media) == {} if media.exists() else True, "a refused import left files"

    refused(archive, "accounts.User email='organiser@meridian.example'", "record ")
    get_user_model().objects.filter(email__iexact="organiser@meridian.example").delete()
    empty = _all_rows()

    # The data refers to a row that is not in the archive: found while writing, all undone
    # (the attachments' files were already stored by then, and are removed again).
    broken = tmp_path / "broken.tar.gz"

    def dangling(data: dict) -> None:
        table = next(t for t in data["tables"] if t["model"] == "writeups.Action")
        table["rows"][-1]["fields"]["owner"] = 999999

    _rewrite(archive, broken, dangling)
    actions = len(_table(archive, "writeups.Action"))
    refused(broken, f"Record {actions} of writeups.Action", "people.Person #999999")

    with tarfile.open(archive) as tar:
        brief = next(n for n in tar.getnames() if n.endswith("brief.pdf"))
    for name in ("organisation.json", brief):
        damaged = tmp_path / "damaged.tar.gz"
        _damage(archive, damaged, name)
        refused(damaged, f"{name} in", "does not match its checksum")
    not_tar = tmp_path / "not.tar.gz"
    not_tar.write_bytes(b"this is not an archive")
    refused(not_tar, "not a readable export-org archive")
    assert "No such archive" in _refused(tmp_path / "nope.tar.gz")

    # After all that, the real import works, once; a second one is refused by name.
    assert "Imported 'meridian'" in _import(archive)
    assert "already on this instance: accounts.Organisation slug='meridian'" in _refused(archive)


def _table(archive: Path, label: str) -> list[dict]:
    with tarfile.open(archive) as tar:
        data = json.load(tar.extractfile("organisation.json"))
    return next(t for t in data["tables"] if t["model"] == label)["rows"]


@pytest.mark.django_db
def test_an_unknown_organisation_is_named(tmp_path):
    from peerassist.core.demo import demo_load

    demo_load()
    with pytest.raises(CommandError) as refused:
        call_command("export_org", "nowhere", str(tmp_path / "x.tar.gz"))
    assert "No organisation 'nowhere'" in str(refused.value)
    assert "meridian" in str(refused.value)
    assert not (tmp_path / "x.tar.gz").exists()


@pytest.mark.django_db
def test_times_move_to_the_microsecond(tmp_path, media):
    """Django's JSON keeps milliseconds only: 07:15:39.000007 came back as 07:15:39 (and
    .498765 as .498), so a move changed the data, and the row-by-row comparison failed about
    one run in three, whenever a demo row was created in a millisecond's first microseconds."""
    import datetime as dt

    from peerassist.accounts.models import Organisation
    from peerassist.core.orgtransfer import organisation_export
    from peerassist.people.models import Person
    from tests.factories import OrganisationFactory, PersonFactory

    exact = {
        "Early": dt.datetime(2026, 11, 29, 7, 15, 39, 7, tzinfo=dt.UTC),
        "Late": dt.datetime(2026, 11, 29, 7, 15, 39, 498765, tzinfo=dt.UTC),
    }
    organisation = OrganisationFactory(slug="acme")
    for name, moment in exact.items():
        person = PersonFactory(organisation=organisation, name=name)
        Person.objects.filter(pk=person.pk).update(created_at=moment)
    archive = tmp_path / "acme.tar.gz"
    organisation_export("acme", archive)
    Organisation.objects.filter(slug="acme").update(slug="acme-before")

    _import(archive)

    moved = Person.objects.filter(organisation__slug="acme")
    assert {p.name: p.created_at for p in moved} == exact
