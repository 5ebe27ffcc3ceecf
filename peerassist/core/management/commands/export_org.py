"""`peerassist export-org`: one organisation, its accounts and its files, to move elsewhere."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peerassist.core.orgtransfer import TransferError, export_summary, organisation_export


class Command(BaseCommand):
    help = (
        "Export one organisation (every row that belongs to it, the accounts of its members "
        "and people, its uploaded files) into a .tar.gz with a manifest of checksums, for "
        "`peerassist import-org` on another instance. Other organisations are never included."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's short name (slug).")
        parser.add_argument(
            "output",
            nargs="?",
            help="File or directory to write (default: peerassist-org-<slug>.tar.gz here).",
        )

    def handle(self, *args, **options):
        slug = options["organisation"]
        name = f"peerassist-org-{slug}.tar.gz"
        output = Path(options["output"] or name)
        if output.is_dir():
            output = output / name
        if not output.parent.is_dir():
            raise CommandError(f"The directory {output.parent} does not exist.")
        try:
            manifest = organisation_export(slug, output)
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Exported '{slug}': {export_summary(manifest)} to {output}")
