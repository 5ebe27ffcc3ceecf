"""Schemathesis against the real server (issue 14): every operation of the OpenAPI document,
with positive and negative data and stateful links, on a throw-away copy of the demo data.

It must find no server error, no undocumented status, no body or content type that differs
from the document. Run by `.ci/run` (`make api-contract`), not by the main suite: the server
starts once and the run is bounded by SCHEMATHESIS_MAX_TIME seconds (default 150).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from tests.harness.app import (
    PEERASSIST,
    AppServer,
    run_cli,
    server_env,
    serving,
)

pytestmark = pytest.mark.api_contract

CONFIG = Path(__file__).parent / "contract" / "schemathesis.toml"
HOOKS = "tests.contract.hooks"
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCHEMATHESIS = Path(sys.executable).parent / "st"
MAX_TIME = int(os.environ.get("SCHEMATHESIS_MAX_TIME", "150"))
#: The demo's organisation admin: every operation is open to them, so most get past 403.
DEMO_ADMIN = "admin@meridian.example"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, str]]:
    """`peerassist serve` on the demo data, and an API token of the demo admin."""
    tmp = tmp_path_factory.mktemp("contract")
    env = server_env(tmp)
    # tests/contract/hooks.py points every webhook URL and SSO issuer at 127.0.0.1 (no DNS,
    # no traffic out).
    env["WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    env["SSO_ALLOWED_NETWORKS"] = "127.0.0.0/8"  # the same for SSO issuers
    # ...and the server refuses (and logs) any other host name lookup, to prove it.
    env["PYTHONPATH"] = str(Path(__file__).parent / "contract" / "offline")
    env["PEERASSIST_DNS_LOG"] = str(tmp / "dns.log")
    run_cli(["migrate", "--no-input"], env, tmp)
    run_cli(["demo", "--quiet"], env, tmp)
    issued = subprocess.run(
        [str(PEERASSIST), "token", "create", "--user", DEMO_ADMIN, "--name", "schemathesis"],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    token = issued.stdout.strip()
    with serving(env, tmp) as server:
        yield server, token


def test_the_served_openapi_document_validates(served):
    server, _ = served
    with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310
        document = json.load(response)
    validate(document)


def test_schemathesis_finds_no_server_error_and_no_departure_from_the_document(served):
    server, token = served
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.monotonic()
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-time",
            str(MAX_TIME),
            "--workers",
            "1",
            "--seed",
            "14",
            "--request-timeout",
            "30",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
            str(ARTIFACTS / "schemathesis.xml"),
        ],
        env={**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=MAX_TIME + 300,
        check=False,
    )
    took = time.monotonic() - started
    output = result.stdout + result.stderr
    print(output)
    print(f"schemathesis took {took:.0f}s")
    lookups = server.var_dir / "dns.log"
    assert not lookups.exists(), f"the server looked up host names: {lookups.read_text()}"
    assert result.returncode == 0, (
        f"schemathesis reported failures (exit {result.returncode}):\n{output}\n"
        f"--- server log ---\n{server.log_text()[-20000:]}"
    )
