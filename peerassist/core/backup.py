"""Backups of a whole instance: the database and the uploaded files, in one archive with a
manifest (versions, the checksum of every file, the row count and checksum of every table).

    backup_create(path)   SQLite: the online backup API (consistent while the site runs);
                          PostgreSQL: pg_dump in custom format from an exported snapshot.
    backup_restore(path)  verifies every checksum, loads the database (sqlite backup API or
                          pg_restore) and the files, then checks every table against the
                          manifest.

The table checksums are taken from the same snapshot as the dump, so a restore can prove
that it reproduced the data exactly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


# --- Checksums ---------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normalise(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def table_checksums(using: Any = None) -> dict[str, dict[str, Any]]:
    """Every table's row count and a SHA-256 of its rows (sorted, so order does not matter)."""
    conn = using or connection
    result: dict[str, dict[str, Any]] = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            rows = sorted(repr(tuple(_normalise(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256()
            for row in rows:
                digest.update(row.encode())
                digest.update(b"\n")
            result[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return result


def media_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every uploaded file under `root`, by relative path, with its size and SHA-256."""
    files: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        files[path.relative_to(root).as_posix()] = {
            "size": path.stat().st_size,
            "sha256": _sha256_file(path),
        }
    return files


# --- PostgreSQL tools ----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: $PG_BINDIR, Debian's newest, then PATH (newest can read older)."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)

    def major(path: str) -> float:
        with contextlib.suppress(ValueError):
            return float(Path(path).parent.parent.name)
        return 0.0

    candidates += [
        Path(p) for p in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)[::-1]
    ]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was not found. Install the PostgreSQL client (Debian: `apt-get install "
        f"postgresql-client`) or set PG_BINDIR to the directory that holds it."
    )


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed ({result.returncode}):\n{result.stderr}")


# --- Backup ---------------------------------------------------------------------------------------


def _dump_database(workdir: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """Write the database into `workdir`; returns the file name and the tables' checksums."""
    vendor = connection.vendor
    if vendor == "sqlite":
        target = workdir / SQLITE_FILE
        connection.ensure_connection()
        source = connection.connection
        with contextlib.closing(sqlite3.connect(target)) as copy:
            source.backup(copy)  # consistent even while other processes write
        # Without the WAL pragma: the copy stays one self-contained file.
        copy_settings = {**settings.DATABASES["default"], "NAME": str(target), "OPTIONS": {}}
        with _temporary_connection(copy_settings) as copy_conn:
            tables = table_checksums(copy_conn)
        return SQLITE_FILE, tables
    if vendor == "postgresql":
        target = workdir / PG_FILE
        env, args = _pg_env_args()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            # The dump and the checksums see the same snapshot, whatever is written meanwhile.
            _run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={target}",
                    *args,
                ],
                env,
            )
            tables = table_checksums()
        return PG_FILE, tables
    raise BackupError(f"Backups of a {vendor} database are not supported.")


@contextlib.contextmanager
def _temporary_connection(db_settings: dict[str, Any]) -> Iterator[Any]:
    """A Django connection to another database with the same engine (for checksums)."""
    from django.db.utils import ConnectionHandler

    handler = ConnectionHandler({"default": db_settings})
    conn = handler["default"]
    try:
        yield conn
    finally:
        conn.close()


def backup_create(output: Path) -> dict[str, Any]:
    """Write a backup archive (tar.gz) to `output`; returns its manifest."""
    output = output.resolve()
    with tempfile.TemporaryDirectory(prefix="peerassist-backup-") as tmp:
        workdir = Path(tmp)
        database_file, tables = _dump_database(workdir)
        media_root = Path(settings.MEDIA_ROOT)
        media = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "peerassist": version("peerassist"),
            "django": version("django"),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": {
                "vendor": connection.vendor,
                "file": database_file,
                "sha256": _sha256_file(workdir / database_file),
                "migrations": _applied_migrations(),
                "tables": tables,
            },
            "media": media,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(workdir / database_file, arcname=database_file)
            for name in media:
                archive.add(media_root / name, arcname=f"{MEDIA_DIR}/{name}")
        partial.chmod(0o600)  # it holds every password hash and secret of the instance
        partial.replace(output)  # never a half-written archive under the final name
    return manifest


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


# --- Restore ---------------------------------------------------------------------------


def _read_archive(path: Path, workdir: Path) -> dict[str, Any]:
    """Unpack the archive into `workdir` and check every checksum in its manifest."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(workdir, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a readable peerassist backup: {exc}") from exc
    try:
        manifest: dict[str, Any] = json.loads((workdir / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is backup format {manifest.get('format')}; this is {FORMAT}.")
    database = manifest["database"]
    if _sha256_file(workdir / database["file"]) != database["sha256"]:
        raise BackupError(f"{database['file']} in {path} does not match its checksum.")
    for name, meta in manifest["media"].items():
        file = workdir / MEDIA_DIR / name
        if not file.is_file() or _sha256_file(file) != meta["sha256"]:
            raise BackupError(f"{MEDIA_DIR}/{name} in {path} is missing or damaged.")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _media_is_empty(root: Path) -> bool:
    return not any(path.is_file() for path in root.rglob("*"))


def backup_restore(path: Path, *, force: bool = False) -> RestoreReport:
    """Replace this instance's database and uploaded files with the backup at `path`."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="peerassist-restore-") as tmp:
        workdir = Path(tmp)
        manifest = _read_archive(path, workdir)
        database = manifest["database"]
        if database["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup holds a {database['vendor']} database and this instance uses "
                f"{connection.vendor}. Move the data with `peerassist export-org` instead."
            )
        if not force and not (_database_is_empty() and _media_is_empty(media_root)):
            raise BackupError(
                "This instance already has data: restoring replaces all of it. Restore into "
                "an empty database and MEDIA_ROOT, or add --force."
            )
        if connection.vendor == "sqlite":
            _restore_sqlite(workdir / database["file"])
        else:
            _restore_postgres(workdir / database["file"])
        if media_root.exists():
            shutil.rmtree(media_root)
        source_media = workdir / MEDIA_DIR
        if source_media.is_dir():
            shutil.copytree(source_media, media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    _verify(manifest, media_root)
    tables = manifest["database"]["tables"]
    return RestoreReport(
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(manifest["media"]),
    )


def _restore_sqlite(source_file: Path) -> None:
    connections.close_all()
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(source_file)) as source:
        source.backup(connection.connection)  # replaces every page, WAL included
    connection.close()


def _restore_postgres(source_file: Path) -> None:
    if not _database_is_empty():  # only with --force
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connections.close_all()
    env, args = _pg_env_args()
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source_file),
        ],
        env,
    )


def _verify(manifest: dict[str, Any], media_root: Path) -> None:
    """Every table and file as the manifest says, or BackupError naming what differs."""
    expected = manifest["database"]["tables"]
    actual = table_checksums()
    differing = sorted(
        name for name in set(expected) | set(actual) if expected.get(name) != actual.get(name)
    )
    if differing:
        raise BackupError(f"Restored, but these tables differ from the backup: {differing}")
    if media_files(media_root) != manifest["media"]:
        raise BackupError("Restored, but the uploaded files differ from the backup.")
