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
