import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from peerassist.assists.models import PeerAssist
from peerassist.writeups.exports import FORMATS, writeup_export, writeup_for_export
from peerassist.writeups.management.commands._viewer import (
    add_language_argument,
    language_for,
    viewer_for,
)
from peerassist.writeups.models import WriteUp


class Command(BaseCommand):
    help = "Export the write-up of one Peer Assist as PDF, DOCX, Markdown or HTML."
    # The system checks load every URL, view and API schema (seconds) to make one file:
    # `peerassist check` and `migrate` run them; an export need not (issue 19).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("assist", type=int, help="The Peer Assist's id.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="pdf")
        parser.add_argument(
            "--output", help="File to write (default: a name from the title; '-' for stdout)."
        )
        parser.add_argument(
            "--as", dest="email", help="Act as this person (only what they may read)."
        )
        add_language_argument(parser)

    def handle(self, *args, **options):
        assist = PeerAssist.objects.select_related("organisation").filter(pk=options["assist"])
        assist = assist.first()
        if assist is None:
            raise CommandError(f"There is no Peer Assist {options['assist']}.")
        try:
            viewer = viewer_for(organisation=assist.organisation, email=options["email"])
            writeup = writeup_for_export(viewer=viewer, assist_id=assist.pk)
        except WriteUp.DoesNotExist:
            if options["email"]:
                raise CommandError(
                    f"{options['email']} may not read a write-up of Peer Assist {assist.pk}."
                ) from None
            raise CommandError(
                f"Peer Assist {assist.pk} ('{assist.title}') has no write-up yet."
            ) from None
        language = language_for(language=options["language"], email=options["email"])
        with translation.override(language):
            exported = writeup_export(writeup=writeup, fmt=options["format"])
        output = options["output"] or exported.filename
        if output == "-":
            sys.stdout.buffer.write(exported.content)
            sys.stdout.buffer.flush()
            return
        Path(output).write_bytes(exported.content)
        self.stdout.write(f"Wrote {output} ({len(exported.content):,} bytes).")
