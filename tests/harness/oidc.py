"""Start the test OpenID Connect provider (tests/harness/oidc_provider.py) on loopback.

    with running_oidc_provider(clients=[...], users=[...]) as provider:
        provider.issuer   # http://127.0.0.1:PORT/o

A client is {"client_id", "client_secret", "redirect_uris"}; a user is {"email", "password",
"name", optionally "email_verified": false or "id_token": "expired" | "wrong_audience"}.
The provider is django-oauth-toolkit (a dev dependency); OidcProviderUnavailable says how to
install it when it is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.harness.postgres import ServiceUnavailable, free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0


class OidcProviderUnavailable(ServiceUnavailable):
    """django-oauth-toolkit is missing or the provider would not start."""


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    port: int

    @property
    def login_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/login/"


def _rsa_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def running_oidc_provider(
    *, clients: list[dict[str, Any]], users: list[dict[str, Any]]
) -> Iterator[OidcProvider]:
    try:
        import oauth2_provider  # noqa: F401
    except ImportError as exc:
        raise OidcProviderUnavailable(
            "django-oauth-toolkit is not installed: `.venv/bin/pip install -e '.[dev]'`."
        ) from exc
    tmp = Path(tempfile.mkdtemp(prefix="peerassist-oidc-"))
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    config = {
        "directory": str(tmp),
        "port": port,
        "issuer": issuer,
        "rsa_private_key": _rsa_private_key(),
        "clients": clients,
        "users": users,
    }
    (tmp / "config.json").write_text(json.dumps(config))
    log = (tmp / "provider.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.harness.oidc_provider", str(tmp / "config.json")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        discovery = f"{issuer}/.well-known/openid-configuration"
        while not _ready(discovery):
            if proc.poll() is not None or time.monotonic() > deadline:
                output = (tmp / "provider.log").read_text(errors="replace")[-3000:]
                raise OidcProviderUnavailable(f"the test OIDC provider did not start:\n{output}")
            time.sleep(0.2)
        yield OidcProvider(issuer=issuer, port=port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
