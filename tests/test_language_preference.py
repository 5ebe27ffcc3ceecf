"""Each person's language: saved in the account (else the browser's), applied on every page
even over a stale cookie, saved by the footer's picker too; e-mails, notifications and
calendar files in the RECIPIENT's language; exports in the language chosen at export time;
the API's own error messages by Accept-Language; `lang` on the page and on notes."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from peerassist.accounts.models import User
from peerassist.accounts.services import api_token_create, user_language_set
from peerassist.assists.models import BreakoutGroup, Participation, Role
from peerassist.core.languages import language_for_person, language_from_listed
from peerassist.invitations import services as invitation_services
from peerassist.live.selectors import Actor
from peerassist.live.state import room_state
from peerassist.notifications.models import Notification
from peerassist.people.models import Language
from peerassist.writeups.services import writeup as writeup_services
from tests.conftest import make_persona
from tests.factories import PeerAssistFactory, PersonFactory
from tests.reports_support import make_assist, make_writeup

pytestmark = pytest.mark.django_db

LANG = settings.LANGUAGE_COOKIE_NAME


def page(client: Client, path: str = "/account/", **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]*)"', html)
    assert found is not None
    return found.group(1)


# --- The preference, and what wins ---------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "cookie", "browser", "expected"),
    [
        ("", "", "", "en"),  # nothing said: the site's default
        ("", "", "es", "es"),  # the browser's
        ("", "fr", "es", "fr"),  # the picker's cookie on this device
        ("es", "fr", "fr", "es"),  # the saved preference beats a stale cookie and the browser
        ("fr", "", "es", "fr"),
    ],
)
def test_pages_follow_the_saved_language_then_the_cookie_then_the_browser(
    member, saved, cookie, browser, expected
):
    if saved:
        user_language_set(user=member.user, language=saved)
    client = member.client()
    if cookie:
        client.cookies[LANG] = cookie
    headers = {"Accept-Language": browser} if browser else {}
    html = page(client, "/account/", **headers)
    assert html_lang(html) == expected
    heading = {"en": "Your account", "fr": "Votre compte", "es": "Su cuenta"}[expected]
    assert f"<h1>{heading}</h1>" in html


def test_signed_out_pages_follow_the_browser(client):
    html = page(client, "/accounts/login/", **{"Accept-Language": "es"})
    assert html_lang(html) == "es"


def test_saving_the_language_on_the_account_page(member):
    client = member.client()
    html = page(client)
    assert 'name="language"' in html and "As my browser says" in html
    response = client.post("/account/language/", {"language": "fr"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies[LANG].value == "fr"
    member.user.refresh_from_db()
    assert member.user.language == "fr"
    html = page(client, **{"Accept-Language": "es"})
    assert html_lang(html) == "fr" and "<h1>Votre compte</h1>" in html
    # On another device (no cookie, a Spanish browser) too.
    assert html_lang(page(member.client(), **{"Accept-Language": "es"})) == "fr"


def test_going_back_to_the_browsers_language_forgets_the_cookie(member):
    user_language_set(user=member.user, language="fr")
    client = member.client()
    client.cookies[LANG] = "fr"
    response = client.post("/account/language/", {"language": ""})
    assert response.status_code == 302
    assert response.cookies[LANG].value == ""  # deleted
    member.user.refresh_from_db()
    assert member.user.language == ""
    assert html_lang(page(client, **{"Accept-Language": "es"})) == "es"


def test_a_language_the_site_does_not_speak_is_refused_with_a_reason(member):
    client = member.client()
    response = client.post("/account/language/", {"language": "de"}, follow=True)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.language == ""


def test_the_footer_picker_saves_a_signed_in_persons_preference(member):
    client = member.client()
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    member.user.refresh_from_db()
    assert member.user.language == "es"
    # Another device follows.
    assert html_lang(page(member.client(), **{"Accept-Language": "fr"})) == "es"


def test_the_picker_signed_out_only_sets_this_browsers_cookie(client, member):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.cookies[LANG].value == "fr"
    assert not User.objects.exclude(language="").exists()


def test_the_picker_ignores_a_language_the_site_does_not_speak(member):
    client = member.client()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/account/"})
    member.user.refresh_from_db()
    assert member.user.language == ""


# Permission: one person, their own preference; the address takes no user id at all.
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("guest", 302), ("member", 302), ("organiser", 302), ("admin", 302)],
)
def test_each_person_sets_only_their_own_language(request, member, who, status):
    client = Client() if who == "anonymous" else request.getfixturevalue(who).client()
    response = client.post("/account/language/", {"language": "es", "user": member.user.pk})
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    member.user.refresh_from_db()
    assert member.user.language == ("es" if who == "member" else "")
    if who not in ("anonymous", "member"):
        persona = request.getfixturevalue(who)
        persona.user.refresh_from_db()
        assert persona.user.language == "es"


def test_the_language_page_takes_only_post(member):
    assert member.client().get("/account/language/").status_code == 405


# --- Whom to write to in which language ----------------------------------------------------


def _language(code: str, name: str) -> Language:
    return Language.objects.get_or_create(code=code, defaults={"name": name})[0]


def test_a_directory_entry_without_an_account_is_written_to_in_a_language_it_lists(org):
    french, english = _language("fr", "French"), _language("en", "English")
    german = _language("de", "German")
    assert language_for_person(PersonFactory(organisation=org)) == "en"
    assert language_for_person(PersonFactory(organisation=org, languages=[french])) == "fr"
    assert language_for_person(PersonFactory(organisation=org, languages=[french, english])) == "en"
    assert language_for_person(PersonFactory(organisation=org, languages=[german])) == "en"
    assert language_from_listed(["de", "es", "fr"]) == "fr"  # settings.LANGUAGES' order


def test_an_accounts_saved_language_beats_the_languages_it_lists(org, member):
    member.person.languages.set([_language("es", "Spanish")])
    assert language_for_person(member.person) == "es"
    user_language_set(user=member.user, language="fr")
    member.person.refresh_from_db()
    assert language_for_person(member.person) == "fr"


# --- E-mails in the recipient's language -----------------------------------------------------

STARTS = datetime(2027, 1, 14, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
ENDS = datetime(2027, 1, 14, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def assist(org, organiser):
    assist = PeerAssistFactory(
        status="invited",
        organisation=org,
        title="Smart meter roll-out",
        starts_at=STARTS,
        ends_at=ENDS,
        time_zone="Europe/Paris",
        challenge="How do we book installation slots?",
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    return assist


def _invite(organiser, assist, person, capture) -> mail.EmailMessage:
    with capture(execute=True):
        invitation_services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[person.pk]
        )
    (message,) = mail.outbox
    return message


EXPECTED = {
    # subject, words of the text and HTML, the day in the reader's language and zone
    "fr": ("Invitation\u00a0: Smart meter roll-out", "jeu. 14 jan. 2027, 09:00", "Europe/Paris"),
    "es": ("Invitación: Smart meter roll-out", "jue 14 Ene. 2027, 02:00", "America/Mexico_City"),
}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_invitation_from_an_english_organiser_reaches_a_peer_in_the_peers_language(
    org, organiser, assist, language, django_capture_on_commit_callbacks
):
    subject, day, zone = EXPECTED[language]
    peer = make_persona(org, "member", f"peer-{language}@meridian.test")
    peer.person.time_zone = zone
    peer.person.save()
    user_language_set(user=peer.user, language=language)
    Participation.objects.create(assist=assist, person=peer.person, role=Role.VISITING_PEER)
    organiser_client = organiser.client()
    assert html_lang(page(organiser_client, **{"Accept-Language": "en"})) == "en"

    message = _invite(organiser, assist, peer.person, django_capture_on_commit_callbacks)

    assert message.subject.endswith(subject)
    html = message.alternatives[0].content
    assert html_lang(html) == language
    for text in (message.body, html):
        assert "Smart meter roll-out" in text
        assert day in text, (day, text)
    # Words of the templates themselves, not only the subject:
    question = {"fr": "Viendrez-vous\u00a0?", "es": "¿Vendrá?"}[language]
    assert question in message.body and question in html
    assert "Will you come?" not in message.body and "Will you come?" not in html
    # A label's colon follows the language's typography (a no-break space before it in French).
    when = {"fr": "Quand\u00a0: ", "es": "Cuándo: "}[language]
    assert when in message.body, message.body
    # The calendar file holds the session's own words (title, challenge) and its moment.
    (_name, content, _type) = message.attachments[0]
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Smart meter roll-out"


def test_an_invitee_without_an_account_gets_the_language_they_list(
    org, organiser, assist, django_capture_on_commit_callbacks
):
    guest = PersonFactory(organisation=org, email="ines@partner.test", languages=[])
    guest.languages.set([_language("es", "Spanish")])
    Participation.objects.create(assist=assist, person=guest, role=Role.VISITING_PEER)
    message = _invite(organiser, assist, guest, django_capture_on_commit_callbacks)
    assert message.subject.endswith("Invitación: Smart meter roll-out")


def test_the_senders_language_does_not_leak_into_the_recipients_email(
    org, organiser, assist, django_capture_on_commit_callbacks
):
    user_language_set(user=organiser.user, language="fr")  # the sender reads French
    peer = make_persona(org, "member", "peer-en@meridian.test")
    Participation.objects.create(assist=assist, person=peer.person, role=Role.VISITING_PEER)
    message = _invite(organiser, assist, peer.person, django_capture_on_commit_callbacks)
    assert message.subject.endswith("Invitation: Smart meter roll-out")
    assert html_lang(message.alternatives[0].content) == "en"


# --- Notifications in the reader's language --------------------------------------------------


def test_a_notification_is_written_and_emailed_in_each_readers_language(
    org, organiser, django_capture_on_commit_callbacks
):
    readers = {}
    for language in ("en", "fr", "es"):
        persona = make_persona(org, "member", f"reader-{language}@meridian.test")
        if language != "en":
            user_language_set(user=persona.user, language=language)
        readers[language] = persona
    assist = make_assist(org, title="Roll out the CRM", home=[organiser.person])
    for persona in readers.values():
        Participation.objects.create(assist=assist, person=persona.person, role=Role.VISITING_PEER)
    make_writeup(assist, published=False)
    user_language_set(user=organiser.user, language="es")  # the sender's own language
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.writeup_publish(viewer=organiser.viewer, assist=assist)

    titles = {
        "en": "The write-up of “Roll out the CRM” is published",
        "fr": "Le compte rendu de «\u00a0Roll out the CRM\u00a0» est publié",
        "es": "Se ha publicado el acta de “Roll out the CRM”",
    }
    for language, persona in readers.items():
        notification = Notification.objects.get(person=persona.person)
        assert notification.title == titles[language]
        (message,) = [m for m in mail.outbox if m.to == [persona.user.email]]
        assert message.subject.endswith(titles[language])
        assert html_lang(message.alternatives[0].content) == language


# --- The API's own error messages --------------------------------------------------------------

NO_SUCH_NOTIFICATION = {
    "en": "No such notification.",
    "fr": "Cette notification n’existe pas.",
    "es": "No existe esa notificación.",
}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_an_api_404_reason_follows_accept_language_for_a_token(member, language):
    issued = api_token_create(user=member.user, organisation=member.organisation, name="t")
    client = Client(headers={"Authorization": f"Bearer {issued.raw}", "Accept-Language": language})
    response = client.post("/api/v1/notifications/999999/read")
    assert response.status_code == 404
    assert response.json() == {"detail": NO_SUCH_NOTIFICATION[language]}
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_apis_own_refusals_are_translated(member, language):
    issued = api_token_create(user=member.user, organisation=member.organisation, name="t")
    client = Client(headers={"Accept-Language": language})
    unauthorised = client.get("/api/v1/people/")
    assert unauthorised.status_code == 401
    assert unauthorised.json()["detail"] != "Unauthorized"
    client = Client(headers={"Authorization": f"Bearer {issued.raw}", "Accept-Language": language})
    refused = client.post("/api/v1/people/", data="[1]", content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] != "The request body must be a JSON object."


def test_a_session_call_uses_the_saved_language_over_accept_language(member):
    user_language_set(user=member.user, language="es")
    response = member.client().post(
        "/api/v1/notifications/999999/read", headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": NO_SUCH_NOTIFICATION["es"]}


# --- Exports in the language chosen at export time ---------------------------------------------


@pytest.fixture
def writeup(org, directory):
    people = directory["people"]
    assist = make_assist(org, home=[people["ana"]], visiting=[people["chloe"]])
    return make_writeup(assist)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize(
    ("language", "labels", "day"),
    [
        ("fr", ["Compte rendu de Peer Assist", "Séance"], "14 juil. 2026"),
        ("es", ["Acta del Peer Assist", "Sesión"], "14 julio 2026"),
        ("en", ["Peer Assist write-up", "Session"], "14 Jul 2026"),
    ],
)
def test_the_cli_exports_a_pdf_in_the_language_asked_for(writeup, tmp_path, language, labels, day):
    target = tmp_path / "out.pdf"
    call_command(
        "export",
        str(writeup.assist_id),
        "--format",
        "pdf",
        "--language",
        language,
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    text = _pdf_text(target.read_bytes())
    for label in labels:
        assert label in text, (label, text[:400])
    assert day in text


def test_the_cli_refuses_a_language_it_does_not_speak(writeup):
    with pytest.raises(CommandError, match="invalid choice: 'de'"):
        call_command("export", str(writeup.assist_id), "--language", "de")


def test_a_member_who_reads_french_downloads_a_french_pdf(member, writeup):
    user_language_set(user=member.user, language="fr")
    response = member.client().get(f"/reports/assists/{writeup.assist_id}/writeup.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "Compte rendu de Peer Assist" in text and "14 juil. 2026" in text


# --- lang on notes written in a group's language --------------------------------------------


def test_the_room_tells_each_groups_language_for_its_notes(org, organiser):
    assist = PeerAssistFactory(organisation=org)
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.FACILITATOR)
    french = BreakoutGroup.objects.create(
        assist=assist, name="Groupe A", language=_language("fr", "French")
    )
    plain = BreakoutGroup.objects.create(assist=assist, name="Group B")
    actor = Actor(person_id=organiser.person.pk, name="Org", role="facilitator")
    state = room_state(assist_id=assist.pk, actor=actor, presence=[])
    languages = {group["id"]: group["language"] for group in state["groups"]}
    assert languages == {french.pk: "fr", plain.pk: None}
