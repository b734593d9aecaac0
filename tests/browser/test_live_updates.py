"""Live updates (issue 9): what others do appears on an open page without a reload.

A resident keeps a consultation's map and list open while another resident publishes an
idea and staff answer it: both show up in the list and on the map, are read out in the
polite live region, and focus stays where the resident left it. The header's notification
counter follows a new notification, and without EventSource polling brings the news.
The consultation is a fresh one on a plan (the journey test's helper), so its ideas are
exactly those made here.
"""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from participation.settings import PROJECT_ROOT
from tests.browser.conftest import TIMEOUT_MS, Site, _signed_in_state, need_browser
from tests.browser.test_axe_consultations import DUPLICATE_IDS, MAP_SETTLED
from tests.browser.test_consultation_journey import _answer, _create_plan_consultation

pytestmark = pytest.mark.browser

AUTHOR = "lena.hoffmann"  # a demo resident (seeds/consultations/residents.yaml)
# positions on the 1200 x 800 plan, far enough apart that the map never clusters them
NEAR_MIDDLE, UPPER_LEFT, LOWER_RIGHT = "600.0, 400.0", "250.0, 600.0", "950.0, 200.0"
MARKERS = "#map-region .leaflet-overlay-pane path.leaflet-interactive"
LIVE_WAIT_MS = 20_000  # polling asks every 2 s here (LIVE_POLL_SECONDS), 6 s at most when quiet
# a value that survives in the page only as long as the page is not loaded again
MARK_PAGE = "() => { window.__stillTheSamePage = true; }"
SAME_PAGE = "() => window.__stillTheSamePage === true"
MARK_FOCUS = "(s) => { const e = document.querySelector(s); e.focus(); window.__focusedBefore = e; }"
FOCUS_KEPT = "() => document.activeElement === window.__focusedBefore"
# where the focused element is on the screen: what a person sees jump, whatever scrollY says
# (the browser's scroll anchoring changes scrollY to keep it still when text appears above)
# scrolled so the entry's top is off the screen, its "Show on the map" button focused
READ_THE_END_OF = """(id) => {
    const entry = document.getElementById(id);
    window.scrollTo(0, entry.getBoundingClientRect().top + window.scrollY + 40);
    window.__focusedBefore = entry.querySelector('.show-on-map');
    window.__focusedBefore.focus({preventScroll: true});
}"""
HIGHLIGHT = "(e) => e.classList.contains('live-news') ? getComputedStyle(e).animationName : 'gone'"
FOCUS_ON_SCREEN = "() => Math.round(window.__focusedBefore.getBoundingClientRect().top)"


def _catalog(lang: str) -> Translations:
    return Translations.load(str(PROJECT_ROOT / "translations"), [lang])


def _text(lang: str, message: str, **values) -> str:
    return _catalog(lang).gettext(message) % values


@pytest.fixture(scope="module")
def plan_slug(browser, server, signed_in_states) -> str:
    state = _signed_in_state(need_browser(browser), server, signed_in_states, "staff")
    context = browser.new_context(locale="de-DE", storage_state=state)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        return _create_plan_consultation(Site(context.new_page(), server))
    finally:
        context.close()


def _publish_idea(author: Site, slug: str, title: str, position: str) -> int:
    """Through the real form, as the author would; returns the new idea's id."""
    page = author.page
    author.goto(f"/beteiligung/{slug}/ideen/neu")
    page.fill("#title", title)
    page.fill("#body", "Geschrieben, während jemand anderes die Karte offen hat.")
    page.fill("#positions", position)
    with page.expect_event("load"):
        page.click("main form.stack button[type=submit]")
    match = re.fullmatch(re.escape(author.server.url(f"/beteiligung/{slug}/ideen/")) + r"(\d+)", page.url)
    assert match, f"{page.url}\n{page.locator('main').inner_text()[:1000]}"
    return int(match.group(1))


def _open_consultation(site: Site, slug: str, *, expect_stream: bool = True) -> None:
    page = site.page
    with page.expect_response(lambda r: "/ideas.geojson?" in r.url):
        if expect_stream:
            with page.expect_request(lambda r: "/live/stream" in r.url):
                site.goto(f"/beteiligung/{slug}")
        else:
            site.goto(f"/beteiligung/{slug}")
    page.evaluate(MARK_PAGE)


def _announced(site: Site, text: str) -> None:
    expect(site.page.locator("#live-status")).to_contain_text(text, timeout=LIVE_WAIT_MS)


