"""The webhooks API: administrators only; the secret is shown once, on creation."""

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@pytest.fixture
def webhook(org):
    return Webhook.objects.create(
        organisation=org, url="http://127.0.0.1:9/hook", events=["assist.planned"]
    )


def test_create_returns_the_secret_once_and_lists_never_do(admin):
    client = bearer(admin)
    created = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.com/pa", "events": ["writeup.published"]},
        content_type=JSON,
    )
    assert created.status_code == 201
    body = created.json()
    webhook = Webhook.objects.get()
    assert body["secret"] == webhook.secret
    assert body["events"] == ["writeup.published"] and body["active"] is True
    listed = client.get("/api/v1/webhooks/").json()
    assert [w["id"] for w in listed] == [webhook.pk]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{webhook.pk}").json()
    assert webhook.secret not in client.get(f"/api/v1/webhooks/{webhook.pk}").content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://files.example.com/x", "events": ["assist.planned"]},
        {"url": "https://hooks.example.com/pa", "events": []},
        {"url": "https://hooks.example.com/pa", "events": ["assist.exploded"]},
    ],
)
def test_create_refuses_bad_urls_and_events(admin, body):
    response = bearer(admin).post("/api/v1/webhooks/", body, content_type=JSON)
    assert response.status_code == 422
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("persona", ["organiser", "member"])
def test_non_admins_get_403_everywhere(request, webhook, persona):
    client = bearer(request.getfixturevalue(persona))
    base = f"/api/v1/webhooks/{webhook.pk}"
    calls = [
        client.get("/api/v1/webhooks/"),
        client.post(
            "/api/v1/webhooks/",
            {"url": "https://x.example.com", "events": ["assist.planned"]},
            content_type=JSON,
        ),
        client.get(base),
        client.patch(base, {"active": False}, content_type=JSON),
        client.delete(base),
        client.get(f"{base}/deliveries"),
        client.post(f"{base}/test"),
        client.post(f"{base}/secret"),
    ]
    assert [c.status_code for c in calls] == [403] * len(calls)
    assert Webhook.objects.get().active is True
    assert not Delivery.objects.exists()


def test_another_organisations_webhook_is_404(other_org_member, webhook):
    client = bearer(other_org_member)  # an admin, of the other organisation
    base = f"/api/v1/webhooks/{webhook.pk}"
    calls = [
        client.get(base),
        client.patch(base, {"active": False}, content_type=JSON),
        client.delete(base),
        client.get(f"{base}/deliveries"),
        client.post(f"{base}/test"),
    ]
    assert [c.status_code for c in calls] == [404] * len(calls)
    assert client.get("/api/v1/webhooks/").json() == []


def test_update_test_delivery_deliveries_and_delete(
    admin, webhook, django_capture_on_commit_callbacks
):
    client = bearer(admin)
    base = f"/api/v1/webhooks/{webhook.pk}"
    changed = client.patch(base, {"events": ["action.overdue"], "active": False}, content_type=JSON)
    assert changed.status_code == 200
    assert changed.json()["events"] == ["action.overdue"] and changed.json()["active"] is False

    with django_capture_on_commit_callbacks(execute=True):
        tested = client.post(f"{base}/test")
    assert tested.status_code == 202
    assert tested.json()["event"] == "ping"
    assert tested.json()["status"] == "pending"

    log = client.get(f"{base}/deliveries").json()
    assert log["count"] == 1
    (delivery,) = log["items"]
    assert delivery["attempts"] == 1  # tried after commit; nobody listens on port 9
    assert delivery["status"] == "pending" and delivery["next_attempt_at"]
    assert delivery["log"][0]["error"]

    rotated = client.post(f"{base}/secret").json()
    webhook.refresh_from_db()
    assert rotated["secret"] == webhook.secret

    assert client.delete(base).status_code == 204
    assert not Webhook.objects.exists()
