"""axe-core on the pages of issue 4 (projects, comments, notifications), German and Arabic."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import LANGUAGES, PageCase

pytestmark = pytest.mark.browser

PAGES = [
    PageCase("projects", "/projekte"),
    PageCase("projects-filtered", "/projekte?status=under_construction&district=Nordost"),
    PageCase("project", "/projekte/umgestaltung-lindenauer-markt"),
    PageCase("project-signed-in", "/projekte/umgestaltung-lindenauer-markt", role="resident"),
    PageCase("project-closed", "/projekte/spielplatz-rabet", role="resident"),
    PageCase("comment-thread", "/kommentare/project/1?sort=helpful", role="resident"),
    PageCase("comment-permalink", "/kommentare/2", role="resident"),
    PageCase("comment-errors", "/kommentare/project/1", role="resident", submit_empty=True),
    PageCase("comment-errors-htmx", "/projekte/parkbogen-ost", role="resident", submit_empty=True),
    PageCase("notifications", "/benachrichtigungen", role="resident"),
    PageCase("unsubscribe-invalid", "/abmelden/ungueltig", status=404),
    PageCase("staff-projects", "/staff/projekte", role="staff"),
    PageCase("staff-project-edit", "/staff/projekte/parkbogen-ost", role="staff"),
    PageCase("staff-project-new-errors", "/staff/projekte/neu", role="staff", submit_empty=True),
]


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations_on_project_and_comment_pages(open_site, case: PageCase, lang: str):
    site = open_site(lang=lang, role=case.role)
    site.goto(case.path, status=case.status)
    if case.submit_empty:
        # the comment form goes through htmx (a 200 with the errors, no page load), others load
        with site.page.expect_response(lambda r: r.request.method == "POST") as posted:
            site.page.click("main form.stack button[type=submit], main form.comment-form button[type=submit]")
        assert posted.value.status in (200, 422)
        site.page.wait_for_selector("#error-summary")
        site.page.wait_for_load_state()
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    site.check_axe()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_tab_stop_on_a_project_page_shows_focus(open_site, lang):
    from tests.browser.test_focus import FOCUS_STYLE

    site = open_site(lang=lang, role="resident")
    site.goto("/projekte/umgestaltung-lindenauer-markt")
    seen = []
    for _ in range(150):
        site.page.keyboard.press("Tab")
        if site.focused("body"):
            break
        style = site.page.evaluate(FOCUS_STYLE)
        if seen and style == seen[0]:
            break
        seen.append(style)
        assert style["outline"] != "none" or style["shadow"] != "none", f"no visible focus on {style}"
    tags = {s["tag"] for s in seen}
    assert {"a", "button", "textarea", "input", "summary"} <= tags, tags
