"""A real OpenID Connect provider for the tests, in its own process on loopback.

    python -m tests.harness.oidc_provider CONFIG.json

django-oauth-toolkit's OIDC support in a minimal Django project configured here (no files
but a SQLite database in the config's directory). The config (written by tests/harness/oidc.py)
names the port, the RSA key, the clients and the users. A user may carry a test fault:

    "id_token": "expired"         the ID token's `exp` is an hour in the past
    "id_token": "wrong_audience"  the ID token is addressed to another client

so that the relying party's checks are exercised against real tokens from a real provider.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings

LOGIN_HTML = """<!doctype html><html lang="en"><head><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post">{% csrf_token %}
<p><label for="id_username">E-mail</label> <input id="id_username" name="username" type="text"></p>
<p><label for="id_password">Password</label>
<input id="id_password" name="password" type="password"></p>
<input type="hidden" name="next" value="{{ next }}">
{% if form.errors %}<p role="alert">Wrong e-mail or password.</p>{% endif %}
<button type="submit">Sign in to the identity provider</button></form></main></body></html>"""

CONFIG: dict[str, Any] = {}


def _users() -> dict[str, dict[str, Any]]:
    return {u["email"]: u for u in CONFIG.get("users", [])}


def _validator_class() -> type:
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class Validator(OAuth2Validator):  # type: ignore[misc]
        # Every claim for every scope the client asked for (openid email profile).
        oidc_claim_scope = None

        def get_additional_claims(self, request: Any) -> dict[str, Any]:
            user = _users().get(request.user.username, {})
            return {
                "email": request.user.username,
                "email_verified": bool(user.get("email_verified", True)),
                "name": user.get("name", ""),
                "given_name": user.get("name", "").partition(" ")[0],
                "family_name": user.get("name", "").partition(" ")[2],
            }

        def get_id_token_dictionary(
            self, token: Any, token_handler: Any, request: Any
        ) -> tuple[dict[str, Any], Any]:
            claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
            fault = _users().get(request.user.username, {}).get("id_token")
            if fault == "expired":
                claims["exp"] = int(time.time()) - 3600
            elif fault == "wrong_audience":
                claims["aud"] = "some-other-client"
            return claims, expiration

    return Validator


def configure(config: dict[str, Any]) -> None:
    CONFIG.update(config)
    directory = Path(config["directory"])
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-identity-provider-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(directory / "provider.sqlite3"),
            }
        },
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        ("django.template.loaders.locmem.Loader", {"login.html": LOGIN_HTML}),
                        "django.template.loaders.app_directories.Loader",
                    ],
                    "context_processors": ["django.template.context_processors.request"],
                },
            }
        ],
        LOGIN_URL="/login/",
        # Its own cookie name: the app under test runs on the same host (127.0.0.1).
        SESSION_COOKIE_NAME="idp_sessionid",
        CSRF_COOKIE_NAME="idp_csrftoken",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        USE_TZ=True,
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": config["rsa_private_key"],
            "OIDC_ISS_ENDPOINT": config["issuer"],
            "PKCE_REQUIRED": True,
            "SCOPES": {
                "openid": "OpenID Connect",
                "profile": "Profile",
                "email": "E-mail address",
            },
            "OAUTH2_VALIDATOR_CLASS": f"{__name__}.Validator",
        },
    )


urlpatterns: list[Any] = []


def _urls() -> None:
    from django.contrib.auth import views as auth_views
    from django.urls import include, path

    urlpatterns.extend(
        [
            path("login/", auth_views.LoginView.as_view(template_name="login.html")),
            path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        ]
    )


def _seed() -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for user in CONFIG.get("users", []):
        User.objects.create_user(
            username=user["email"], email=user["email"], password=user["password"]
        )
    for client in CONFIG.get("clients", []):
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    configure(config)
    django.setup()
    globals()["Validator"] = _validator_class()
    _urls()
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    _seed()
    run("127.0.0.1", int(config["port"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
