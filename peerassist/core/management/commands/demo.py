from django.core.management.base import BaseCommand

from peerassist.core.demo import (
    DEMO_LOGINS,
    DEMO_OPERATOR,
    DEMO_PARTICIPANT_LOGINS,
    DEMO_PASSWORD,
    demo_load,
)
from peerassist.people.models import Person, Unit


class Command(BaseCommand):
    help = "Load the demo organisation (Meridian Water) with its units, people and communities."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        org = demo_load()
        people = Person.objects.for_org(org).count()
        units = Unit.objects.for_org(org).count()
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation {org.name}: {units} units, {people} people.")
        )
        if not options["quiet"]:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for login in [*DEMO_LOGINS, *DEMO_PARTICIPANT_LOGINS, DEMO_OPERATOR]:
                self.stdout.write(f"  {login.email:32} {login.role:10} {login.note}")
