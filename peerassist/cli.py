"""The `peerassist` command: friendly names for common tasks; anything else goes to Django.

peerassist serve --port 8000      run the web server (uvicorn, ASGI)
peerassist demo                   load the demo organisation (idempotent)
peerassist import-people f.csv    import or update people from a CSV file
peerassist token create ...       issue a personal API token
peerassist migrate                (any Django management command works too)
peerassist --version              peerassist's version, with Django's and Python's
"""

from __future__ import annotations

import os
import sys

FRIENDLY = {
    "serve": "Run the web server (uvicorn, ASGI). Options: --host, --port, --reload.",
    "demo": "Load the demo organisation, its units, people and communities (idempotent).",
    "import-people": "Import or update people from a CSV file (all-or-nothing, with a report).",
    "token": "Create, list or revoke personal API tokens.",
    "worker": "Run background work: emails, reminders, follow-ups, webhooks (keep it running).",
    "send-reminders": "Send whatever is due now and exit (for cron instead of a worker).",
    "export": "Export a write-up: export <assist id> --format pdf|docx|md|html [--language fr].",
    "report": "The quarterly report: report --quarter 2026Q3 --format pdf|docx|html.",
    "reindex": "Rebuild the search index (with a progress bar).",
    "backup": "Back up the database and uploaded files: backup [file or directory].",
    "restore": "Restore a backup into an empty instance: restore <archive> [--force].",
    "export-org": "Export one organisation to move it: export-org <slug> [file or directory].",
    "import-org": "Import an export-org archive into this instance: import-org <archive>.",
    "migrate": "Create or update the database tables.",
    "createsuperuser": "Create an administrator who can use /admin/.",
    "check": "Check the configuration (add --deploy for production).",
}


def _help() -> str:
    width = max(len(name) for name in FRIENDLY)
    lines = [
        "usage: peerassist <command> [options]",
        "",
        "peerassist runs Peer Assists: plan them, find the right peers, run the",
        "session, write it up and follow it up.",
        "",
        "Commands:",
        *(f"  {name.ljust(width)}  {text}" for name, text in FRIENDLY.items()),
        "",
        "Any other Django management command is accepted too; list them with",
        "'peerassist help --all'. 'peerassist <command> --help' explains one command.",
    ]
    return "\n".join(lines)


def _version() -> str:
    """peerassist's own version, with the Django and Python it runs on.

    Read from the installed packages' metadata, so it needs neither Django's set-up nor
    the settings (Django's own `--version` would print only Django's version).
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"peerassist {installed('peerassist')} (Django {installed('django')}, Python {python})"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.settings")
    if not args or args[0] in ("-h", "--help") or args == ["help"]:
        print(_help())
        return 0
    if args[0] in ("--version", "-V", "version"):
        print(_version())
        return 0
    if args[:2] == ["help", "--all"]:
        args = ["help"]
    command = args[0].replace("-", "_") if args[0] in FRIENDLY else args[0]

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["peerassist", command, *args[1:]])
    except ImproperlyConfigured as error:
        # A setting missing or wrong (SECRET_KEY unset with DEBUG off, a bad DATABASE_URL):
        # the settings' own message says what to set; a traceback would bury it.
        print(f"peerassist: {error}", file=sys.stderr)
        return 2
    except DatabaseError as error:
        if not _missing_table(error):
            raise
        print(
            f"peerassist: the database has no such table ({error}). It is new or older than "
            "this version: run 'peerassist migrate' first.",
            file=sys.stderr,
        )
        return 2
    return 0


def _missing_table(error: Exception) -> bool:
    """SQLite's "no such table", PostgreSQL's "relation ... does not exist"."""
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":
    sys.exit(main())
