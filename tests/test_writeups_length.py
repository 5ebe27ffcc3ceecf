"""A true length: the editor's gauge lays the write-up out as the PDF export does, so its
page count is the PDF's; the response and the actions stay with their heading; names,
units and titles are never hyphenated."""

from __future__ import annotations

import io
import random
import re

import pytest
from pypdf import PdfReader

from peerassist.assists.models import PeerAssist, Status
from peerassist.writeups import services
from peerassist.writeups.exports.document import export_document
from peerassist.writeups.exports.pdf import writeup_pdf
from peerassist.writeups.length import Layout, length_findings, writeup_gauge
from peerassist.writeups.models import WriteUp
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

NAMES = [
    "Marta Quintero",
    "Hyacinth Bartholomew-Okonkwo",
    "Wojciech Przybyszewski",
    "Anneliese Vandermeulen",
    "Oluwaseun Adebayo-Richards",
]
UNITS = ["Distribution Maintenance Northeastern Region", "Infrastructure Procurement"]
WORDS = [
    "loggers",
    "correlation",
    "hydrant",
    "placement",
    "pressure",
    "transients",
    "district",
    "metering",
    "customer-side",
    "leakage",
    "acceptance",
    "procurement",
    "calibration",
    "night-flow",
    "analysis",
    "telemetry",
    "maintenance",
    "responsibilities",
    "contractor",
    "interoperability",
]


def bullet_body(seed: int, words: int) -> str:
    """A write-up like the draft: sections of bullets with authors, a response, actions."""
    rng = random.Random(seed)
    lines = ["# Finding leaks with acoustic loggers", "", "## What we heard", ""]
    count = 0
    question = 0
    while count < words:
        if count // 180 >= question:
            question += 1
            lines += ["", f"### {question}. What did you learn about topic {question}?", ""]
        n = rng.randint(8, 30)
        text = " ".join(rng.choice(WORDS) for _ in range(n))
        name = rng.choice(NAMES)
        lines.append(f"- {text.capitalize()} ({rng.choice(UNITS)}) — *{name}*")
        count += n + 3
    lines += [
        "",
        "## Our response",
        "",
        "**What we learned.** Night-time correlation beats daytime sweeps on plastic mains.",
        "",
        "**What we will do differently.** Survey zone 4 at night before buying more loggers.",
        "",
        "## Actions",
        "",
        "| Action | Owner | Due | Status |",
        "| --- | --- | --- | --- |",
    ]
    for i in range(5):
        lines.append(f"| Action number {i + 1} for the pilot | {NAMES[i]} | 2027-01-1{i} | Open |")
    return "\n".join(lines) + "\n"


def saved(scene, body: str) -> WriteUp:
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
    return services.writeup_save(viewer=scene.home.viewer, assist=scene.assist, body=body)


def pdf_pages(writeup: WriteUp) -> list[str]:
    writeup = WriteUp.objects.select_related("assist__organisation").get(pk=writeup.pk)
    reader = PdfReader(io.BytesIO(writeup_pdf(export_document(writeup))))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.mark.parametrize(("seed", "words"), [(1, 800), (2, 950), (3, 1150), (4, 1500), (5, 620)])
def test_the_gauge_counts_the_pages_the_pdf_has(org, seed, words):
    scene = make_scene(org)
    body = bullet_body(seed, words)
    bullets = sum(len(line.split()) for line in body.splitlines() if line.startswith("- "))
    assert bullets >= min(words, 800) * 0.9
    writeup = saved(scene, body)
    gauge = writeup_gauge(assist=scene.assist, body=body, writeup=writeup)
    pages = pdf_pages(writeup)
    assert gauge["pages"] == len(pages)
    codes = [f.code for f in gauge["findings"]]
    if len(pages) > 2:
        assert codes == ["writeup_too_long"]
        assert f"{len(pages)} pages in the PDF" in gauge["findings"][0].message


def test_the_response_and_actions_stay_on_one_page_with_their_heading(org):
    scene = make_scene(org)
    for words in (700, 760, 820, 880):
        pages = pdf_pages(saved(scene, bullet_body(7, words)))
        where = [i for i, text in enumerate(pages) if "Our response" in text]
        assert len(where) == 1
        for i in range(5):
            assert f"Action number {i + 1} for the pilot" in pages[where[0]], (words, i)


def test_names_units_and_titles_are_not_hyphenated(org):
    scene = make_scene(org)
    text = " ".join(pdf_pages(saved(scene, bullet_body(9, 900))))
    for name in NAMES:
        assert name in text
    for unit in UNITS:
        assert unit in text
    assert "\u2010" not in text  # the hyphen WeasyPrint inserts when it hyphenates


def test_the_gauge_warns_before_the_second_page_is_full():
    assert length_findings(Layout(2, 0.5)) == []
    [nearly] = length_findings(Layout(2, 0.9))
    assert nearly.code == "writeup_nearly_too_long" and "90% full" in nearly.message
    [over] = length_findings(Layout(3, 0.2))
    assert over.code == "writeup_too_long"
    assert length_findings(Layout(1, 0.99)) == []
