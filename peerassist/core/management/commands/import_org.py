"""`peerassist import-org`: load an `export-org` archive into this instance, all or nothing."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from peerassist.core.orgtransfer import TransferError, organisation_import


class Command(BaseCommand):
    help = (
        "Import an organisation written by `peerassist export-org`. Checks every checksum, "
        "refuses an organisation or account that is already here (nothing is written), "
        "then writes everything in one transaction with this instance's own ids and "
        "rebuilds the organisation's search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `peerassist export-org`.")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            report = organisation_import(archive)
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        # The search index is derived from the rows: built here rather than copied.
        call_command("reindex", org=report.organisation, stdout=self.stdout, verbosity=0)
        self.stdout.write(
            f"Imported '{report.organisation}': {report.rows} rows, {report.accounts} "
            f"accounts and {report.files} files from {archive}"
        )
