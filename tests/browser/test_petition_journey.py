"""A petition's whole life in German, with the keyboard only.

A resident drafts a petition and starts gathering supporters through the private link; three
visitors sign there and confirm by the mailed link, which sends it to moderation; staff
approve it with a quorum of its own; a fourth visitor signs on the public page and confirms,
and the page counts them all and says the quorum is reached. Its deadline is moved into the
past in the server's database and the scheduled job's command closes it; staff publish the
council's response, and the public page shows it as answered.

Nothing is clicked or filled: only keys are pressed, and the test reads what is on the page
(headings, status texts, counts) in the words of the German catalog (the English source
until the translators have done the petitions: `translate` returns what the server shows).
Axe checks every page on the way.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import _flask, _server_env

pytestmark = pytest.mark.browser

LANG = "de"
TITLE = "Mehr Bänke im Rosental"
REQUEST = "Der Stadtrat lässt entlang der Hauptwege im Rosental zwanzig Bänke aufstellen."
BACKGROUND = "Ältere Menschen und Familien finden auf dem langen Weg kaum einen Platz zum Ausruhen."
SUPPORTERS = [  # the site needs three supporters (petition_supporters_needed) before moderation
    ("Marta Klein", "marta.klein@example.net", "04105"),
    ("Paul Becker", "paul.becker@example.net", "04229"),
    ("Ida Wolf", "ida.wolf@example.net", "04277"),
]
SIGNER = ("Olaf Richter", "olaf.richter@example.net", "04315")
QUORUM = 4  # the three supporters count towards it: the public signer reaches it
RESPONSE = "Der Stadtrat hat beschlossen, im Frühjahr zwanzig Bänke im Rosental aufzustellen."
RESPONSE_URL = "https://ratsinformation.leipzig.de/allris_leipzig_public/vo020?VOLFDNR=2026001"


def _t(translate, message: str, **values) -> str:
    text = translate(LANG, message)
    return text % values if values else text


def _h1(site) -> str:
    return site.page.locator("main h1").inner_text().strip()


def _flashed(site, message: str) -> bool:
    """app.js moves the flash message into the live region a moment after load."""
    flash = site.page.locator("#live-status .flash-success")
    flash.wait_for(timeout=5000)
    return message in flash.inner_text()


def _type_into(site, selector: str, text: str) -> None:
    site.tab_to(selector)
    site.page.keyboard.type(text)


def _draft_and_gather(resident, translate) -> tuple[int, str]:
    """The resident writes the draft and starts gathering; returns its id and the private link."""
    page = resident.page
    resident.goto("/petitionen/neu")
    assert _h1(resident) == _t(translate, "Start a petition")
    resident.check_axe()
    _type_into(resident, "#title", TITLE)
    _type_into(resident, "#request", REQUEST)
    _type_into(resident, "#background", BACKGROUND)
    resident.tab_to("main form.stack button[type=submit]")
    resident.press_and_load("Enter")

    match = re.fullmatch(re.escape(resident.server.url("/petitionen/meine#petition-")) + r"(\d+)", page.url)
    assert match, f"{page.url}\n{page.locator('main').inner_text()[:1500]}"
    petition_id = int(match.group(1))
    assert _h1(resident) == _t(translate, "My petitions")
    assert _flashed(resident, _t(translate, "Your draft is saved. Only you can see it. When it is ready, "
                                           "start gathering supporters."))
    card = page.locator(f"#petition-{petition_id}")
    assert card.locator("h2").inner_text() == TITLE
    assert _t(translate, "Draft") in card.locator(".meta").inner_text()
    resident.check_axe()

    resident.tab_to(f'form[action="/petitionen/{petition_id}/unterstuetzer-sammeln"] button[type=submit]')
    resident.press_and_load("Enter")
    assert _flashed(resident, _t(translate, "Share the private link below with your first supporters."))
    card = page.locator(f"#petition-{petition_id}")
    assert _t(translate, "Gathering supporters") in card.locator(".meta").inner_text()
    signed = _t(translate, "%(count)s of %(needed)s supporters have signed.", count=0, needed=len(SUPPORTERS))
    assert signed in card.inner_text()
    # The link is in a read-only field with its label: Tab reaches it, to select and copy it.
    link_field = f"#supporter-link-{petition_id}"
    resident.tab_to(link_field)
    assert page.evaluate("() => document.activeElement.labels[0].textContent") == _t(
        translate, "Private link for supporters")
    link = page.input_value(link_field)
    assert link.startswith(resident.server.url("/petitionen/unterstuetzen/")), link
    resident.check_axe()
    return petition_id, urlsplit(link).path


def _fill_signature(site, translate, scope: str, signer: tuple[str, str, str], axe: bool = True) -> None:
    name, email, postcode = signer
    page = site.page
    _type_into(site, f"{scope} #name", name)
    _type_into(site, f"{scope} #email", email)
    _type_into(site, f"{scope} #postcode", postcode)
    site.tab_to(f"{scope} #privacy_consent")
    page.keyboard.press("Space")
    assert page.is_checked(f"{scope} #privacy_consent")
    site.tab_to(f"{scope} form.sign-form button[type=submit]")
    site.press_and_load("Enter")
    assert _h1(site) == _t(translate, "Check your inbox"), page.locator("main").inner_text()[:1500]
    if axe:
        site.check_axe()


def _confirm_by_mail(site, translate, email: str, axe: bool) -> None:
    """The mailed link opens a page with a button; pressing it confirms the signature."""
    link = site.server.link_in_newest_mail(email)
    site.goto(urlsplit(link).path)
    assert _h1(site) == _t(translate, "Confirm your signature")
    assert TITLE in site.page.locator("main .lead").inner_text()
    if axe:
        site.check_axe()
    site.tab_to('main form[action^="/petitionen/bestaetigen/"] button[type=submit]')
    site.press_and_load("Enter")
    assert _h1(site) == _t(translate, "Your signature is confirmed")
    assert _t(translate, "Thank you for signing “%(title)s”.", title=TITLE) in (
        site.page.locator("main [role=status]").inner_text())
    if axe:
        site.check_axe()


def _support(open_site, translate, supporter_path: str) -> None:
    for number, supporter in enumerate(SUPPORTERS):
        visitor = open_site(lang=LANG)
        visitor.goto(supporter_path)
        assert _h1(visitor) == _t(translate, "Support a new petition")
        assert visitor.page.locator("#petition-title").inner_text() == TITLE
        first = number == 0  # axe once per page is enough: the others are the same pages
        if first:
            visitor.check_axe()
        _fill_signature(visitor, translate, "main", supporter, axe=first)
        _confirm_by_mail(visitor, translate, supporter[1], axe=first)


def _approve(staff, translate, petition_id: int) -> None:
    page = staff.page
    staff.goto("/petitionen/moderation")
    assert _h1(staff) == _t(translate, "Petitions to moderate")
    staff.check_axe()
    staff.tab_to(f'main a[href="/petitionen/{petition_id}/moderation"]')
    assert page.evaluate("() => document.activeElement.textContent") == TITLE
    staff.press_and_load("Enter")
    assert _h1(staff) == _t(translate, "Moderate: %(title)s", title=TITLE)
    assert REQUEST in page.locator(".petition-request").inner_text()
    assert _t(translate, "In review") in page.locator("main .meta").inner_text()
    staff.check_axe()
    staff.tab_to("#quorum")
    assert page.evaluate("() => document.activeElement.labels.length") == 1, "the quorum needs its label"
    page.keyboard.type(str(QUORUM))
    staff.tab_to(f'form[action="/petitionen/{petition_id}/freigeben"] button[type=submit]')
    staff.press_and_load("Enter")
    assert page.url == staff.server.url("/petitionen/moderation"), page.url
    assert _flashed(staff, _t(translate, "The petition is open for signatures now."))
    assert page.locator(f'main a[href="/petitionen/{petition_id}/moderation"]').count() == 0


def _count(site) -> tuple[int, str]:
    count = site.page.locator(".petition-count")
    return int(count.locator(".petition-total-number").inner_text()), count.inner_text()


def _sign_in_public(open_site, translate, petition_id: int) -> None:
    visitor = open_site(lang=LANG)
    page = visitor.page
    visitor.goto(f"/petitionen/{petition_id}")
    assert _h1(visitor) == TITLE
    assert page.locator(".badge-petition-open").inner_text() == _t(translate, "Open for signatures")
    total, text = _count(visitor)
    assert total == len(SUPPORTERS)
    assert _t(translate, "The quorum is reached.") not in text
    assert page.locator("#petition-sign-heading").inner_text() == _t(translate, "Sign this petition")
    visitor.check_axe()
    _fill_signature(visitor, translate, "#unterschreiben", SIGNER)
    _confirm_by_mail(visitor, translate, SIGNER[1], axe=False)
    visitor.tab_to(f'main a[href="/petitionen/{petition_id}"]')
    visitor.press_and_load("Enter")
    total, text = _count(visitor)
    assert total == len(SUPPORTERS) + 1
    assert _t(translate, "Quorum for the council's response: %(count)s of %(quorum)s signatures from "
                         "Leipzig (%(percent)s %%)", count=QUORUM, quorum=QUORUM, percent=100) in text
    assert _t(translate, "The quorum is reached.") in text


def _close(server, petition_id: int) -> None:
    """The deadline passes: moved into the past in the server's database, then the scheduled
    job's command (which the server would run within the minute) closes what is due."""
    base = server.outbox.parent
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it in SQLite
    with sqlite3.connect(base / "browser.db") as db:
        moved = db.execute("UPDATE petition SET closes_at = ? WHERE id = ?", (now, petition_id)).rowcount
    assert moved == 1
    _flask("petitions", "close-due", env=_server_env(base, urlsplit(server.base_url).port))


