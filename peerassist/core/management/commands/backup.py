"""`peerassist backup`: the database and uploaded files in one verified archive."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peerassist.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and the uploaded files into "
        "one .tar.gz with a manifest of checksums. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="File or directory to write (default: peerassist-backup-<time>.tar.gz here).",
        )

    def handle(self, *args, **options):
        name = f"peerassist-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"
        output = Path(options["output"] or name)
        if output.is_dir():
            output = output / name
        if not output.parent.is_dir():
            raise CommandError(f"The directory {output.parent} does not exist.")
        try:
            manifest = backup_create(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up {len(tables)} tables ({sum(t['rows'] for t in tables.values())} rows) "
            f"and {len(manifest['media'])} files to {output}"
        )
