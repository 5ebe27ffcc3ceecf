"""Answers with organisation data are never cached (`Cache-Control: private, no-store`);
static files are; and no answer names the server software (checked on the real server)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from tests.harness.app import run_cli, server_env, serving

PRIVATE = "private, no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/assists/", "/people/", "/notifications/", "/webhooks/"])
def test_pages_with_organisation_data_are_not_cached(admin, path):
    response = admin.client().get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert not response.has_header("Server")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/assists/", "/api/v1/webhooks/"])
def test_api_answers_are_not_cached(admin, path):
    issued = api_token_create(user=admin.user, organisation=admin.organisation, name="t")
    response = Client(headers={"Authorization": f"Bearer {issued.raw}"}).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_redirects_and_refusals_are_not_cached_either(member):
    assert Client().get("/assists/")["Cache-Control"] == PRIVATE  # to the sign-in page
    assert member.client().get("/webhooks/")["Cache-Control"] == PRIVATE  # 403


@pytest.mark.django_db
def test_a_views_own_caching_choice_is_kept(client):
    # /healthz says no-cache in its own words (never_cache); the middleware leaves it.
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- The real server ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("headers")
    env = server_env(tmp)
    run_cli(["migrate", "--no-input"], env, tmp)
    with serving(env, tmp) as server:
        yield server.url


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - loopback test server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@pytest.mark.parametrize(
    ("path", "method", "cached"),
    [
        ("/accounts/login/", "GET", False),  # carries a CSRF token
        ("/healthz", "GET", False),
        ("/no-such-page/", "GET", False),
        ("/api/v1/assists/", "GET", False),  # refused without credentials
        ("/api/v1/webhooks/", "POST", False),
        ("/static/core/peerassist.css", "GET", True),
    ],
)
def test_the_real_server_names_no_software_and_caches_only_static_files(
    real_server, path, method, cached
):
    status, headers = fetch(real_server + path, method)
    assert status < 500
    assert "server" not in headers, headers.get("server")
    if cached:
        assert status == 200
        assert "no-store" not in headers.get("cache-control", "")
        assert "max-age" in headers.get("cache-control", "")
    else:
        assert "no-store" in headers["cache-control"] and "private" in headers["cache-control"]
