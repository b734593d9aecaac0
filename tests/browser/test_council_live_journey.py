"""A council session run live (issue 11): staff run it from the console in one browser while a
resident watches the live page in another, and sees the start, the item taken up, a ticker
entry and a vote arrive without reloading, read out in the polite live region, the item
under discussion marked with aria-current. axe finds nothing on the live page and the
console, in German and Arabic, in the middle of the session.

The meeting is a fresh one of its own, written into the server's database through an app of
this process (as test_axe_council does), so its live state is exactly what happens here.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_axe_council import council_ids  # noqa: F401 - the fixture
from tests.browser.test_live_updates import MARK_PAGE, SAME_PAGE, _text

pytestmark = pytest.mark.browser

LIVE_WAIT_MS = 20_000  # SSE brings news at once; polling (the fallback) asks every 2 s here
TICKER_TEXT = "Frau Dr. Krause stellt den Antrag vor: <b>Radweg</b> statt Parkstreifen."


@pytest.fixture(scope="module")
def session_meeting(server, council_ids) -> dict[str, int]:  # noqa: F811 - the imported fixture
    """An upcoming Ratsversammlung with two public items and one non-public one."""
    from participation import create_app
    from participation.core.models import utcnow
    from participation.council.models import AgendaItem, Meeting, Organization
    from participation.extensions import db
    from participation.settings import Settings

    base = server.outbox.parent
    app = create_app(
        Settings(
            env="testing",
            secret_key=secrets.token_hex(16),
            database_url=f"sqlite:///{base / 'browser.db'}",
            mail_outbox_dir=str(base / "live-journey-mail"),
            jobs_mode="immediate",
            jobs_sqlite_path=str(base / "live-journey-jobs.db"),
            base_url=server.base_url,
        )
    )
    try:
        with app.app_context():
            start = utcnow() + timedelta(minutes=30)
            meeting = Meeting(
                body_id=int(council_ids["body"]),
                name="Ratsversammlung (Livesitzung)",
                start=start,
                end=start + timedelta(hours=4),
                organizations=[db.session.get(Organization, int(council_ids["council"]))],
            )
            db.session.add(meeting)
            db.session.flush()
            items = [
                AgendaItem(
                    meeting_id=meeting.id,
                    number="1",
                    order=1,
                    name="Eröffnung und Feststellung der Tagesordnung",
                    public=True,
                ),
                AgendaItem(
                    meeting_id=meeting.id,
                    number="2",
                    order=2,
                    name="Radfahrstreifen Karl-Heine-Straße",
                    public=True,
                ),
                AgendaItem(
                    meeting_id=meeting.id,
                    number="3",
                    order=3,
                    name="Vergabe Grundstück Lindenau",
                    public=False,
                ),
            ]
            db.session.add_all(items)
            db.session.commit()
            return {"meeting": meeting.id, "opening": items[0].id, "cycle_lane": items[1].id}
    finally:
        with app.app_context():
            db.engine.dispose()


def _status(site):
    return site.page.locator("#live-status")


def test_a_resident_watches_what_staff_do_in_the_console(open_site, session_meeting):
    meeting = session_meeting["meeting"]
    resident = open_site(lang="de")
    resident.goto(f"/rat/sitzungen/{meeting}/live")
    page = resident.page
    expect(page.locator(f"#live-state-{meeting}")).to_contain_text(
        _text("de", "The session has not started yet.")
    )
    assert "Vergabe Grundstück" not in page.content()  # the non-public item is never shown
    page.evaluate(MARK_PAGE)

    staff = open_site(lang="de", role="staff")
    staff.goto(f"/rat/sitzungen/{meeting}/live/steuerung")
    console = staff.page
    console.locator("#state-running").click()
    expect(console.locator("#console-state-now")).to_have_text(_text("de", "Live now"))

    expect(page.locator(f"#live-state-{meeting}")).to_contain_text(
        _text("de", "The session is running."), timeout=LIVE_WAIT_MS
    )
    expect(_status(resident)).to_contain_text(_text("de", "The session is running."), timeout=LIVE_WAIT_MS)

    console.locator(f"#item-{session_meeting['cycle_lane']}").click()
    expect(console.locator(f"#item-{session_meeting['cycle_lane']}")).to_have_attribute(
        "aria-pressed", "true"
    )
    current = page.locator(f"#live-item-{session_meeting['cycle_lane']}")
    expect(current).to_have_attribute("aria-current", "true", timeout=LIVE_WAIT_MS)
    expect(page.locator(f"#live-item-{session_meeting['opening']}")).not_to_have_attribute(
        "aria-current", "true"
    )
    expect(_status(resident)).to_contain_text("Radfahrstreifen Karl-Heine-Straße", timeout=LIVE_WAIT_MS)

    console.locator("#ticker-text").fill(TICKER_TEXT)
    console.locator("#ticker-submit").click()
    ticker = page.locator(".live-ticker li").first
    expect(ticker).to_contain_text(TICKER_TEXT, timeout=LIVE_WAIT_MS)  # as text: the tags show, nothing runs
    assert page.locator(".live-ticker b").count() == 0

    console.locator("#vote-yes").fill("41")
    console.locator("#vote-no").fill("22")
    console.locator("#vote-abstention").fill("3")
    console.locator("#vote-outcome-0").check()
    console.locator("#vote-submit").click()
    vote = page.locator(f"#live-vote-{session_meeting['cycle_lane']}")
    expect(vote).to_contain_text("41", timeout=LIVE_WAIT_MS)
    expect(vote).to_contain_text(_text("de", "Adopted"))

    assert page.evaluate(SAME_PAGE), "the live page was loaded again instead of updated"
    resident.check_axe()
    staff.check_axe()
    for lang in ("ar",):
        watcher = open_site(lang=lang)
        watcher.goto(f"/rat/sitzungen/{meeting}/live")
        assert watcher.html_lang_dir() == ("ar", "rtl")
        watcher.check_axe()
        runner = open_site(lang=lang, role="staff")
        runner.goto(f"/rat/sitzungen/{meeting}/live/steuerung")
        runner.check_axe()


def test_a_refused_vote_keeps_what_the_clerk_typed(open_site, session_meeting):
    staff = open_site(lang="de", role="staff")
    staff.goto(f"/rat/sitzungen/{session_meeting['meeting']}/live/steuerung")
    console = staff.page
    console.locator("#vote-yes").fill("5")
    console.locator("#vote-outcome-0").check()
    console.locator("#vote-submit").click()  # "no" and "abstentions" left empty
    expect(console.locator("#live-console .error-summary")).to_be_visible()
    expect(console.locator("#vote-yes")).to_have_value("5")
    staff.check_axe()
