from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from peerassist.accounts.models import Organisation, Role
from peerassist.members.services import member_invite_people
from peerassist.people.csv_import import ImportPreview, people_import_csv, people_import_preview
from peerassist.people.models import Person


class Command(BaseCommand):
    help = (
        "Import or update people from a CSV file. Every line is checked first; if any is "
        "wrong, nothing is imported and each problem is listed with its line and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file, UTF-8, header on the first line.")
        parser.add_argument(
            "--org",
            help="Organisation short name (slug); needed when there is more than one.",
        )
        parser.add_argument(
            "--create-units", action="store_true", help="Create units that do not exist yet."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List every change the file would make, person by person and field by field "
            "(old → new), and write nothing.",
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Give everyone in the file a login and e-mail them an invitation "
            "(people who already have one are left as they are).",
        )
        parser.add_argument(
            "--role",
            default=Role.MEMBER,
            choices=Role.values,
            help="Role of the people invited with --invite (default: member).",
        )

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            try:
                return Organisation.objects.get(slug=slug)
            except Organisation.DoesNotExist:
                known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No organisation '{slug}'. Known: {known}.") from None
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) == 1:
            return organisations[0]
        if not organisations:
            raise CommandError("There is no organisation yet: create one in /admin/ first.")
        known = ", ".join(Organisation.objects.values_list("slug", flat=True))
        raise CommandError(f"Several organisations exist; choose one with --org ({known}).")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        organisation = self._organisation(options["org"])
        data = path.read_bytes()
        if options["dry_run"]:
            preview = people_import_preview(
                organisation=organisation, data=data, create_units=options["create_units"]
            )
            if not preview.ok:
                for error in preview.errors:
                    self.stderr.write(f"{path}:{error}")
                raise CommandError(f"{len(preview.errors)} problem(s) in {path}.")
            self._show_preview(preview)
            self.stdout.write("Nothing was written (--dry-run).")
            return
        interactive = self.stdout.isatty()
        with Progress(
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=not interactive,
            transient=True,
        ) as bar:
            task = bar.add_task("import", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)
                if not interactive:
                    self.stdout.write(f"  {done}/{total} people written")

            report = people_import_csv(
                organisation=organisation,
                data=data,
                create_units=options["create_units"],
                progress=progress,
            )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"{path}:{error}")
            raise CommandError(
                f"Nothing was imported: {len(report.errors)} problem(s) in {path}. "
                "Fix them and run the import again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.rows} people into {organisation.name}: "
                f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged"
                + (f", {report.units_created} units created." if report.units_created else ".")
            )
        )
        if options["invite"]:
            self._invite(organisation, report.emails, options["role"])

    def _show_preview(self, preview: ImportPreview) -> None:
        self.stdout.write(
            f"{preview.rows} people in the file: {len(preview.new)} new, "
            f"{len(preview.changed)} changed, {preview.unchanged} unchanged."
        )
        if preview.absent_columns:
            self.stdout.write(
                "Not in the file, left as they are: " + ", ".join(preview.absent_columns)
            )
        for unit in preview.new_units:
            self.stdout.write(f"New unit: {unit}")
        for person in preview.new:
            self.stdout.write(f"+ {person.email} (line {person.line}): new")
        for person in preview.changed:
            self.stdout.write(f"~ {person.email} (line {person.line}):")
            for change in person.changes:
                new = change.new if change.new else "(cleared)"
                self.stdout.write(f"    {change.column}: {change.old or '(empty)'} → {new}")

    def _invite(self, organisation: Organisation, emails: list[str], role: str) -> None:
        people = list(
            Person.objects.for_org(organisation).filter(email__in=emails).order_by("name")
        )
        invited = member_invite_people(organisation=organisation, people=people, role=role)
        skipped = len(invited.skipped)
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {len(invited.invited)} people to sign in as {role}"
                + (f"; {skipped} left as they were (already members)." if skipped else ".")
            )
        )
