"""axe-core on every petition page (issue 10), German and Arabic: public, resident and staff.

The demo petitions (seeds/petitions) are found in the server's database by state, so the
cases name what a person opens ("the open petition"), not database ids. Forms are also
checked sent back with their errors, and signing is checked the whole way: the form, the
"check your inbox" page and the confirmation page the mailed link opens.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest

from tests.browser.test_axe import LANGUAGES

pytestmark = pytest.mark.browser

SUBMIT = "main form.stack button[type=submit]"
MAP_MARKER = ".leaflet-marker-pane .leaflet-marker-icon"


@dataclass(frozen=True)
class PetitionPage:
    name: str
    path: str  # "{open}", "{draft}" …: the id of the demo petition in that state; "{key}": a supporter link
    role: str | None = None
    submit_empty: bool = False  # send the main form empty: it comes back with its errors
    has_map: bool = False


PAGES = [
    PetitionPage("index", "/petitionen", has_map=True),
    PetitionPage("index-filtered", "/petitionen?state=answered&sort=signed"),
    PetitionPage("open", "/petitionen/{open}"),
    PetitionPage("open-resident", "/petitionen/{open}", role="resident"),
    PetitionPage("open-staff", "/petitionen/{open}", role="staff"),
    PetitionPage("awaiting-response", "/petitionen/{awaiting_response}"),
    PetitionPage("answered", "/petitionen/{answered}"),
    PetitionPage("closed", "/petitionen/{closed}"),
    PetitionPage("rejected", "/petitionen/{rejected}"),
    PetitionPage("sign", "/petitionen/{open}/unterschreiben"),
    PetitionPage("sign-errors", "/petitionen/{open}/unterschreiben", submit_empty=True),
    PetitionPage("support", "/petitionen/unterstuetzen/{key}"),
    PetitionPage("new", "/petitionen/neu", role="resident"),
    PetitionPage("new-errors", "/petitionen/neu", role="resident", submit_empty=True),
    PetitionPage("mine", "/petitionen/meine", role="resident"),
    PetitionPage("edit-draft", "/petitionen/{draft}/bearbeiten", role="resident"),
    PetitionPage("review-queue", "/petitionen/moderation", role="staff"),
    PetitionPage("review", "/petitionen/{in_review}/moderation", role="staff"),
    PetitionPage("manage", "/staff/petitionen", role="staff"),
    PetitionPage("respond", "/petitionen/{awaiting_response}/antwort", role="staff"),
    PetitionPage("respond-errors", "/petitionen/{awaiting_response}/antwort", role="staff",
                 submit_empty=True),
    PetitionPage("paper-lists", "/petitionen/{open}/papierlisten", role="staff"),
    PetitionPage("paper-lists-errors", "/petitionen/{open}/papierlisten", role="staff", submit_empty=True),
    PetitionPage("signatures", "/petitionen/{open}/unterschriften", role="staff"),
]


@pytest.fixture(scope="session")
def demo_petitions(server) -> dict[str, str]:
    """The first demo petition in each state, and the gathering one's supporter key."""
    with sqlite3.connect(server.outbox.parent / "browser.db") as connection:
        rows = connection.execute("SELECT state, min(id) FROM petition GROUP BY state").fetchall()
        key = connection.execute(
            "SELECT supporter_key FROM petition WHERE state = 'gathering' ORDER BY id LIMIT 1").fetchone()
    found = {state: str(petition_id) for state, petition_id in rows}
    assert key, "the demo data should have a petition gathering supporters"
    return {**found, "key": key[0]}


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations_on_petition_pages(open_site, demo_petitions, case: PetitionPage, lang: str):
    site = open_site(lang=lang, role=case.role)
    page = site.page
    site.goto(case.path.format(**demo_petitions))
    if case.has_map:
        page.locator(MAP_MARKER).first.wait_for()
    if case.submit_empty:
        with page.expect_event("load"), page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(SUBMIT)
        assert posted.value.status in (400, 422)
        page.wait_for_selector("#error-summary")
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_axe_violations_while_signing_and_confirming(open_site, server, demo_petitions, lang: str):
    site = open_site(lang=lang)
    page = site.page
    site.goto(f"/petitionen/{demo_petitions['open']}/unterschreiben")
    address = f"axe-{lang}@example.org"
    page.fill("#name", "Ute Berger")
    page.fill("#email", address)
    page.fill("#postcode", "04177")
    page.check("#privacy_consent")
    with page.expect_event("load"):
        page.click(SUBMIT)
    assert "/unterschrieben" in page.url
    site.check_axe()  # "check your inbox"
    site.goto(server.link_in_newest_mail(address).removeprefix(server.base_url))
    site.check_axe()  # the confirmation page with its button
    with page.expect_event("load"):
        page.click("main form button[type=submit]")
    assert page.locator("main [role=status]").count() == 1
    site.check_axe()  # confirmed
