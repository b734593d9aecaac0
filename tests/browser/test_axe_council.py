"""axe-core on every council page type, German and Arabic: the meetings (upcoming, past, by
committee), the month calendar, a meeting, a paper, a person, the organisations, and the
page of a deleted paper (410).

The demo data may hold no council yet: the small council of the unit tests
(tests/council/conftest.make_council) is written into the server's database once, through an
app of this process on the same SQLite file, and the cases name its objects, not ids.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

import pytest

from tests.browser.test_axe import LANGUAGES

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class CouncilPage:
    name: str
    path: str  # "{paper}", "{committee}" …: a field of tests.council.conftest.Council
    status: int = 200


PAGES = [
    CouncilPage("meetings-upcoming", "/rat/sitzungen"),
    CouncilPage("meetings-past", "/rat/sitzungen?zeitraum=vergangen"),
    CouncilPage("meetings-of-a-committee", "/rat/sitzungen?gremium={committee}"),
    CouncilPage("calendar", "/rat/sitzungen/kalender?monat=2026-11"),
    CouncilPage("calendar-this-month", "/rat/sitzungen/kalender"),
    CouncilPage("meeting-held", "/rat/sitzungen/{past_meeting}"),
    CouncilPage("meeting-upcoming", "/rat/sitzungen/{next_meeting}"),
    CouncilPage("paper", "/rat/vorlagen/{paper}"),
    CouncilPage("amendment", "/rat/vorlagen/{amendment}"),
    CouncilPage("paper-deleted", "/rat/vorlagen/{deleted_paper}", status=410),
    CouncilPage("person", "/rat/personen/{person}"),
    CouncilPage("person-with-past-memberships", "/rat/personen/{second_person}"),
    CouncilPage("organizations", "/rat/gremien"),
    CouncilPage("organization-council", "/rat/gremien/{council}"),
    CouncilPage("organization-committee", "/rat/gremien/{committee}"),
    CouncilPage("organization-group", "/rat/gremien/{group}"),
]


@pytest.fixture(scope="session")
def council_ids(server) -> dict[str, str]:
    """The small council, written into the server's database; its ids by name."""
    from participation import create_app
    from participation.extensions import db
    from participation.settings import Settings
    from tests.council.conftest import make_council

    base = server.outbox.parent
    app = create_app(
        Settings(
            env="testing",
            secret_key=secrets.token_hex(16),
            database_url=f"sqlite:///{base / 'browser.db'}",
            mail_outbox_dir=str(base / "council-mail"),
            jobs_mode="immediate",
            jobs_sqlite_path=str(base / "council-jobs.db"),
            base_url=server.base_url,
        )
    )
    try:
        council = make_council(app)
    finally:
        with app.app_context():
            db.engine.dispose()
    return {name: str(value) for name, value in dataclasses.asdict(council).items()}


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations_on_council_pages(open_site, council_ids, case: CouncilPage, lang: str):
    site = open_site(lang=lang)
    site.goto(case.path.format(**council_ids), status=case.status)
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_calendar_is_a_table_one_can_move_through(open_site, council_ids, lang: str):
    """The calendar is a table with headers and a caption (nothing drawn by a script), and the
    next month is a plain link away."""
    site = open_site(lang=lang)
    page = site.page
    site.goto("/rat/sitzungen/kalender?monat=2026-11")
    table = page.locator("main table.calendar")
    assert table.locator("caption").count() == 1
    assert table.locator("thead th[scope=col]").count() == 7
    assert table.locator(f"a[href='/rat/sitzungen/{council_ids['past_meeting']}']").count() == 1
    with page.expect_event("load"):
        page.click("main a[rel=next]")
    assert page.url.endswith("monat=2026-12")
    site.check_axe()


STAFF_PAGES = [
    CouncilPage("staff-overview", "/rat/verwaltung/"),
    CouncilPage("staff-meetings", "/rat/verwaltung/sitzungen"),
    CouncilPage("staff-persons", "/rat/verwaltung/personen"),
    CouncilPage("staff-new-meeting", "/rat/verwaltung/sitzungen/neu"),
    CouncilPage("staff-edit-meeting", "/rat/verwaltung/sitzungen/{past_meeting}"),
    CouncilPage("staff-edit-item", "/rat/verwaltung/tagesordnungspunkte/{public_item}"),
    CouncilPage("staff-edit-paper", "/rat/verwaltung/vorlagen/{paper}"),
    CouncilPage("staff-add-document", "/rat/verwaltung/vorlagen/{paper}/dokumente/neu"),
    CouncilPage("staff-edit-person", "/rat/verwaltung/personen/{person}"),
    CouncilPage("staff-edit-organization", "/rat/verwaltung/gremien/{committee}"),
    CouncilPage("staff-edit-membership", "/rat/verwaltung/mitgliedschaften/{membership}"),
    CouncilPage("staff-delete-paper", "/rat/verwaltung/vorlagen/{amendment}/loeschen"),
    CouncilPage("staff-import", "/rat/verwaltung/import"),
]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", STAFF_PAGES, ids=[case.name for case in STAFF_PAGES])
def test_no_axe_violations_on_the_council_staff_pages(open_site, council_ids, case: CouncilPage, lang: str):
    site = open_site(lang=lang, role="staff")
    site.goto(case.path.format(**council_ids), status=case.status)
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_refused_staff_form_is_accessible_too(open_site, council_ids, lang: str):
    """The meeting form sent with an end before its start: the error summary and the field's
    message pass axe as well, and what was typed is still there."""
    site = open_site(lang=lang, role="staff")
    site.goto("/rat/verwaltung/sitzungen/neu")
    page = site.page
    page.locator("input[name=name]").fill("Ältestenrat")
    page.locator("input[name=start]").fill("2027-01-14T17:00")
    page.locator("input[name=end]").fill("2027-01-14T15:00")
    with page.expect_event("load"):
        page.locator("main form button[type=submit]").last.click()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("input[name=name]").input_value() == "Ältestenrat"
    site.check_axe()
