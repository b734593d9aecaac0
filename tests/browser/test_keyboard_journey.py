"""A whole account life cycle with the keyboard only: no mouse, no element clicks or fills."""

from __future__ import annotations

import json
import zipfile

import pytest

pytestmark = pytest.mark.browser

NAME = "Tastatur Test"
EMAIL = "tastatur@example.org"
PASSWORD = "nur mit der Tastatur unterwegs"
MAIN_FORM_SUBMIT = "main form button[type=submit]"
SIGNUP_LINK = 'main a[href="/signup"]'


def test_keyboard_only_account_journey(open_site, server, translate):
    site = open_site(lang="de")
    page, keyboard = site.page, site.page.keyboard

    # Home: the first Tab reaches the skip link, which moves focus to the main content.
    site.goto("/")
    keyboard.press("Tab")
    assert site.focused("a.skip-link"), site.describe_focus()
    keyboard.press("Enter")
    assert site.focused("main#main"), site.describe_focus()
    # Tab from there stays in the main content (the header is skipped) and, past the open
    # consultations and other home page links, reaches the sign-up button.
    keyboard.press("Tab")
    assert site.focused("main *"), site.describe_focus()
    if not site.focused(SIGNUP_LINK):
        site.tab_to(SIGNUP_LINK, limit=30)
    site.press_and_load("Enter")
    assert page.url == server.url("/signup")

    # Sign up sent empty: focus lands on the error summary, whose links lead to the fields.
    site.tab_to(MAIN_FORM_SUBMIT)
    site.press_and_load("Enter")
    assert site.focused("#error-summary"), site.describe_focus()
    keyboard.press("Tab")
    assert site.focused('#error-summary a[href="#display_name"]'), site.describe_focus()
    keyboard.press("Enter")
    assert site.focused("#display_name"), site.describe_focus()

    # Then filled in: fields in reading order, the terms box ticked with Space.
    keyboard.type(NAME)
    keyboard.press("Tab")
    assert site.focused("#email"), site.describe_focus()
    keyboard.type(EMAIL)
    keyboard.press("Tab")
    assert site.focused("#password"), site.describe_focus()
    keyboard.type(PASSWORD)
    keyboard.press("Tab")
    assert site.focused("#accept_terms"), site.describe_focus()
    keyboard.press("Space")
    assert page.is_checked("#accept_terms")
    # Shift+Tab goes back to the password, Tab returns to the box: the order is symmetrical.
    keyboard.press("Shift+Tab")
    assert site.focused("#password"), site.describe_focus()
    keyboard.press("Tab")
    site.tab_to(MAIN_FORM_SUBMIT)
    site.press_and_load("Enter")
    # Not signed in yet: the same "check your inbox" page whether or not the address was taken.
    assert page.url == server.url("/signup/sent"), page.content()[:2000]
    assert page.locator("h1").inner_text() == translate("de", "Check your inbox")
    assert EMAIL in page.locator("main").inner_text()

    # The confirmation link from the mail (a person clicking it in their mail program) says
    # so, and offers the sign-in form with the address filled in.
    link = server.link_in_newest_mail(EMAIL)
    assert link.startswith(server.url("/confirm/")), link
    site.goto(link.removeprefix(server.base_url))
    assert page.locator("h1").inner_text() == translate("de", "Your email address is confirmed")
    assert page.input_value("#email") == EMAIL
    site.tab_to("#password")
    keyboard.type(PASSWORD)
    site.press_and_load("Enter")
    assert page.url == server.url("/")
    # app.js re-inserts the message into the live region a moment after load, so it is announced.
    page.locator(".status-region[role=status] .flash-success").wait_for(timeout=5000)
    assert page.locator(".flash-success").count() == 1
    site.tab_to('.main-nav a[href="/account"]')
    site.press_and_load("Enter")
    assert page.url == server.url("/account")
    assert page.locator(".badge-ok").count() == 1, "the address should now be confirmed"

    # Sign out, then sign in again.
    site.tab_to('form[action="/logout"] button')
    site.press_and_load("Enter")
    assert page.url == server.url("/")
    site.tab_to('nav a[href="/login"]')
    site.press_and_load("Enter")
    site.tab_to("#email")
    keyboard.type(EMAIL)
    keyboard.press("Tab")
    assert site.focused("#password"), site.describe_focus()
    keyboard.type(PASSWORD)
    site.press_and_load("Enter")  # Enter in a text field submits its form
    assert page.url == server.url("/")
    assert page.locator('form[action="/logout"]').count() == 1, "should be signed in again"

    # Arabic through the language switcher: the same page comes back right-to-left.
    site.tab_to('.language-switcher a[hreflang="ar"]')
    site.press_and_load("Enter")
    assert page.url == server.url("/")
    assert site.html_lang_dir() == ("ar", "rtl")

    # Account page, data export as a download.
    site.tab_to('.main-nav a[href="/account"]')
    site.press_and_load("Enter")
    assert page.url == server.url("/account")
    site.tab_to('main a[href="/account/export"]')
    with page.expect_download() as download_info:
        keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert {"README.txt", "data.html", "data.json"} <= set(archive.namelist())
        exported = json.loads(archive.read("data.json").decode("utf-8"))
    assert exported["account"]["email"] == EMAIL
    assert exported["account"]["display_name"] == NAME

    # Delete the account: password, confirmation box with Space, the danger button.
    site.tab_to('main a[href="/account/delete"]')
    site.press_and_load("Enter")
    assert page.url == server.url("/account/delete")
    site.tab_to("#password")
    keyboard.type(PASSWORD)
    keyboard.press("Tab")
    assert site.focused("#confirm"), site.describe_focus()
    keyboard.press("Space")
    assert page.is_checked("#confirm")
    site.tab_to(MAIN_FORM_SUBMIT)
    site.press_and_load("Enter")
    assert page.url == server.url("/account/deleted")
    assert page.locator("h1").inner_text() == translate("ar", "Your account has been deleted")
    assert page.locator("main li").count() >= 5, "the page lists what was erased"
    assert page.locator('nav a[href="/login"]').count() == 1, "should be signed out"

    # The old credentials no longer work; the error is announced and focused.
    site.tab_to('nav a[href="/login"]')
    site.press_and_load("Enter")
    site.tab_to("#email")
    keyboard.type(EMAIL)
    keyboard.press("Tab")
    keyboard.type(PASSWORD)
    site.press_and_load("Enter")
    assert page.url.startswith(server.url("/login"))
    assert site.html_lang_dir() == ("ar", "rtl")
    assert site.focused("#error-summary"), site.describe_focus()
    message = translate("ar", "The email address or the password is not correct.")
    assert page.locator("#password-error").inner_text().endswith(message)
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert message in page.locator("#error-summary").inner_text()
