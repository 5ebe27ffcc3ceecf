"""The browser modules' unit tests (tests/js, `node --test`), run from `make test`.

Under CI=true a missing Node fails; elsewhere the test is skipped with the reason. The word
count cases in tests/js/word_count_cases.json are checked here against the Python function
the server uses, and in tests/js/words.test.js against the browser's, so the two agree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from peerassist.assists import rules as assist_rules
from peerassist.writeups import rules as writeup_rules

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
JSON_CASES = JS_TESTS / "word_count_cases.json"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed; the browser modules' unit tests (tests/js) need it"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: they must run in CI)", pytrace=False)
        pytest.skip(reason)
    return node


def test_browser_modules_pass_their_node_unit_tests() -> None:
    node = _node()
    files = sorted(str(p.relative_to(ROOT)) for p in JS_TESTS.glob("*.test.js"))
    assert {Path(f).name for f in files} >= {
        "model.test.js",
        "pager.test.js",
        "queue.test.js",
        "votes.test.js",
        "words.test.js",
    }
    result = subprocess.run(
        [node, "--test", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith("# "))
    assert result.returncode == 0, (
        f"node --test failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    )
    assert "# fail 0" in summary, summary
    assert "# skipped 0" in summary, summary


def _cases() -> list[dict[str, object]]:
    data = json.loads(JSON_CASES.read_text(encoding="utf-8"))
    cases: list[dict[str, object]] = data["cases"]
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda c: repr(c["text"])[:40])
def test_word_count_cases_are_the_python_counts(case: dict[str, object]) -> None:
    text = str(case["text"])
    assert assist_rules.word_count(text) == case["words"]
    # The write-up's count is the same outside tables (a table row counts as a line).
    if not any(line.strip().startswith("|") for line in text.splitlines()):
        assert writeup_rules.markdown_words(text) == case["words"]
