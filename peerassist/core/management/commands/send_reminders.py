"""Run every periodic job once: reminders, follow-ups, digests. For cron users."""

from django.core.management.base import BaseCommand

from peerassist.core.periodic import run_jobs


class Command(BaseCommand):
    help = (
        "Send what is due now (reminders, follow-up questions, digests, overdue actions) "
        "and exit. Safe to run as often as you like, e.g. every 5 minutes from cron."
    )

    def handle(self, *args, **options):
        failed = False
        for name, result in run_jobs().items():
            if isinstance(result, Exception):
                failed = True
                self.stderr.write(self.style.ERROR(f"{name}: failed: {result}"))
            elif options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {result if result is not None else 'done'}")
        if failed:
            raise SystemExit(1)
