"""Named personas shared by the tests (house style: healthchecks' BaseTestCase)."""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from peerassist.accounts.models import Membership, Organisation, Role, User
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UnitFactory

PASSWORD = "correct horse battery"


@dataclass
class Persona:
    user: User
    membership: Membership
    person: Person | None

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def viewer(self) -> Viewer:
        return Viewer(user=self.user, organisation=self.organisation, role=self.membership.role)

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def make_persona(org: Organisation, role: str, email: str, *, with_person: bool = True) -> Persona:
    membership = MembershipFactory(user__email=email, organisation=org, role=role)
    EmailAddress.objects.create(user=membership.user, email=email, verified=True, primary=True)
    person = None
    if with_person:
        person = PersonFactory(
            organisation=org, email=email, name=email.split("@")[0].title(), user=membership.user
        )
    return Persona(user=membership.user, membership=membership, person=person)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; one test's failed logins must not leak.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in French leaves French active in the thread (LocaleMiddleware does not undo
    # it); without this, the next test's service calls would run in French.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def org(db) -> Organisation:
    return OrganisationFactory(name="Meridian Test", slug="meridian-test")


@pytest.fixture
def other_org(db) -> Organisation:
    return OrganisationFactory(name="Other Org", slug="other-org")


@pytest.fixture
def admin(org) -> Persona:
    return make_persona(org, Role.ADMIN, "admin@meridian.test")


@pytest.fixture
def organiser(org) -> Persona:
    return make_persona(org, Role.ORGANISER, "organiser@meridian.test")


@pytest.fixture
def member(org) -> Persona:
    return make_persona(org, Role.MEMBER, "member@meridian.test")


@pytest.fixture
def guest(org) -> Persona:
    return make_persona(org, Role.GUEST, "guest@partner.test", with_person=False)


@pytest.fixture
def outsider(db) -> Persona:
    """Signed in, but a member of no organisation."""
    from tests.factories import UserFactory

    user = UserFactory(email="outsider@nowhere.test")
    return Persona(user=user, membership=None, person=None)  # type: ignore[arg-type]


@pytest.fixture
def other_org_member(other_org) -> Persona:
    return make_persona(other_org, Role.ADMIN, "admin@other.test")


@pytest.fixture
def directory(org, other_org):
    """A small directory in each organisation."""
    ops = UnitFactory(organisation=org, name="Operations")
    field = UnitFactory(organisation=org, name="Field Services", parent=ops)
    finance = UnitFactory(organisation=org, name="Finance")
    people = {
        "ana": PersonFactory(
            organisation=org,
            name="Ana Ruiz",
            email="ana@meridian.test",
            unit=field,
            job_title="Field coordinator",
            languages=["es", "en"],
        ),
        "bo": PersonFactory(
            organisation=org,
            name="Bo Lindqvist",
            email="bo@meridian.test",
            unit=ops,
            job_title="Operations manager",
            languages=["en"],
        ),
        "chloe": PersonFactory(
            organisation=org,
            name="Chloé Moreau",
            email="chloe@meridian.test",
            unit=finance,
            job_title="Buyer",
            languages=["fr"],
        ),
        "stranger": PersonFactory(
            organisation=other_org,
            name="Ana Stranger",
            email="ana@other.test",
            unit=UnitFactory(organisation=other_org, name="Operations"),
            languages=["es"],
        ),
    }
    return {"units": {"ops": ops, "field": field, "finance": finance}, "people": people}


@pytest.fixture(scope="session")
def redis_url():
    """A throw-away Redis server; skipped without redis-server, except under CI=true."""
    import os

    from tests.harness.redis import RedisUnavailable, running_redis

    try:
        with running_redis(quiet=True) as url:
            yield url
    except RedisUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs redis-server: {exc}")
        pytest.skip(f"redis-server is not installed: {exc}")


def _is_transactional(item) -> bool:
    """As pytest-django decides it: such a test empties every table when it ends, including
    the rows the migrations wrote (the shipped formats, the languages)."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


class _MarkTransactional:
    """Marks those tests `transactional` before `-m` selects, so `make test` can run them in
    a pass of their own (tests/harness/suite.py): spread over workers, a test that empties
    the tables would otherwise run before another module's tests that need those rows. In one
    process pytest-django orders them last; across workers nothing does."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        for item in items:
            if _is_transactional(item):
                item.add_marker("transactional")


def pytest_configure(config):
    config.pluginmanager.register(_MarkTransactional(), "peerassist-mark-transactional")


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, which the asyncio tests cannot share."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """STATIC_ROOT collected once as production does (hashed names, compressed copies): a
    minute of CPU, so every test that runs a DEBUG=false server shares it."""
    from tests.harness.app import run_cli, server_env

    tmp = tmp_path_factory.mktemp("production-static")
    env = {**server_env(tmp), "DEBUG": "false", "STATIC_ROOT": str(tmp / "static")}
    run_cli(["collectstatic", "--no-input", "-v", "0"], env, tmp, timeout=900)
    return tmp / "static"
