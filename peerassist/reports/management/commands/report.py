import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from peerassist.reports import quarterly as reports
from peerassist.writeups.management.commands._viewer import (
    add_language_argument,
    language_for,
    organisation_for,
    viewer_for,
)


class Command(BaseCommand):
    help = (
        "Make the quarterly report (the 'Hub report') of an organisation, a unit with its "
        "sub-units or a community, as PDF, DOCX or HTML."
    )
    # The system checks load every URL, view and API schema (seconds) to make one file:
    # `peerassist check` and `migrate` run them; an export need not (issue 19).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The quarter, e.g. 2026Q3.")
        parser.add_argument("--format", choices=reports.REPORT_FORMATS, default="pdf")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--unit", type=int, help="A unit's id (its sub-units included).")
        scope.add_argument("--community", type=int, help="A community's id.")
        parser.add_argument("--organisation", help="The organisation's short name (slug).")
        parser.add_argument(
            "--as", dest="email", help="Act as this person (only the assists they may see)."
        )
        parser.add_argument("--output", help="File to write (default: a name from the quarter).")
        add_language_argument(parser)

    def handle(self, *args, **options):
        language = language_for(language=options["language"], email=options["email"])
        with translation.override(language):
            return self._report(options)

    def _report(self, options):
        try:
            quarter = reports.parse_quarter(options["quarter"])
            organisation = organisation_for(options["organisation"], options["email"])
            viewer = viewer_for(organisation=organisation, email=options["email"])
            if not viewer.is_member:
                raise CommandError(f"{options['email']} is a guest: reports are for members.")
            scope = reports.scope_resolve(
                viewer=viewer, unit_id=options["unit"], community_id=options["community"]
            )
            report = reports.report_build(viewer=viewer, quarter=quarter, scope=scope)
            name, _type, content = reports.report_file(report, options["format"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output = options["output"] or name
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        Path(output).write_bytes(content)
        held = report.figures.assists_held
        self.stdout.write(
            f"Wrote {output}: {report.quarter.label}, {report.scope_label}; "
            f"{held} assist{'s' * (held != 1)}, {len(report.written_up)} written up."
        )
