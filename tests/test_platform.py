"""Settings, command line and demo data (health: test_health.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from peerassist.accounts.models import Membership, Organisation
from peerassist.accounts.services import api_token_authenticate
from peerassist.communities.models import Community
from peerassist.people.models import Language, Person, Unit

ROOT = Path(__file__).resolve().parent.parent
PEERASSIST = str(Path(sys.executable).parent / "peerassist")


def run_cli(*args: str, env: dict[str, str] | None = None, tmp_path: Path | None = None):
    child_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "DATABASE_URL", "PEERASSIST_"))
    }
    if tmp_path is not None:
        child_env["PEERASSIST_VAR_DIR"] = str(tmp_path)
    child_env.update(env or {})
    return subprocess.run(
        [PEERASSIST, *args],
        capture_output=True,
        text=True,
        env=child_env,
        cwd=tmp_path or ROOT,
        timeout=120,
    )


class TestSettings:
    def test_refuses_to_start_without_a_key_when_debug_is_off(self, tmp_path):
        result = run_cli("check", env={"DEBUG": "false"}, tmp_path=tmp_path)
        assert result.returncode != 0
        assert "SECRET_KEY is not set" in result.stderr

    def test_generates_a_key_file_in_debug_and_reuses_it(self, tmp_path):
        first = run_cli("check", env={"DEBUG": "true"}, tmp_path=tmp_path)
        assert first.returncode == 0, first.stderr
        key_file = tmp_path / "secret_key"
        key = key_file.read_text()
        assert len(key) >= 50
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        run_cli("check", env={"DEBUG": "true"}, tmp_path=tmp_path)
        assert key_file.read_text() == key

    def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(self, tmp_path):
        script = (
            "from django.db import connection\n"
            "c = connection.cursor()\n"
            "print(c.execute('PRAGMA journal_mode').fetchone()[0])\n"
            "print(c.execute('PRAGMA busy_timeout').fetchone()[0])\n"
            "print(connection.transaction_mode)\n"
        )
        result = run_cli(
            "shell", "--no-imports", "-c", script, env={"DEBUG": "true"}, tmp_path=tmp_path
        )
        assert result.returncode == 0, result.stderr
        mode, timeout, transaction_mode = result.stdout.split()
        assert mode == "wal"
        assert int(timeout) >= 5000
        assert transaction_mode == "IMMEDIATE"
        assert (tmp_path / "peerassist.sqlite3").exists()

    def test_database_and_email_come_from_urls(self, tmp_path):
        script = (
            "from django.conf import settings as s\n"
            "print(s.DATABASES['default']['NAME'])\n"
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)\n"
        )
        env = {
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/other.db",
            "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.org:587",
        }
        result = run_cli("shell", "--no-imports", "-c", script, env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == f"{tmp_path}/other.db"
        assert lines[1] == "django.core.mail.backends.smtp.EmailBackend mail.example.org 587"

    def test_console_email_by_default(self, tmp_path):
        script = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
        result = run_cli(
            "shell", "--no-imports", "-c", script, env={"DEBUG": "true"}, tmp_path=tmp_path
        )
        assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


class TestCommandLine:
    def test_help_lists_the_friendly_commands(self):
        result = run_cli("--help")
        assert result.returncode == 0
        for command in ("serve", "demo", "import-people", "token"):
            assert f"  {command} " in result.stdout

    def test_other_django_commands_pass_through(self, tmp_path):
        result = run_cli("showmigrations", "people", env={"DEBUG": "true"}, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "0001_initial" in result.stdout

    @pytest.mark.django_db
    def test_token_create_prints_a_working_token(self, member, capsys):
        call_command("token", "create", user=member.user.email, name="cron")
        raw = capsys.readouterr().out.strip()
        token = api_token_authenticate(raw=raw)
        assert token is not None and token.user == member.user and token.name == "cron"
        response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/people/")
        assert response.status_code == 200

    @pytest.mark.django_db
    def test_token_create_for_a_stranger_is_a_clear_error(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match=r"No user with the e-mail address nobody@x\.test"):
            call_command("token", "create", user="nobody@x.test")

    @pytest.mark.django_db
    def test_token_revoke(self, member, capsys):
        call_command("token", "create", user=member.user.email)
        raw = capsys.readouterr().out.strip()
        token = api_token_authenticate(raw=raw)
        call_command("token", "revoke", str(token.pk), user=member.user.email)
        assert api_token_authenticate(raw=raw) is None


@pytest.mark.django_db
class TestDemo:
    def test_demo_is_realistic(self):
        call_command("demo", quiet=True)
        org = Organisation.objects.get(slug="meridian")
        units = Unit.objects.filter(organisation=org)
        assert units.count() >= 5
        assert units.filter(parent__parent__isnull=False).exists()  # at least three levels
        people = Person.objects.filter(organisation=org)
        assert people.count() >= 40
        assert Language.objects.filter(person__organisation=org).distinct().count() >= 5
        assert len(set(people.values_list("level", flat=True))) >= 4
        assert people.filter(is_external=True).exists()
        assert Community.objects.filter(organisation=org).count() == 2
        assert Membership.objects.filter(organisation=org).count() == 8  # 4 org roles + 4 parts

    def test_demo_has_assists_in_every_status_and_several_formats(self):
        from peerassist.assists.models import PeerAssist, Status
        from peerassist.assists.selectors import plan_review

        call_command("demo", quiet=True)
        assists = PeerAssist.objects.filter(organisation__slug="meridian")
        assert set(assists.values_list("status", flat=True)) == set(Status.values)
        assert assists.values("format__kind").distinct().count() == 4
        for assist in assists.exclude(status=Status.DRAFT):
            review = plan_review(assist=assist)
            assert review.ready, (assist.title, review.findings)

    def test_demo_twice_changes_nothing(self):
        call_command("demo", quiet=True)
        counts = (Person.objects.count(), Unit.objects.count(), Community.objects.count())
        call_command("demo", quiet=True)
        assert (Person.objects.count(), Unit.objects.count(), Community.objects.count()) == counts

    def test_demo_logins_work(self):
        call_command("demo", quiet=True)
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": "member@meridian.example", "password": "peerassist-demo"}
        )
        assert response.status_code == 302
        assert "Meridian Water" in client.get("/").content.decode()


def test_migrations_are_complete(db):
    result = call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    assert result is None


def test_database_backend_is_the_one_asked_for(db):
    wanted = "postgresql" if os.environ.get("PEERASSIST_TEST_DB") == "postgres" else "sqlite"
    assert connection.vendor == wanted


def test_redis_url_makes_the_cache_shared_across_processes(redis_url, tmp_path):
    """With REDIS_URL, rate-limit counters live in Redis, so every server process sees them."""
    import redis

    env = {"DEBUG": "true", "REDIS_URL": redis_url}
    script = (
        "from django.core.cache import cache\n"
        "cache.set('probe', 'written by process one', 60)\n"
        "from django.core.cache import caches\n"
        "print(type(caches['default']).__name__)\n"
    )
    first = run_cli("shell", "--no-imports", "-c", script, env=env, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "RedisCache"
    second = run_cli(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import cache; print(cache.get('probe'))",
        env=env,
        tmp_path=tmp_path,
    )
    assert second.stdout.strip() == "written by process one"
    assert any(b"probe" in key for key in redis.Redis.from_url(redis_url).scan_iter("*probe*"))
