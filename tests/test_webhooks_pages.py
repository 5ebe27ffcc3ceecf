"""Webhook pages: administrators only, URLs validated, a log, a test delivery button."""

import pytest
from django.test import Client

from peerassist.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook(org):
    # An address that refuses connections at once: deliveries fail quickly and stay pending.
    return Webhook.objects.create(
        organisation=org, url="http://127.0.0.1:9/hook", events=["assist.planned"]
    )


@pytest.fixture
def foreign_webhook(other_org):
    return Webhook.objects.create(
        organisation=other_org, url="https://other.example/hook", events=["assist.planned"]
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("organiser", 403),
        ("member", 403),
        ("guest", 404),  # a guest's link opens only their assist: the rest does not exist
        ("outsider", 403),
    ],
)
@pytest.mark.parametrize("page", ["list", "detail"])
def test_who_reaches_the_webhook_pages(request, webhook, persona, status, page):
    client = request.getfixturevalue(persona).client()
    path = "/webhooks/" if page == "list" else f"/webhooks/{webhook.pk}/"
    assert client.get(path).status_code == status


@pytest.mark.parametrize("action", ["test", "secret", "delete"])
@pytest.mark.parametrize(("persona", "status"), [("organiser", 403), ("member", 403)])
def test_non_admins_cannot_act_on_a_webhook(request, webhook, persona, status, action):
    client = request.getfixturevalue(persona).client()
    assert client.post(f"/webhooks/{webhook.pk}/{action}/").status_code == status
    assert Webhook.objects.filter(pk=webhook.pk).exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("action", ["", "test/", "secret/", "delete/"])
def test_another_organisations_webhook_is_404(admin, foreign_webhook, action):
    client = admin.client()
    response = (
        client.get(f"/webhooks/{foreign_webhook.pk}/")
        if not action
        else client.post(f"/webhooks/{foreign_webhook.pk}/{action}")
    )
    assert response.status_code == 404
    assert Webhook.objects.filter(pk=foreign_webhook.pk).exists()


def test_signed_out_visitors_are_sent_to_sign_in():
    assert Client().get("/webhooks/").status_code == 302


def test_an_admin_registers_a_webhook_and_sees_its_secret(admin):
    client = admin.client()
    response = client.post(
        "/webhooks/",
        {
            "url": "https://hooks.example.com/pa",
            "events": ["assist.planned", "action.overdue"],
            "active": "on",
        },
    )
    webhook = Webhook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{webhook.pk}/"
    assert webhook.organisation == admin.organisation
    assert webhook.events == ["action.overdue", "assist.planned"]
    assert len(webhook.secret) >= 40
    detail = client.get(response["Location"]).content.decode()
    assert webhook.secret in detail
    assert "Send a test delivery" in detail
    # Shown once: never again on this page.
    assert webhook.secret not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "url", ["ftp://files.example.com/x", "javascript:alert(1)", "not a url", "file:///etc/passwd"]
)
def test_only_http_and_https_urls_are_accepted(admin, url):
    response = admin.client().post("/webhooks/", {"url": url, "events": ["assist.planned"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "field-errors" in html
    assert not Webhook.objects.exists()


def test_at_least_one_event_is_needed(admin):
    response = admin.client().post("/webhooks/", {"url": "https://hooks.example.com/pa"})
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()


def test_the_test_button_queues_a_ping_and_the_log_shows_the_attempt(
    admin, webhook, django_capture_on_commit_callbacks
):
    client = admin.client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/webhooks/{webhook.pk}/test/")
    response = client.get(f"/webhooks/{webhook.pk}/")
    assert response.status_code == 200
    delivery = Delivery.objects.get()
    assert delivery.event == "ping"
    assert delivery.attempts == 1  # tried at once (immediate backend); nobody listens on port 9
    html = response.content.decode()
    assert "ping" in html and "Pending" in html
    assert 'hx-trigger="every 10s"' in html  # the log refreshes while a delivery is pending


def test_an_admin_edits_pauses_rotates_and_removes_a_webhook(admin, webhook):
    client = admin.client()
    old_secret = webhook.secret
    client.post(
        f"/webhooks/{webhook.pk}/",
        {"url": "https://new.example.com/hook", "events": ["writeup.published"]},
    )
    webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.active) == (
        "https://new.example.com/hook",
        ["writeup.published"],
        False,
    )
    client.post(f"/webhooks/{webhook.pk}/secret/")
    webhook.refresh_from_db()
    assert webhook.secret != old_secret
    assert client.post(f"/webhooks/{webhook.pk}/delete/").status_code == 302
    assert not Webhook.objects.exists()


def test_the_log_page_queries_do_not_grow_with_deliveries(
    admin, webhook, django_assert_max_num_queries
):
    for n in range(20):
        Delivery.objects.create(webhook=webhook, event="assist.planned", payload={"n": n})
    client = admin.client()
    client.get(f"/webhooks/{webhook.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/webhooks/{webhook.pk}/").status_code == 200
