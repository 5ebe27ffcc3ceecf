"""A rule's refusal on a page is a message on the page the person came from, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from peerassist.assists import services
from peerassist.assists.models import Format, PeerAssist, Status
from peerassist.core.findings import Finding, Level, RuleViolation
from peerassist.core.middleware import RefusalAsMessageMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded_with_attachment(member):
    assist = services.assist_create(
        viewer=member.viewer,
        title="Done and dusted",
        format_id=Format.objects.get(organisation=None, kind="mini").pk,
    )
    attachment = services.attachment_add(
        viewer=member.viewer, assist=assist, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4")
    )
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.CONCLUDED)
    return assist, attachment


def test_removing_an_attachment_of_a_concluded_assist_is_a_message_not_a_500(
    member, concluded_with_attachment
):
    assist, attachment = concluded_with_attachment
    client = member.client()
    response = client.post(f"/assists/{assist.pk}/attachments/{attachment.pk}/remove/", follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown and "concluded" in " ".join(shown).lower()
    assert assist.attachments.filter(pk=attachment.pk).exists()


def _request(path="/somewhere/", referer=None, htmx=False):
    from django.contrib.messages.storage.fallback import FallbackStorage

    headers = {"HTTP_REFERER": referer} if referer else {}
    request = RequestFactory().post(path, **headers)
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.htmx = htmx  # type: ignore[attr-defined]
    return request


def _middleware():
    return RefusalAsMessageMiddleware(lambda request: HttpResponse())


REFUSAL = RuleViolation([Finding(Level.ERROR, "closed", "The assist is closed.")])


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/assists/1/brief/", "http://testserver/assists/1/brief/"),
        ("https://evil.example/", "/"),  # never back to another site
        (None, "/"),
    ],
)
def test_an_unhandled_rule_violation_goes_back_with_the_message(referer, expected):
    request = _request(referer=referer)
    response = _middleware().process_exception(request, REFUSAL)
    assert response is not None and response.status_code == 303
    assert response["Location"] == expected
    assert [str(m) for m in get_messages(request)] == ["The assist is closed."]


def test_an_unhandled_validation_error_is_shown_too():
    request = _request(referer="http://testserver/x/")
    response = _middleware().process_exception(request, ValidationError({"f": "Not like that."}))
    assert response is not None and response.status_code == 303
    assert [str(m) for m in get_messages(request)] == ["Not like that."]


def test_htmx_requests_reload_the_page_instead_of_swapping_it_in():
    request = _request(referer="http://testserver/x/", htmx=True)
    response = _middleware().process_exception(request, REFUSAL)
    assert response is not None and response["HX-Redirect"] == "http://testserver/x/"


@pytest.mark.parametrize("exception", [ValueError("bug"), REFUSAL])
def test_other_errors_and_the_api_are_left_alone(exception):
    path = "/api/v1/x" if isinstance(exception, RuleViolation) else "/x/"
    assert _middleware().process_exception(_request(path=path), exception) is None


def test_a_start_that_does_not_exist_in_utc_is_a_form_error_not_a_500(member):
    assist = services.assist_create(
        viewer=member.viewer,
        title="At the end of time",
        format_id=Format.objects.get(organisation=None, kind="mini").pk,
    )
    client = member.client()
    client.raise_request_exception = False
    response = client.post(
        f"/assists/{assist.pk}/logistics/",
        {
            "title": "At the end of time",
            "starts_at": "9999-12-31T23:59",  # 10:59 on 1 January 10000 in UTC
            "time_zone": "America/Adak",
            "visibility": "organisation",
            "mode": "in_person",
        },
    )
    assert response.status_code == 400
    assert "between the years 1 and 9999" in response.content.decode()
    assist.refresh_from_db()
    assert assist.starts_at is None
