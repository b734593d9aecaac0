"""Comment, answer, vote, follow and get notified, with the keyboard only.

A resident follows a demo project, comments on it and votes on someone else's comment
(all through htmx, focus staying on the button pressed), answers a comment through the
reply box (a plain form) and deletes that answer again (after a confirmation page), and a
member of staff answers the resident, who then finds the notification through the counter in
the header.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PROJECT = "/projekte/parkbogen-ost"
COMMENT = "Bitte an Fahrradbügel an jedem Zugang denken."
REPLY = "Da stimme ich zu, und bitte mit Dach."
ANSWER = "Danke, Fahrradbügel sind an allen Zugängen eingeplant."


def _announced(site) -> str:
    site.page.locator("#live-status p").first.wait_for(timeout=5000)
    return site.page.locator("#live-status").inner_text()


def _focus_settles_on(site, selector: str) -> bool:
    """htmx settles (and comments.js moves focus) a moment after the new content appears: wait
    for that, or the next key press races the focus move."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling"
    site.page.wait_for_function("(busy) => !document.querySelector(busy)", arg=busy)
    site.page.wait_for_function(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", arg=selector, timeout=5000
    )
    return True


def _unread(site) -> int:
    counter = site.page.locator("#notifications-link .counter")
    return int(counter.inner_text()) if counter.count() else 0


def _unread_once_notified(site, path: str, expected: int, seconds: float = 5) -> int:
    """Notifications are made by a background job a moment after the request: reload a few
    times, as a person would, until the counter shows them."""
    deadline = time.monotonic() + seconds
    site.goto(path)
    while _unread(site) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        site.goto(path)
    return _unread(site)


def test_keyboard_only_comment_journey(open_site, server, translate):
    resident = open_site(lang="de", role="resident")
    page, keyboard = resident.page, resident.page.keyboard
    resident.goto(PROJECT)
    project_id = page.locator("form[action^='/folgen/project/']").get_attribute("action").rsplit("/", 1)[1]
    follow_button = f"#follow-button-project-{project_id}"
    unread_before = _unread(resident)

    # Follow with htmx: the button stays focused and shows its new state, the news is read out.
    following = page.get_attribute(follow_button, "aria-pressed") == "true"
    if following:  # the demo resident follows this project already: stop, then follow again
        resident.tab_to(follow_button)
        keyboard.press("Enter")
        page.wait_for_selector(f'{follow_button}[aria-pressed="false"]')
    resident.tab_to(follow_button)
    keyboard.press("Enter")
    page.wait_for_selector(f'{follow_button}[aria-pressed="true"]')
    assert _focus_settles_on(resident, follow_button)
    assert "Parkbogen Ost" in _announced(resident)

    # Comment with a stance: textarea, the stance radios with the arrow keys, the button.
    resident.tab_to("#body")
    keyboard.type(COMMENT)
    resident.tab_to("#stance-0")  # Tab enters the radio group at the checked "no stance"
    keyboard.press("ArrowDown")  # and the arrow keys choose: "dafür"
    assert page.is_checked("#stance-1")
    resident.tab_to("#comment-submit")
    keyboard.press("Enter")
    page.locator(".comment-body", has_text=COMMENT).wait_for()
    assert _focus_settles_on(resident, "#comment-submit")
    assert page.input_value("#body") == ""
    own = page.locator("article.comment", has_text=COMMENT).first
    own_id = own.get_attribute("id").removeprefix("comment-")
    assert own.locator(".badge-stance-for").count() == 1
    resident.assert_clean()

    # Vote on someone else's comment: the vote buttons of one's own comment do not exist.
    assert page.locator(f"#vote-up-{own_id}").count() == 0
    other = page.locator("article.comment:has(button[id^='vote-up-'])").first
    other_id = other.get_attribute("id").removeprefix("comment-")
    resident.tab_to(f"#vote-up-{other_id}")
    keyboard.press("Enter")
    page.wait_for_selector(f'#vote-up-{other_id}[aria-pressed="true"]')
    assert _focus_settles_on(resident, f"#vote-up-{other_id}")

    # Answer that comment: the reply box opens with Enter, the form is a plain one.
    resident.tab_to(f"#comment-{other_id} summary")
    keyboard.press("Enter")
    resident.tab_to(f"#reply-body-{other_id}")
    keyboard.type(REPLY)
    resident.tab_to(f"#comment-{other_id} .reply-box button[type=submit]")
    resident.press_and_load("Enter")
    # back on the project's page, at the answer, which says it has been published: the flash at
    # the top of the page is out of sight there, and the live region reads it out.
    assert re.fullmatch(re.escape(resident.server.url(PROJECT)) + r"#comment-\d+", page.url), page.url
    reply_id = page.url.rsplit("#comment-", 1)[1]
    reply = page.locator(f"#comment-{reply_id}")
    assert reply.locator(".comment-body", has_text=REPLY).count() == 1
    published = translate("de", "Your answer has been published.")
    expect(reply.locator(".comment-news", has_text=published)).to_be_in_viewport()
    assert published in _announced(resident)

    # Deleting it asks first, on a page of its own (no JavaScript needed), then says it is done.
    resident.tab_to(f"#comment-{reply_id} a[href$='/loeschen']", limit=200)
    resident.press_and_load("Enter")
    assert page.url == resident.server.url(f"/kommentare/{reply_id}/loeschen")
    assert REPLY in page.locator("main blockquote").inner_text()
    resident.tab_to("#confirm-delete")
    resident.press_and_load("Enter")
    assert page.url == resident.server.url(f"{PROJECT}#comments")
    deleted = translate("de", "Your comment has been deleted.")
    expect(page.locator("#comments .comment-news", has_text=deleted)).to_be_in_viewport()
    assert page.locator(".comment-body", has_text=REPLY).count() == 0

    # Staff answer the resident's comment from its permalink, again by keyboard.
    staff = open_site(lang="de", role="staff")
    staff.goto(f"/kommentare/{own_id}")
    staff.tab_to(f"#comment-{own_id} summary")
    staff.page.keyboard.press("Enter")
    staff.tab_to(f"#reply-body-{own_id}")
    staff.page.keyboard.type(ANSWER)
    staff.tab_to(f"#comment-{own_id} .reply-box button[type=submit]")
    staff.press_and_load("Enter")
    assert staff.page.locator(".comment-official .comment-body", has_text=ANSWER).count() == 1

    # The resident sees the counter go up and reads the notification.
    assert _unread_once_notified(resident, PROJECT, unread_before + 1) == unread_before + 1
    resident.tab_to("#notifications-link")
    resident.press_and_load("Enter")
    assert page.url == server.url("/benachrichtigungen")
    newest = page.locator(".notification").first
    assert "Parkbogen Ost" in newest.inner_text() and ANSWER in newest.inner_text()
    resident.tab_to(".notification-unread a")
    resident.press_and_load("Enter")
    assert page.locator(".comment-body", has_text=ANSWER).count() == 1
    # and the mail went out too, with its one-click unsubscribe header
    mail = server.newest_mail("resident@example.org", containing=ANSWER)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ANSWER in mail.get_content()


