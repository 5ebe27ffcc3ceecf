from django.core.management.base import BaseCommand, CommandError

from peerassist.accounts import selectors, services
from peerassist.accounts.models import Organisation, User


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="Issue a token and print it once.")
        create.add_argument("--user", required=True, help="The owner's e-mail address.")
        create.add_argument("--org", help="Organisation slug (default: the owner's only one).")
        create.add_argument("--name", default="command line", help="What the token is for.")
        listing = sub.add_parser("list", help="List a user's live tokens.")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("id", type=int)

    def _user(self, email: str) -> User:
        try:
            return User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise CommandError(f"No user with the e-mail address {email}.") from None

    def handle(self, *args, **options):
        user = self._user(options["user"])
        action = options["action"]
        if action == "create":
            organisations = selectors.organisation_list_for_user(user=user)
            if options["org"]:
                matches = [o for o in organisations if o.slug == options["org"]]
                if not matches:
                    raise CommandError(f"{user.email} is not a member of '{options['org']}'.")
                organisation: Organisation = matches[0]
            elif len(organisations) == 1:
                organisation = organisations[0]
            elif not organisations:
                raise CommandError(f"{user.email} is not a member of any organisation.")
            else:
                slugs = ", ".join(o.slug for o in organisations)
                raise CommandError(
                    f"{user.email} is in several organisations; add --org ({slugs})."
                )
            issued = services.api_token_create(
                user=user, organisation=organisation, name=options["name"]
            )
            self.stderr.write(
                f"Token {issued.token.pk} for {user.email} in {organisation.name}; "
                "copy it now, it is not stored and will not be shown again:"
            )
            self.stdout.write(issued.raw)
        elif action == "list":
            for token in selectors.api_token_list_for_user(user=user):
                used = token.last_used_at.isoformat() if token.last_used_at else "never used"
                self.stdout.write(
                    f"{token.pk}\t{token.prefix}…\t{token.organisation.slug}\t{token.name}\t{used}"
                )
        elif action == "revoke":
            if not services.api_token_revoke(user=user, token_id=options["id"]):
                raise CommandError(f"{user.email} has no live token {options['id']}.")
            self.stdout.write(self.style.SUCCESS(f"Token {options['id']} revoked."))
