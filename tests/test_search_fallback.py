"""Search that finds what people mean (issue 17): when all the words together find little,
any of them (and the page says so); a draft write-up is found by nobody until published."""

import pytest

from peerassist.assists.models import Visibility
from peerassist.search import selectors
from peerassist.writeups.models import WriteUp
from tests.test_search_index import make_assist, note

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(org, directory):
    loggers = make_assist(
        org, title="Acoustic loggers on the mains", challenge="Finding leaks by listening."
    )
    note(loggers, "Place the loggers every 200 metres.", directory["people"]["ana"])
    make_assist(org, title="Smart meters", challenge="Meter readings by radio.")
    return loggers


def test_all_words_first_then_any_word_when_they_find_little(member, corpus):
    together = selectors.search(viewer=member.viewer, q="acoustic loggers")
    assert not together.any_word and together.count >= 1
    fallback = selectors.search(viewer=member.viewer, q="acoustic loggers zeppelin")
    assert fallback.any_word
    assert "Acoustic loggers on the mains" in [h.title for h in fallback.hits]
    # Nothing at all for any word: still no results, and no claim of a fallback.
    nothing = selectors.search(viewer=member.viewer, q="zeppelin walrus")
    assert nothing.count == 0 and not nothing.any_word
    # Excluded words keep the all-words search (see README).
    assert not selectors.search(viewer=member.viewer, q="acoustic zeppelin -radio").any_word


def test_the_page_says_when_it_shows_any_word_matches(member, corpus):
    html = member.client().get("/search/", {"q": "acoustic loggers zeppelin"}).content.decode()
    assert "Nothing had all your words together" in html
    assert "Acoustic loggers on the mains" in html
    html = member.client().get("/search/", {"q": "acoustic loggers"}).content.decode()
    assert "Nothing had all your words together" not in html


@pytest.mark.parametrize("persona", ["member", "organiser", "admin"])
def test_a_draft_write_up_is_found_by_nobody_until_published(request, org, persona):
    viewer = request.getfixturevalue(persona).viewer
    assist = make_assist(org, title="Pilot", visibility=Visibility.ORGANISATION)
    writeup = WriteUp.objects.create(assist=assist, body="# Pilot\n\nThe quagga mussel lesson.")
    assert selectors.search(viewer=viewer, q="quagga").count == 0
    writeup.status = "published"
    writeup.save()
    page = selectors.search(viewer=viewer, q="quagga")
    assert page.counts_by_type == {"writeup": 1}
    writeup.status = "draft"  # taken back for editing: out of search again
    writeup.save()
    assert selectors.search(viewer=viewer, q="quagga").count == 0