def test_new_and_answered_ideas_appear_on_the_open_map_and_list(open_site, plan_slug):
    watcher = open_site(lang="de", role="resident")
    page = watcher.page
    _open_consultation(watcher, plan_slug)
    markers_before = page.locator(MARKERS).count()
    entries_before = page.locator("ol.idea-list > li.idea-card").count()
    # The resident was about to change the filters: focus and scroll stay there.
    page.evaluate(MARK_FOCUS, "#idea-filters button[type=submit]")
    on_screen_before = page.evaluate(FOCUS_ON_SCREEN)

    title = "Sitzkissen für die Leseecke"
    idea_id = _publish_idea(open_site(lang="de", role=AUTHOR), plan_slug, title, NEAR_MIDDLE)

    entry = page.locator(f"ol.idea-list > #idea-{idea_id}")
    expect(entry).to_contain_text(title, timeout=LIVE_WAIT_MS)
    assert entry.evaluate(HIGHLIGHT) == "live-news", "a new entry is highlighted for a moment"
    assert page.locator("ol.idea-list > li.idea-card").first.get_attribute("id") == f"idea-{idea_id}"
    assert page.locator("ol.idea-list > li.idea-card").count() == entries_before + 1
    expect(page.locator("#ideas-count")).to_have_text(f"({entries_before + 1})")
    _announced(watcher, _text("de", "New idea: %(title)s", title=title))
    expect(page.locator(MARKERS)).to_have_count(markers_before + 1, timeout=LIVE_WAIT_MS)
    expect(entry.locator(".show-on-map")).to_be_visible()  # the map script took the new entry in
    received = entry.locator(".badge").inner_text()

    staff = open_site(lang="de", role="staff")
    _answer(staff, plan_slug, idea_id)  # accepted, with an answer text

    expect(entry.locator(".badge-status-accepted")).to_have_count(1, timeout=LIVE_WAIT_MS)
    accepted = entry.locator(".badge").inner_text()
    assert accepted != received
    _announced(watcher, _text("de", "Status changed: %(title)s", title=title))

    assert page.evaluate(SAME_PAGE), "the page was loaded again"
    assert page.evaluate(FOCUS_KEPT), f"focus moved to {watcher.describe_focus()}"
    assert page.evaluate(FOCUS_ON_SCREEN) == on_screen_before, "what the resident looked at moved"
    assert page.evaluate(DUPLICATE_IDS) == []
    page.wait_for_function(MAP_SETTLED)
    watcher.check_axe()  # with the new entry, the announcements and the live counter in place

    # On the map, the idea's popup tells the new status as well.
    page.locator(MARKERS).last.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(accepted)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(title)


def test_the_notification_counter_follows_a_new_notification(open_site, plan_slug):
    """The author of an idea hears in the app when the city answers it, on any page."""
    resident = open_site(lang="de", role="resident")
    page = resident.page
    idea_id = _publish_idea(resident, plan_slug, "Ein Regal für Brettspiele", UPPER_LEFT)
    link = page.locator("#notifications-link")
    unread = int(link.get_attribute("data-unread"))
    page.evaluate(MARK_PAGE)

    _answer(open_site(lang="de", role="staff"), plan_slug, idea_id)

    expect(link.locator(".counter")).to_have_text(str(unread + 1), timeout=LIVE_WAIT_MS)
    expect(link.locator(".counter")).to_be_visible()
    unread_text = _catalog("de").ngettext("(%(num)s unread)", "(%(num)s unread)", unread + 1)
    name = f"{_text('de', 'Notifications')} {unread_text % {'num': unread + 1}}"
    expect(link).to_have_accessible_name(name)
    news = _catalog("de").ngettext("You have %(num)s unread notification.",
                                   "You have %(num)s unread notifications.", unread + 1)
    _announced(resident, news % {"num": unread + 1})
    assert page.evaluate(SAME_PAGE), "the page was loaded again"


def test_without_event_source_polling_brings_the_news(open_site, plan_slug):
    """Also: a new entry at the top of the list, above what the resident reads, moves nothing."""
    earlier = _publish_idea(open_site(lang="de", role=AUTHOR), plan_slug, "Fußstützen", UPPER_LEFT)
    watcher = open_site(lang="de", role="resident")
    page = watcher.page
    page.set_viewport_size({"width": 1000, "height": 320})
    page.add_init_script("delete window.EventSource")
    page.emulate_media(reduced_motion="reduce")
    streams, polls = [], []
    page.on("request", lambda r: (streams if "/live/stream" in r.url else polls if "/live/poll" in r.url
                                  else []).append(r.url))
    _open_consultation(watcher, plan_slug, expect_stream=False)
    page.evaluate(READ_THE_END_OF, f"idea-{earlier}")
    assert page.evaluate(f"() => document.getElementById('idea-{earlier}').getBoundingClientRect().top") < 0
    on_screen_before = page.evaluate(FOCUS_ON_SCREEN)

    title = "Leselampen an den Sesseln"
    idea_id = _publish_idea(open_site(lang="de", role=AUTHOR), plan_slug, title, LOWER_RIGHT)

    entry = page.locator(f"ol.idea-list > #idea-{idea_id}")
    expect(entry).to_contain_text(title, timeout=LIVE_WAIT_MS)
    assert entry.evaluate(HIGHLIGHT) == "none", "no animation for those who asked for less motion"
    _announced(watcher, _text("de", "New idea: %(title)s", title=title))
    assert page.evaluate(SAME_PAGE), "the page was loaded again"
    assert page.evaluate(FOCUS_KEPT), f"focus moved to {watcher.describe_focus()}"
    assert page.evaluate(FOCUS_ON_SCREEN) == on_screen_before, "what the resident read moved"
    assert not streams, f"no EventSource, yet: {streams}"
    assert polls, "the news came by polling"
