"""`peerassist restore`: load a backup into an empty instance and prove it is identical."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peerassist.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `peerassist backup` archive: checks its checksums, loads the database and "
        "the uploaded files, then compares every table with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `peerassist backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace an instance that already has data (everything in it is lost).",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No such backup file: {archive}")
        try:
            report = backup_restore(archive, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored and verified {report.tables} tables ({report.rows} rows) and "
            f"{report.files} files from {archive}"
        )
