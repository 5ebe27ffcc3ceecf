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
