"""The `peerassist` command: friendly names for common tasks; anything else goes to Django.

peerassist serve --port 8000      run the web server (uvicorn, ASGI)
peerassist demo                   load the demo organisation (idempotent)
peerassist import-people f.csv    import or update people from a CSV file
peerassist token create ...       issue a personal API token
peerassist migrate                (any Django management command works too)
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
    "export": "Export a write-up: export <assist id> --format pdf|docx|md|html.",
    "report": "The quarterly report: report --quarter 2026Q3 --format pdf|docx|html.",
    "reindex": "Rebuild the search index (with a progress bar).",
    "backup": "Back up the database and uploaded files: backup [file or directory].",
    "restore": "Restore a backup into an empty instance: restore <archive> [--force].",
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


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.settings")
    if not args or args[0] in ("-h", "--help") or args == ["help"]:
        print(_help())
        return 0
    if args[:2] == ["help", "--all"]:
        args = ["help"]
    command = args[0].replace("-", "_") if args[0] in FRIENDLY else args[0]

    from django.core.management import execute_from_command_line

    execute_from_command_line(["peerassist", command, *args[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
