"""Which language a person reads: for pages (core.middleware.UserLanguageMiddleware) and for
what is sent to them — e-mails, notifications, calendar files.

The rule, in order: the account's saved preference (`User.language`); for a directory entry
without an account or without a preference, the languages listed on the entry — the site's
default language when it is among them, else the first other language the site speaks (in
the order of settings.LANGUAGES); else the site's default (settings.LANGUAGE_CODE). The
organisation has no language of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext

if TYPE_CHECKING:
    from peerassist.accounts.models import User
    from peerassist.people.models import Person


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_supported(code: str) -> bool:
    return code in supported_languages()


def language_from_listed(codes: Iterable[str]) -> str:
    """The language to write in to someone who reads `codes` (ISO 639-1): the default if they
    read it, else the first language the site speaks that they read, else the default."""
    listed = {code.lower().split("-")[0] for code in codes}
    default: str = settings.LANGUAGE_CODE
    if not listed or default in listed:
        return default
    for code in supported_languages():
        if code in listed:
            return code
    return default


def language_for_user(user: User | None) -> str:
    """The user's saved language, else the site's default."""
    saved = getattr(user, "language", "") if user is not None else ""
    if saved and is_supported(saved):
        return str(saved)
    return str(settings.LANGUAGE_CODE)


def language_for_person(person: Person) -> str:
    """The language to write to this directory entry in (see the module's rule)."""
    user = person.user if person.user_id else None
    saved = getattr(user, "language", "") if user is not None else ""
    if saved and is_supported(saved):
        return str(saved)
    return language_from_listed(person.languages.values_list("code", flat=True))


#: Words to put in each reader's language when they are rendered: a msgid (marked for
#: extraction with gettext_noop) and its %-parameters, themselves text or Words. Plain JSON,
#: so that an event's payload can carry them.
Words = dict[str, Any]


def words(msgid: str, **params: str | Words) -> Words:
    return {"msgid": msgid, "params": params}


def words_render(value: object) -> str:
    """`value` in the active language: Words are translated now (and their parameters), other
    text (a lazy translation included) is turned into a string."""
    if isinstance(value, dict) and isinstance(value.get("msgid"), str):
        text = gettext(value["msgid"])
        params = value.get("params") or {}
        if not params:
            return text
        return text % {name: words_render(param) for name, param in params.items()}
    return str(value)