def _respond(staff, translate, petition_id: int) -> None:
    page = staff.page
    staff.goto(f"/petitionen/{petition_id}/antwort")
    assert _h1(staff) == _t(translate, "The council's response: %(title)s", title=TITLE)
    assert _t(translate, "Awaiting the council's response") in page.locator("main .meta").inner_text()
    staff.check_axe()
    _type_into(staff, "#response", RESPONSE)
    _type_into(staff, "#response_url", RESPONSE_URL)
    staff.tab_to(f'main form[action="/petitionen/{petition_id}/antwort"] button[type=submit]')
    assert page.evaluate("() => document.activeElement.textContent") == _t(translate, "Publish the response")
    staff.press_and_load("Enter")
    assert page.url == staff.server.url("/staff/petitionen"), page.url
    assert _flashed(staff, _t(translate, "The council's response is published."))


def test_keyboard_only_petition_journey(open_site, server, translate):
    resident = open_site(lang=LANG, role="resident")
    petition_id, supporter_path = _draft_and_gather(resident, translate)

    _support(open_site, translate, supporter_path)
    # Three confirmed supporters: it went to the moderators, and its creator reads that.
    resident.goto("/petitionen/meine")
    card = resident.page.locator(f"#petition-{petition_id}")
    assert _t(translate, "In review") in card.locator(".meta").inner_text()
    assert _t(translate, "Next step: the moderators check your petition. You will hear from us.") in (
        card.inner_text())

    staff = open_site(lang=LANG, role="staff")
    _approve(staff, translate, petition_id)
    _sign_in_public(open_site, translate, petition_id)

    _close(server, petition_id)
    reader = open_site(lang=LANG)
    reader.goto(f"/petitionen/{petition_id}")
    assert reader.page.locator(".badge-petition-awaiting_response").inner_text() == _t(
        translate, "Awaiting the council's response")
    _respond(staff, translate, petition_id)

    # The public page: answered, with the response and the link to the council's decision.
    reader.goto(f"/petitionen/{petition_id}")
    page = reader.page
    assert _h1(reader) == TITLE
    assert page.locator(".badge-petition-answered").inner_text() == _t(translate, "Answered")
    response = page.locator("section.petition-response")
    assert response.locator("h2").inner_text() == _t(translate, "The council's response")
    assert RESPONSE in response.inner_text()
    link = response.get_by_role(
        "link", name=_t(translate, "The council's decision in the council information system"))
    assert link.get_attribute("href") == RESPONSE_URL
    total, _text = _count(reader)
    assert total == len(SUPPORTERS) + 1
    reader.check_axe()
    # and the creator's own list says so as well
    resident.goto("/petitionen/meine")
    assert _t(translate, "The city council has answered your petition.") in (
        resident.page.locator(f"#petition-{petition_id}").inner_text())
