"""The house layout (../shared/STYLE.md, ARCHITECTURE.md) that a newcomer relies on:
no application module grows past ~500 lines without being split into a package."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "peerassist"
LIMIT = 500


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_the_walk_finds_the_code():
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert "live/services.py" in names
    assert len(names) > 100


def test_no_module_is_past_the_split_line():
    too_long = {
        p.relative_to(PACKAGE.parent).as_posix(): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert not too_long, (
        f"Past {LIMIT} lines: {too_long}. Split each into a package of modules that each "
        "hold one idea, re-exporting the old names from its __init__ (see assists/services/)."
    )
