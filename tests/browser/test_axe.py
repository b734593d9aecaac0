"""axe-core (WCAG 2.0-2.2 A/AA rules) on every page type, in German and in right-to-left Arabic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.browser

LANGUAGES = {"de": "ltr", "ar": "rtl"}


@dataclass(frozen=True)
class PageCase:
    name: str
    path: str
    role: str | None = None
    status: int = 200
    submit_empty: bool = False  # send the main form empty to show the validation errors
    with_feedback: bool = False  # needs an entry in the accessibility feedback list


PAGES = [
    PageCase("home", "/"),
    PageCase("sign-in", "/login"),
    PageCase("sign-in-errors", "/login", submit_empty=True),
    PageCase("sign-up", "/signup"),
    PageCase("sign-up-errors", "/signup", submit_empty=True),
    PageCase("sign-up-sent", "/signup/sent"),
    PageCase("forgot-password", "/password/forgot"),
    PageCase("account", "/account", role="resident"),
    PageCase("delete-account", "/account/delete", role="resident"),
    PageCase("change-password", "/account/password", role="resident"),
    PageCase("imprint", "/impressum"),
    PageCase("privacy", "/datenschutz"),
    PageCase("terms", "/nutzungsbedingungen"),
    PageCase("accessibility", "/barrierefreiheit"),
    PageCase("accessibility-errors", "/barrierefreiheit", submit_empty=True),
    PageCase("easy-language", "/leichte-sprache"),
    PageCase("not-found", "/gibt-es-nicht", status=404),
    PageCase("admin-users", "/admin/users", role="admin"),
    PageCase("admin-audit-log", "/admin/audit-log", role="admin"),
    PageCase("staff-feedback", "/staff/feedback", role="staff", with_feedback=True),
    PageCase("staff-overview", "/staff/", role="staff"),
    PageCase("admin-overview", "/staff/", role="admin"),
]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations(open_site, request, case: PageCase, lang: str):
    site = open_site(lang=lang, role=case.role)
    if case.with_feedback:
        request.getfixturevalue("feedback_sent")
    site.goto(case.path, status=case.status)
    if case.submit_empty:
        with site.page.expect_event("load"), site.page.expect_response(
                lambda r: r.request.method == "POST") as posted:
            site.page.click("main form button[type=submit]")
        assert posted.value.status == 422
        site.page.wait_for_selector("#error-summary")
        assert site.focused("#error-summary"), "focus should move to the error summary"
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()