def test_load_more_and_sorting_keep_focus_and_announce(open_site):
    site = open_site(lang="de", role="moderator")
    page, keyboard = site.page, site.page.keyboard
    site.goto("/projekte/neubau-schule-gorkistrasse")
    action = page.get_attribute("form.comment-form", "action")
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    for number in range(22):  # setup through plain form posts; the rest is keyboard only
        response = page.request.post(
            site.server.url(action), form={"csrf_token": token, "body": f"Beitrag Nummer {number}"}
        )
        assert response.ok
    site.goto("/projekte/neubau-schule-gorkistrasse")
    assert page.locator("#comment-list > li.comment-thread").count() == 20

    # "Load more": the next comments are added below, focus moves to the first of them.
    site.tab_to("#comments-more a", limit=400)
    keyboard.press("Enter")
    page.wait_for_selector('.comment-thread[data-page="2"]')
    assert _focus_settles_on(site, '.comment-thread[data-page="2"] > article')
    assert page.locator("#comment-list > li.comment-thread").count() > 20
    assert _announced(site).strip(), "the loaded comments should be announced"

    # Sorting swaps the section; focus stays on the chosen sort link, now the current one.
    site.tab_to("#comment-sort-oldest", backwards=True, limit=200)
    keyboard.press("Enter")
    page.wait_for_selector('#comment-sort-oldest[aria-current="true"]')
    assert _focus_settles_on(site, "#comment-sort-oldest")
    first = page.locator("#comment-list .comment-body").first.inner_text()
    assert "Beitrag Nummer" not in first  # the demo comments are older than the ones just written
    site.assert_clean()


# Every Content Security Policy violation on the page, as the browser reports it to the page.
COLLECT_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
}, true);
"""


def test_posting_a_comment_violates_no_content_security_policy(open_site, translate):
    site = open_site(lang="de", role="resident")
    page = site.page
    page.add_init_script(COLLECT_CSP_VIOLATIONS)
    site.goto(PROJECT)
    # A person who drags the corner of the text box gives it a size, which the browser keeps in
    # its style attribute (set here through the CSSOM, as the browser does; the CSP allows that).
    # htmx must not copy such attributes onto the new content: an inline style the CSP refuses.
    page.evaluate("document.getElementById('body').style.height = '14rem'")
    page.fill("#body", "Ein Kommentar, ganz ohne Inline-Stil.")
    page.click("#comment-submit")
    page.locator(".comment-body", has_text="Ein Kommentar, ganz ohne Inline-Stil.").wait_for()
    assert translate("de", "Your comment has been published.") in _announced(site)
    page.wait_for_timeout(300)  # htmx settles 20 ms after the swap
    assert page.evaluate("window.cspViolations") == []
    site.assert_clean()  # and none in the console either
