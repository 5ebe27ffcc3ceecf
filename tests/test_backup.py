"""The backup → wipe → restore drill, on SQLite and on PostgreSQL: `peerassist backup` of an
instance with the demo data and uploaded files, the database and files deleted, `peerassist
restore` into the empty instance; every table's row count and checksum and every file must
come back identical."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.harness.app import PEERASSIST, server_env

CHECKSUMS = (
    "import json; from peerassist.core.backup import table_checksums; "
    "print('CHECKSUMS ' + json.dumps(table_checksums()))"
)


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    from tests.harness.postgres import PostgresUnavailable, running_postgres

    try:
        with running_postgres(quiet=True) as url:
            yield url
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {exc}")
        pytest.skip(f"PostgreSQL is not installed: {exc}")


def cli(env: dict[str, str], cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(PEERASSIST), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if ok:
        assert result.returncode == 0, (
            f"peerassist {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def checksums(env: dict[str, str], cwd: Path) -> dict[str, dict]:
    out = cli(env, cwd, "shell", "--no-imports", "-c", CHECKSUMS).stdout
    line = next(line for line in out.splitlines() if line.startswith("CHECKSUMS "))
    return json.loads(line.removeprefix("CHECKSUMS "))


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def pg_admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgres"])
def instance(request, tmp_path) -> Iterator[tuple[dict[str, str], callable]]:
    """A fresh instance's environment, and a function that wipes its database to empty."""
    env = server_env(tmp_path)
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    if request.param == "sqlite":
        database = tmp_path / "drill.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"

        def wipe() -> None:
            for path in tmp_path.glob("drill.sqlite3*"):
                path.unlink()

    else:
        server = request.getfixturevalue("postgres_server")
        pg_admin(server, "CREATE DATABASE drill")
        parts = urlsplit(server)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/drill"))

        def wipe() -> None:
            pg_admin(server, "DROP DATABASE drill WITH (FORCE)")
            pg_admin(server, "CREATE DATABASE drill")

        request.addfinalizer(lambda: pg_admin(server, "DROP DATABASE IF EXISTS drill WITH (FORCE)"))
    yield env, wipe


def test_backup_wipe_restore_gives_identical_tables_and_files(instance, tmp_path):
    env, wipe = instance
    media = Path(env["MEDIA_ROOT"])
    cli(env, tmp_path, "migrate", "--no-input", "-v", "0")
    cli(env, tmp_path, "demo")
    (media / "attachments" / "7").mkdir(parents=True)
    (media / "attachments" / "7" / "brief.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(4096))
    (media / "attachments" / "notes é.txt").write_text("unicode name\n")
    before = checksums(env, tmp_path)
    files_before = files(media)
    assert before["people_person"]["rows"] > 0
    assert before["assists_peerassist"]["rows"] > 0

    done = cli(env, tmp_path, "backup", str(tmp_path / "drill.tar.gz"))
    assert "Backed up" in done.stdout
    archive = tmp_path / "drill.tar.gz"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["tables"] == before
    assert set(manifest["media"]) == set(files_before)

    wipe()
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()

    restored = cli(env, tmp_path, "restore", str(archive))
    assert "Restored and verified" in restored.stdout

    assert checksums(env, tmp_path) == before
    assert files(media) == files_before
    # The restored instance works: its migrations are all applied.
    plan = cli(env, tmp_path, "migrate", "--plan").stdout
    assert "No planned migration operations" in plan


def test_restore_refuses_an_instance_with_data_and_a_damaged_archive(tmp_path):
    env = server_env(tmp_path)
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    cli(env, tmp_path, "migrate", "--no-input", "-v", "0")
    cli(env, tmp_path, "backup", str(tmp_path / "b.tar.gz"))

    refused = cli(env, tmp_path, "restore", str(tmp_path / "b.tar.gz"), ok=False)
    assert refused.returncode == 1
    assert "already has data" in refused.stderr

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(tmp_path / "b.tar.gz") as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.sqlite3":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    broken = cli(env, tmp_path, "restore", str(damaged), "--force", ok=False)
    assert broken.returncode == 1
    assert "does not match its checksum" in broken.stderr

    missing = cli(env, tmp_path, "restore", str(tmp_path / "nope.tar.gz"), ok=False)
    assert "No such backup file" in missing.stderr
