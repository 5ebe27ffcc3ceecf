"""Set-up steps the browser tests run in the demo server's own database (`peerassist shell`
in its var dir), and the one way they give a demo person a login of their own."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

from tests.browser.conftest import DEMO_PASSWORD
from tests.harness.app import PEERASSIST, server_env

if TYPE_CHECKING:
    from tests.harness.app import AppServer

# Defined before every script: `give_login(email, organisation, person=None)` makes (or
# finds) the user with the demo password and a verified address, makes them a member, links
# the directory person if one is given, and returns the user.
PRELUDE = (
    f"PASSWORD = {DEMO_PASSWORD!r}\n"
    + """
import json
from allauth.account.models import EmailAddress
from peerassist.accounts.models import Membership, User

def give_login(email, organisation, person=None):
    user, _ = User.objects.get_or_create(email=email)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": "member"}
    )
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user
"""
)


def server_shell(app_server: AppServer, script: str) -> Any:
    """Run `script` (with `json` and `give_login` at hand) in the server's database; the JSON
    of the last line it prints."""
    result = subprocess.run(
        [str(PEERASSIST), "shell", "--no-imports", "-c", PRELUDE + script],
        env=server_env(app_server.var_dir),  # the server's database, in its var dir
        cwd=app_server.var_dir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])
