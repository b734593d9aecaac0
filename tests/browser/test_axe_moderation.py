"""axe-core on the moderation pages (issue 12), German and Arabic: the report form (also sent
back with its errors), the queue with its dashboard, a case, a statement of reasons, an
appeal, the public transparency report and the staff's settings (also sent back with its
errors). The demo cases (seeds/moderation) are found in the server's database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest

from tests.browser.test_axe import LANGUAGES

pytestmark = pytest.mark.browser

SUBMIT = "main form.stack button[type=submit]"


@dataclass(frozen=True)
class ModerationPage:
    name: str
    path: str  # "{comment}": a visible comment; "{case}": an open case; "{decision}", "{appeal}"
    role: str | None = None
    submit_empty: bool = False


PAGES = [
    ModerationPage("report", "/melden/comment/{comment}"),
    ModerationPage("report-errors", "/melden/comment/{comment}", submit_empty=True),
    ModerationPage("report-resident", "/melden/comment/{comment}", role="resident"),
    ModerationPage("queue", "/moderation/", role="moderator"),
    ModerationPage("queue-filtered", "/moderation/?reason=spam&sort=most_reported", role="moderator"),
    ModerationPage("case", "/moderation/faelle/{case}", role="staff"),
    ModerationPage("case-errors", "/moderation/faelle/{case}", role="staff", submit_empty=True),
    ModerationPage("decision", "/moderation/entscheidungen/{decision}", role="moderator"),
    ModerationPage("appeal", "/moderation/beschwerden/{appeal}", role="staff"),
    ModerationPage("transparency", "/transparenz"),
    ModerationPage("settings", "/moderation/einstellungen", role="staff"),
    ModerationPage("settings-errors", "/moderation/einstellungen", role="staff", submit_empty=True),
]


@pytest.fixture(scope="session")
def demo_moderation(server) -> dict[str, str]:
    with sqlite3.connect(server.outbox.parent / "browser.db") as connection:
        found = {
            "comment": "SELECT min(id) FROM comment WHERE visibility = 'visible'",
            "case": "SELECT max(id) FROM moderation_case WHERE state = 'open'",
            "decision": "SELECT min(id) FROM moderation_decision",
            "appeal": "SELECT min(id) FROM moderation_appeal",
        }
        ids = {name: connection.execute(query).fetchone()[0] for name, query in found.items()}
    assert all(ids.values()), f"the demo data should have every kind of moderation page: {ids}"
    return {name: str(value) for name, value in ids.items()}


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations_on_moderation_pages(open_site, demo_moderation, case: ModerationPage, lang: str):
    site = open_site(lang=lang, role=case.role)
    page = site.page
    site.goto(case.path.format(**demo_moderation))
    if case.submit_empty:
        with page.expect_event("load"), page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(SUBMIT)
        assert posted.value.status in (400, 422)
        page.wait_for_selector("#error-summary")
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()
