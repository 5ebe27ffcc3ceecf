"""The demo organisation: realistic enough to try every screen. Loading it twice changes nothing."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from types import ModuleType

from allauth.account.models import EmailAddress
from django.db import transaction

from peerassist.accounts.models import Membership, Organisation, Role, User
from peerassist.people.models import ExpertiseTag, Level, Person, Unit

DEMO_PASSWORD = "peerassist-demo"  # noqa: S105 - printed for demo users on purpose
DEMO_ORG_SLUG = "meridian"

# (unit, parent)
UNITS = [
    ("Meridian Water", None),
    ("Operations", "Meridian Water"),
    ("Network Maintenance", "Operations"),
    ("Customer Field Services", "Operations"),
    ("Capital Projects", "Meridian Water"),
    ("Treatment Works Upgrades", "Capital Projects"),
    ("Digital Metering Programme", "Capital Projects"),
    ("Finance & Procurement", "Meridian Water"),
    ("People & Culture", "Meridian Water"),
    ("Knowledge & Learning", "People & Culture"),
    ("Regional Office South", "Operations"),
]

EXPERTISE = {
    "Network Maintenance": [
        "leak detection",
        "asset data",
        "contractor management",
        "mains renewal",
    ],
    "Customer Field Services": [
        "customer communications",
        "field scheduling",
        "vulnerable customers",
    ],
    "Capital Projects": ["stakeholder engagement", "risk registers", "project controls"],
    "Treatment Works Upgrades": ["commissioning", "process safety", "regulatory approval"],
    "Digital Metering Programme": ["smart meters", "data platforms", "supplier onboarding"],
    "Finance & Procurement": ["procurement", "supplier onboarding", "business cases"],
    "People & Culture": ["change management", "training design", "workforce planning"],
    "Knowledge & Learning": ["facilitation", "after action reviews", "communities of practice"],
    "Regional Office South": ["flood response", "customer communications", "local partnerships"],
    "Operations": ["incident management", "shift planning"],
    "Meridian Water": ["strategy", "board reporting"],
}

FIRST = [
    "Amara",
    "Bastien",
    "Carmen",
    "Dev",
    "Elif",
    "Femi",
    "Greta",
    "Hiroshi",
    "Ines",
    "Jonas",
    "Kavya",
    "Luca",
    "Maëlle",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tomás",
    "Ulla",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aoife",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Esther",
    "Farid",
    "Gabriela",
    "Hugo",
    "Isabel",
    "Jakub",
    "Kemi",
    "Léa",
    "Mateo",
    "Noor",
    "Olivia",
    "Pablo",
    "Rania",
    "Sven",
]
LAST = [
    "Okafor",
    "Lefèvre",
    "Ruiz",
    "Patel",
    "Yilmaz",
    "Adeyemi",
    "Lindqvist",
    "Tanaka",
    "Moreau",
    "Becker",
    "Iyer",
    "Romano",
    "Dubois",
    "Haddad",
    "Nowak",
    "Sharma",
    "Garnier",
    "Fernández",
    "Khalil",
    "Oliveira",
    "Jensen",
    "Rossi",
    "Zhang",
    "López",
    "Demir",
    "Kowalska",
    "Byrne",
    "Costa",
    "Bianchi",
    "Volkov",
    "Cohen",
    "Rahimi",
    "Santos",
    "Mercier",
    "García",
    "Novak",
    "Eze",
    "Fontaine",
    "Herrera",
    "Aziz",
    "Walsh",
    "Navarro",
    "Saleh",
    "Berg",
]
LANGUAGE_SETS = [
    ["en"],
    ["en", "fr"],
    ["en", "es"],
    ["fr"],
    ["es", "en"],
    ["en", "de"],
    ["en", "pt"],
    ["fr", "en", "ar"],
    ["en", "hi"],
    ["es", "fr", "en"],
    ["en", "pl"],
    ["en", "it"],
]
TIME_ZONES = [
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "America/Mexico_City",
    "Asia/Kolkata",
]
JOB_TITLES = {
    Level.ENTRY: ["Graduate engineer", "Planning assistant", "Data analyst"],
    Level.PROFESSIONAL: ["Project engineer", "Field coordinator", "Procurement officer", "Trainer"],
    Level.SENIOR: ["Senior project manager", "Lead data engineer", "Senior buyer"],
    Level.MANAGER: ["Programme manager", "Operations manager", "Head of learning"],
    Level.EXECUTIVE: ["Director of operations", "Chief financial officer"],
}
LEVEL_WEIGHTS = [
    (Level.ENTRY, 3),
    (Level.PROFESSIONAL, 6),
    (Level.SENIOR, 4),
    (Level.MANAGER, 2),
    (Level.EXECUTIVE, 1),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    note: str


DEMO_LOGINS = [
    DemoLogin("admin@meridian.example", Role.ADMIN, "organisation admin: Members, settings"),
    DemoLogin("organiser@meridian.example", Role.ORGANISER, "knowledge manager"),
    DemoLogin("member@meridian.example", Role.MEMBER, "project team member"),
    DemoLogin("guest@partner.example", Role.GUEST, "external guest"),
]
#: Logins for each part a person plays in the live assist (all organisation members).
DEMO_PARTICIPANT_LOGINS = [
    DemoLogin("facilitator@meridian.example", "facilitator", "facilitates the live assist"),
    DemoLogin("notetaker@meridian.example", "note_taker", "takes notes in the live assist"),
    DemoLogin("homepeer@meridian.example", "home_peer", "home team of the live assist"),
    DemoLogin("visitingpeer@meridian.example", "visiting_peer", "visiting peer in the live assist"),
]
#: The platform operator: Django's admin (/admin/), member of no organisation.
DEMO_OPERATOR = DemoLogin("operator@meridian.example", "operator", "platform operator: /admin/")


def email_local_part(*names: str) -> str:
    """ "Tomás", "Fernández" -> "tomas.fernandez": accents folded to their base letters."""
    joined = ".".join(n.lower().replace(" ", "") for n in names)
    return unicodedata.normalize("NFKD", joined).encode("ascii", "ignore").decode()


OTHER_ORG = ("Harbour City Council", "harbour-city", ["Planning", "Housing", "Transport"])


def demo_user(email: str, first: str, last: str, *, operator: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "is_staff": operator,
            "is_superuser": operator,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _units(org: Organisation, tree: list[tuple[str, str | None]]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, parent in tree:
        units[name], _ = Unit.objects.get_or_create(
            organisation=org, name=name, parent=units[parent] if parent else None
        )
    return units


def _tags(org: Organisation, names: set[str]) -> dict[str, ExpertiseTag]:
    tags = {}
    for name in sorted(names):
        tags[name] = ExpertiseTag.objects.filter(
            organisation=org, name__iexact=name
        ).first() or ExpertiseTag.objects.create(organisation=org, name=name)
    return tags


def _person(org, *, email, name, unit, level, job, langs, tz, tags, bio, external=False, user=None):
    person, created = Person.objects.get_or_create(
        organisation=org,
        email=email,
        defaults={
            "name": name,
            "unit": unit,
            "level": level,
            "job_title": job,
            "time_zone": tz,
            "bio": bio,
            "is_external": external,
            "user": user,
        },
    )
    if created:
        person.languages.set(langs)
        person.expertise.set(tags)
    return person


#: The random stream of the demo being loaded: the people are drawn from it first, then the
#: apps' loaders continue it in their ORDER (see demo_loaders), so the demo is the same on
#: every machine.
_stream = random.Random(20261124)  # noqa: S311 - deterministic demo data, not security


def demo_random() -> random.Random:
    """The demo's random stream, for an app's loader to continue (not to restart)."""
    return _stream


@transaction.atomic
def demo_load() -> Organisation:
    """Create (or leave as is) the demo organisations, their units, people, communities, logins."""
    global _stream
    rng = _stream = random.Random(20261124)  # noqa: S311 - deterministic demo data
    org, _ = Organisation.objects.get_or_create(
        slug=DEMO_ORG_SLUG, defaults={"name": "Meridian Water"}
    )
    units = _units(org, UNITS)
    tags = _tags(org, {t for names in EXPERTISE.values() for t in names})
    people_units = [u for u in UNITS if u[0] != "Meridian Water"]

    for login, (first, last, unit_name, job) in zip(
        DEMO_LOGINS,
        [
            ("Ada", "Mensah", "Knowledge & Learning", "Head of knowledge management"),
            ("Olu", "Bakare", "Knowledge & Learning", "Knowledge manager"),
            ("Marta", "Quintero", "Digital Metering Programme", "Project engineer"),
            ("Gus", "Partner", None, ""),
        ],
        strict=True,
    ):
        user = demo_user(login.email, first, last)
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": login.role})
        if login.role != Role.GUEST:
            unit = units[unit_name] if unit_name else None
            _person(
                org,
                email=login.email,
                name=f"{first} {last}",
                unit=unit,
                level=Level.PROFESSIONAL,
                job=job,
                langs=["en"],
                tz="Europe/London",
                tags=[tags[t] for t in EXPERTISE[unit_name][:2]],
                bio="",
                user=user,
            )

    levels = [lvl for lvl, weight in LEVEL_WEIGHTS for _ in range(weight)]
    for i, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        unit_name = people_units[i % len(people_units)][0]
        level = rng.choice(levels)
        unit_tags = EXPERTISE[unit_name]
        other = rng.choice(list(EXPERTISE.values()))
        chosen = set(rng.sample(unit_tags, k=min(2, len(unit_tags)))) | {rng.choice(other)}
        external = i % 15 == 14
        domain = "partner.example" if external else "meridian.example"
        email = f"{email_local_part(first, last)}@{domain}"
        _person(
            org,
            email=email,
            name=f"{first} {last}",
            unit=None if external else units[unit_name],
            level=level,
            job=rng.choice(JOB_TITLES[level]),
            langs=rng.choice(LANGUAGE_SETS),
            tz=rng.choice(TIME_ZONES),
            tags=[tags[t] for t in sorted(chosen)],
            bio=(
                f"Works on {', '.join(sorted(chosen))}. "
                + rng.choice(
                    [
                        "Led the pilot in the southern region last year.",
                        "Happy to share what went wrong as well as what went right.",
                        "Joined from another utility two years ago.",
                        "Ran the supplier framework renewal in 2025.",
                    ]
                )
            ),
            external=external,
        )

    other_name, other_slug, other_units = OTHER_ORG
    other, _ = Organisation.objects.get_or_create(slug=other_slug, defaults={"name": other_name})
    other_unit_objs = _units(other, [(u, None) for u in other_units])
    for i, (first, last) in enumerate([("Rhys", "Morgan"), ("Sade", "Ibrahim"), ("Tove", "Ek")]):
        _person(
            other,
            email=f"{first.lower()}.{last.lower()}@harbourcity.example",
            name=f"{first} {last}",
            unit=other_unit_objs[other_units[i]],
            level=Level.PROFESSIONAL,
            job="Officer",
            langs=["en"],
            tz="Europe/London",
            tags=[],
            bio="",
        )
    other_admin = demo_user("admin@harbourcity.example", "Hana", "Council")
    Membership.objects.get_or_create(
        user=other_admin, organisation=other, defaults={"role": Role.ADMIN}
    )
    demo_user(DEMO_OPERATOR.email, "Oda", "Operator", operator=True)
    _app_demos(org)
    return org


def demo_loaders() -> list[ModuleType]:
    """Each app's `demo` module (found like the periodic jobs: any peerassist app may have
    one), in the order of their `ORDER`; each has `load(org)`."""
    import importlib
    import importlib.util

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if not config.name.startswith("peerassist.") or config.name == "peerassist.core":
            continue
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return sorted(found, key=lambda module: module.ORDER)


def _app_demos(org: Organisation) -> None:
    """Let each later stage of the method add its demo data (each loader is idempotent)."""
    for module in demo_loaders():
        module.load(org)
