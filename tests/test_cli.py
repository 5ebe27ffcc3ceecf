"""The `peerassist` command's own answers: help and version without Django's set-up."""

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

PEERASSIST = Path(sys.executable).with_name("peerassist")


@pytest.mark.parametrize("flag", ["--version", "-V", "version"])
def test_version_names_peerassist_then_django_and_python(flag):
    done = subprocess.run(
        [str(PEERASSIST), flag], capture_output=True, text=True, timeout=60, check=True
    )
    expected = f"peerassist {version('peerassist')} (Django {version('django')}, Python "
    assert done.stdout.startswith(expected), done.stdout
    assert done.stderr == ""


def test_a_setting_missing_is_one_line_naming_it_not_a_traceback(tmp_path):
    """SECRET_KEY unset with DEBUG off: the command says what to set, and exits with 2."""
    import os

    env = dict(os.environ)  # SECRET_KEY empty: a .env file does not override the environment
    env.update(
        DEBUG="false",
        SECRET_KEY="",
        PEERASSIST_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="peerassist.settings",
    )
    done = subprocess.run(
        [str(PEERASSIST), "check"],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("peerassist: SECRET_KEY is not set"), done.stderr
    assert "Traceback" not in done.stderr


def test_a_database_not_migrated_yet_says_to_migrate(tmp_path):
    import os

    env = {
        **os.environ,
        "DEBUG": "true",
        "PEERASSIST_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3",
        "DJANGO_SETTINGS_MODULE": "peerassist.settings",
    }
    done = subprocess.run(
        [str(PEERASSIST), "report", "--quarter", "2026Q4"],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "run 'peerassist migrate' first" in done.stderr
    assert "Traceback" not in done.stderr


def test_version_and_help_do_not_set_up_django():
    """Both answer before Django and the apps are imported (a fraction of a second)."""
    probe = (
        "import sys, contextlib, io\n"
        "from peerassist import cli\n"
        "for argv in (['--version'], ['--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert cli.main(argv) == 0\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def _imported(args: list[str], env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """The modules `python -X importtime -m peerassist.cli <args>` imported, and its stderr
    without the import lines (the command's own errors)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "peerassist.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    modules = set()
    other = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:"):
            modules.add(line.rsplit("|", 1)[-1].strip())
        else:
            other.append(line)
    return modules, "\n".join(other)


# What only the web server, the API or a PDF needs: seconds of start-up (issue 19).
HEAVY = {"weasyprint", "peerassist.urls", "peerassist.api.api", "channels.routing"}


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_neither_django_nor_the_heavy_libraries(flag):
    modules, errors = _imported([flag])
    assert "peerassist.cli" in modules or "peerassist" in modules, errors
    unwanted = HEAVY | {"django", "ninja", "channels"}
    assert not unwanted & modules, sorted(unwanted & modules)


def test_export_loads_neither_the_urls_nor_weasyprint_for_markdown(tmp_path):
    """An export skips the system checks (which load every URL, view and API schema) and
    imports WeasyPrint only for a PDF."""
    from tests.harness.app import run_cli, server_env

    env = server_env(tmp_path)
    run_cli(["migrate", "--no-input", "-v", "0", "--skip-checks"], env, tmp_path)
    modules, errors = _imported(["export", "4242", "--format", "md"], env)
    assert "There is no Peer Assist 4242." in errors
    assert "django.apps" in modules, "Django was set up"
    assert not HEAVY & modules, sorted(HEAVY & modules)


# A write-up to export, made once per test worker in a database of its own (the command runs
# in a subprocess, as people run it, so it cannot see the test database).
MAKE_WRITEUP = """
import datetime as dt
from peerassist.accounts.models import Organisation
from peerassist.assists.models import Format, PeerAssist
from peerassist.writeups.models import WriteUp
org = Organisation.objects.create(name="Meridian", slug="meridian")
assist = PeerAssist.objects.create(
    organisation=org, title="Fewer missed appointments", status="written_up",
    visibility="organisation", format=Format.objects.get(organisation=None, kind="standard"),
    starts_at=dt.datetime(2026, 7, 14, 9, 0, tzinfo=dt.UTC), time_zone="Europe/Madrid",
)
WriteUp.objects.create(
    assist=assist, version=1, status="published",
    published_at=dt.datetime(2026, 7, 20, 12, 0, tzinfo=dt.UTC),
    body="## Our response\\n\\nWe call the day before.\\n\\n| Action | Owner |\\n|---|---|\\n"
    "| Call | Ana |\\n",
)
print(assist.pk)
"""


@pytest.fixture(scope="module")
def writeup_database(tmp_path_factory) -> tuple[dict[str, str], Path, str]:
    """(environment, working directory, assist id) of a database holding one write-up."""
    from tests.harness.app import run_cli, server_env

    tmp = tmp_path_factory.mktemp("cli-export")
    env = server_env(tmp)
    run_cli(["migrate", "--no-input", "-v", "0", "--skip-checks"], env, tmp)
    made = run_cli(["shell", "-c", MAKE_WRITEUP], env, tmp, timeout=120)
    return env, tmp, made.strip().splitlines()[-1]


# What an export never needs, whatever its format: the web server, its URLs and views, the
# API, the live room's sockets. (`ninja` and `requests` are imported by Django's set-up
# itself — ninja is an installed app for its docs assets, allauth's OpenID Connect provider
# imports requests — so they cannot be left out without changing the installed apps.)
NEVER_FOR_EXPORT = (HEAVY - {"weasyprint"}) | {
    "peerassist.asgi",
    "peerassist.api",
    "peerassist.live.consumers",
    "peerassist.webhooks.delivery",
    "uvicorn",
    # Drafting a write-up from the session, not finding one (writeups.selectors).
    "peerassist.writeups.drafting",
    "peerassist.writeups.merging",
    "peerassist.live.voting",
}
# What only some formats need: the PDF engine, the Word writer, the Markdown parser.
ONLY_FOR = {
    "pdf": {"weasyprint", "fontTools", "peerassist.writeups.exports.pdf"},
    "docx": {"docx", "peerassist.writeups.exports.docx"},
    "markdown parser": {"markdown_it"},
    # The quarterly report's PDF engine: a write-up's export never needs it.
    "report pdf": {"typst", "peerassist.reports.typeset"},
}
UNWANTED = {
    "md": NEVER_FOR_EXPORT
    | ONLY_FOR["pdf"]
    | ONLY_FOR["docx"]
    | ONLY_FOR["markdown parser"]
    | ONLY_FOR["report pdf"],
    "html": NEVER_FOR_EXPORT | ONLY_FOR["pdf"] | ONLY_FOR["docx"] | ONLY_FOR["report pdf"],
    "pdf": NEVER_FOR_EXPORT | ONLY_FOR["docx"] | ONLY_FOR["report pdf"],
}


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_an_export_imports_only_what_its_format_needs(writeup_database, fmt):
    """A real export (not only a refused one) stays clear of the server, the API and the
    other formats' libraries: each of them costs start-up time (issue 19: < 1.5 s)."""
    env, cwd, assist = writeup_database
    output = cwd / f"out.{fmt}"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "peerassist.cli", "export", assist,
         "--format", fmt, "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=cwd,
    )  # fmt: skip
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    errors = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import"))
    assert done.returncode == 0, errors
    assert output.stat().st_size > 200
    if fmt == "pdf":
        assert output.read_bytes().startswith(b"%PDF")
        assert "weasyprint" in modules
    else:
        assert "Fewer missed appointments" in output.read_text()
    unwanted = {m for m in modules for u in UNWANTED[fmt] if m == u or m.startswith(u + ".")}
    assert not unwanted, sorted(unwanted)
