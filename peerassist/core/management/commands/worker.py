"""Run background tasks (django-tasks-db) and, every few seconds, the periodic jobs."""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from peerassist.core.periodic import run_jobs


class Command(BaseCommand):
    help = (
        "Run queued background work (emails, webhooks, exports) and the periodic jobs "
        "(reminders, follow-ups, digests). Start one or more next to the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between runs of the periodic jobs (default: PERIODIC_INTERVAL).",
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="Only run queued tasks, no periodic jobs."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued and due now, then exit."
        )

    def handle(self, *args, **options):
        interval = options["interval"] or settings.PERIODIC_INTERVAL
        verbosity = options["verbosity"]
        if not options["no_periodic"]:
            if options["batch"]:
                run_jobs()
            else:
                stop = threading.Event()
                thread = threading.Thread(
                    target=self._periodic_loop, args=(stop, interval), daemon=True, name="periodic"
                )
                thread.start()
        call_command(
            "db_worker",
            verbosity=verbosity,
            batch=options["batch"],
            reload=False,  # a reloading worker would run the periodic thread twice
            startup_delay=not options["batch"],
            queue_name="*",
        )

    def _periodic_loop(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            for name, result in run_jobs().items():
                if isinstance(result, Exception):
                    self.stderr.write(f"periodic job {name} failed: {result}")
            stop.wait(interval)
