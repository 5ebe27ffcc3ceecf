from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from peerassist.accounts.models import Organisation
from peerassist.search.services import search_reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database (all organisations, or one). Safe to run "
        "any time and as often as you like: it adds what is missing, updates what changed and "
        "drops what no longer exists. Needed after a bulk import or loaddata."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Only this organisation (short name, slug).")

    def handle(self, *args, **options):
        organisation_id = None
        if options["org"]:
            try:
                organisation_id = Organisation.objects.get(slug=options["org"]).pk
            except Organisation.DoesNotExist:
                known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No organisation '{options['org']}'. Known: {known}.") from None
        interactive = self.stdout.isatty()
        verbose = options["verbosity"] > 0
        with Progress(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=not interactive,
            transient=False,
        ) as bar:
            tasks: dict[str, int] = {}

            def progress(doc_type: str, done: int, total: int) -> None:
                if doc_type not in tasks:
                    tasks[doc_type] = bar.add_task(doc_type, total=total)
                bar.update(tasks[doc_type], completed=done, total=total)
                if not interactive and verbose and done == total:
                    self.stdout.write(f"  {doc_type}: {total} rows")

            count = search_reindex(organisation_id=organisation_id, progress=progress)
        if verbose:
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} documents."))
