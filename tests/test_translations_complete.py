"""The French and Spanish catalogues stay complete as the source changes.

makemessages runs over a temporary copy of the package (the working tree is never
touched), through scripts/messages, the one place that knows the invocation (`make
messages` runs the same). Each catalogue it regenerates must then have every msgid
translated and none fuzzy: a new or changed source string shows up here by name. The
committed catalogues must also be the regenerated ones (nothing stale), their
placeholders must match, and the committed .mo must say what its .po says.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "messages"
LANGUAGES = ("fr", "es")
CATALOGUES = [Path("peerassist/locale") / lang / "LC_MESSAGES/django.po" for lang in LANGUAGES] + [
    Path("peerassist/invitations/locale") / lang / "LC_MESSAGES/django.po" for lang in LANGUAGES
]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{context}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` ones left out), header excluded."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int] = ("", 0)

    def flush() -> None:
        nonlocal entry, started
        if started and entry.msgid != "":
            entries.append(entry)
        entry, started = Entry(), False

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started and entry.msgstr:
                flush()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if started and entry.msgstr:
                flush()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            name, index = target
        else:
            value = ast.literal_eval(rest)
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                flush()
            started = True
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            name, index = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            target = (name, index)
            if name == "msgstr":
                entry.msgstr[index] = ""
            elif name == "msgctxt":
                entry.msgctxt = ""
            elif name == "msgid_plural":
                entry.msgid_plural = ""
        if name == "msgstr":
            entry.msgstr[index] += value
        elif name == "msgid":
            entry.msgid += value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
    flush()
    return entries


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{(\w*)\}")


def placeholders(text: str) -> set[str]:
    return {named or brace for named, brace in PLACEHOLDER.findall(text.replace("%%", ""))}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with its catalogues regenerated from its source."""
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: install gettext (the CI installs it)")
    root = tmp_path_factory.mktemp("messages")
    shutil.copytree(
        REPO / "peerassist",
        root / "peerassist",
        ignore=shutil.ignore_patterns("__pycache__", "static", "*.pyc"),
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_every_source_string_is_translated_and_none_is_fuzzy(
    regenerated: Path, catalogue: Path
) -> None:
    entries = parse_po((regenerated / catalogue).read_text(encoding="utf-8"))
    assert entries, f"{catalogue}: no entries at all"
    untranslated = [e.label for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    problems = [f"untranslated: {label}" for label in untranslated]
    problems += [f"fuzzy: {label}" for label in fuzzy]
    assert not problems, (
        f"{catalogue}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy "
        "(run `make messages`, translate, see README 'Translating'):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_the_committed_catalogue_is_the_regenerated_one(regenerated: Path, catalogue: Path) -> None:
    """No msgid of the source is missing from the committed file, none is left over."""

    def keys(path: Path) -> set[tuple[str | None, str]]:
        return {(e.msgctxt, e.msgid) for e in parse_po(path.read_text(encoding="utf-8"))}

    fresh, committed = keys(regenerated / catalogue), keys(REPO / catalogue)
    missing = sorted(fresh - committed, key=str)
    stale = sorted(committed - fresh, key=str)
    assert not missing and not stale, (
        f"{catalogue} is out of date with the source; run `make messages`.\n"
        + "".join(f"missing: {ctx or ''} {msgid!r}\n" for ctx, msgid in missing)
        + "".join(f"no longer in the source: {ctx or ''} {msgid!r}\n" for ctx, msgid in stale)
    )


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_placeholders_are_the_same_in_the_translation(catalogue: Path) -> None:
    wrong = []
    for entry in parse_po((REPO / catalogue).read_text(encoding="utf-8")):
        source = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            if not text:
                continue
            found = placeholders(text)
            # A plural's singular may say "one" instead of the count; otherwise the same set.
            expected_ok = (
                found <= source and source - found <= {"count", "n", "num"}
                if entry.msgid_plural is not None
                else found == source
            )
            if not expected_ok:
                wrong.append(f"{entry.label} msgstr[{index}]: {sorted(found)} != {sorted(source)}")
    assert not wrong, f"{catalogue}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_the_committed_mo_says_what_its_po_says(tmp_path: Path, catalogue: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: install gettext (the CI installs it)")
    po = REPO / catalogue
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run `make messages`"
    with fresh.open("rb") as a, committed.open("rb") as b:
        expected = gettext.GNUTranslations(a)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
    differing = sorted(
        repr(key) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key)
    )
    assert not differing, f"{committed} is stale; run `make messages`:\n" + "\n".join(
        differing[:50]
    )


def test_the_parser_reads_contexts_plurals_flags_and_continuations() -> None:
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "verb"\nmsgid "Change"\nmsgstr ""\n\n'
        'msgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "%(n)s él"\n'
        'msgstr[1] ""\n"%(n)s éls"\n\n#~ msgid "old"\n#~ msgstr "vieux"\n'
    )
    assert [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in entries] == [
        ("verb", "Change", {0: ""}, {"fuzzy", "python-format"}),
        (None, "%(n)s item", {0: "%(n)s él", 1: "%(n)s éls"}, set()),
    ]
    assert entries[1].msgid_plural == "%(n)s items"
    assert placeholders("%(name)s and {x} but not %% or %(y)d") == {"name", "x", "y"}
