"""`make test`: the whole suite in two passes, so that it uses every core.

    python -m tests.harness.suite [pytest arguments]

1. Everything but the browser, stack and transactional tests, spread over the cores by
   pytest-xdist (`--dist loadfile`: a module's tests stay in one worker, with its fixtures).
2. The transactional tests (marked by tests/conftest.py), in one process, as before: each
   empties every table when it ends, including the rows the migrations wrote, so they must
   not run before another module's tests on the same worker; and a flush that re-creates
   the content types breaks a following `serialized_rollback` test, so their order matters
   too (about a minute; spread over two workers they failed on that).
3. The browser and stack tests, in one process and in their order: Playwright keeps an event
   loop in its thread for the rest of a session, the journeys sign in before the live room
   tests, and the stack test starts nginx, two servers and a worker of its own.

Arguments go to every pass. A caller's `-m EXPR` narrows each pass (`(EXPR) and <pass>`);
a pass with nothing left to run is fine. `--junitxml=F.xml` writes F.parallel.xml and
F.in-order.xml. With `-n` (or `-p no:xdist`) the caller has chosen: pytest runs once, as
asked. PYTEST_WORKERS sets the number of workers (default: one per core, at least 2, at
most 4): many tests wait on servers they started, so two workers help even on one core.
"""

from __future__ import annotations

import os
import subprocess
import sys

NOTHING_COLLECTED = 5  # pytest's exit code when a pass selects no test
# `not api_contract` repeats pyproject's addopts: a second -m replaces the first.
PASSES = (
    ("parallel", True, "not api_contract and not browser and not stack and not transactional"),
    ("transactional", False, "transactional and not api_contract and not browser and not stack"),
    ("in-order", False, "(browser or stack) and not api_contract"),
)


def workers() -> str:
    return os.environ.get("PYTEST_WORKERS") or str(min(max(os.cpu_count() or 1, 2), 4))


def chosen_by_caller(args: list[str]) -> bool:
    """The caller picked the process layout: leave pytest to it."""
    return any(
        a == "-n" or a.startswith(("-n", "--numprocesses", "--dist")) or a == "no:xdist"
        for a in args
    )


def split_marker(args: list[str]) -> tuple[str | None, list[str]]:
    """The caller's -m expression (the last one wins, as in pytest) and the other arguments."""
    marker: str | None = None
    rest: list[str] = []
    it = iter(args)
    for a in it:
        if a == "-m":
            marker = next(it, None)
        elif a.startswith("-m") and not a.startswith("-m="):
            marker = a[2:]
        else:
            rest.append(a)
    return marker, rest


def per_pass(args: list[str], name: str) -> list[str]:
    """Give each pass its own JUnit file, so the second does not overwrite the first."""
    out = []
    for a in args:
        if a.startswith("--junitxml=") or a.startswith("--junit-xml="):
            option, path = a.split("=", 1)
            stem, dot, ext = path.rpartition(".")
            out.append(f"{option}={stem}.{name}.{ext}" if dot else f"{option}={path}.{name}")
        else:
            out.append(a)
    return out


def both(marker: str | None, own: str) -> str:
    return f"({marker}) and ({own})" if marker else own


def pytest(*args: str) -> int:
    command = [sys.executable, "-m", "pytest", *args]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command)


def main(args: list[str]) -> int:
    if chosen_by_caller(args):
        return pytest(*args)
    marker, rest = split_marker(args)
    codes = []
    # Every pass runs even after a failure, so one run shows every failing test.
    for name, spread, own in PASSES:
        layout = ["-n", workers(), "--dist", "loadfile"] if spread else []
        codes.append(pytest(*layout, "-m", both(marker, own), *per_pass(rest, name)))
    for code in codes:
        if code not in (0, NOTHING_COLLECTED):
            return code
    if all(code == NOTHING_COLLECTED for code in codes):
        print("No test was selected.", file=sys.stderr)
        return NOTHING_COLLECTED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
