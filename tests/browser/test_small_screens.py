"""At 360 px (a small phone) no page is wider than the screen: long German words wrap."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTH = 360
PAGES = {
    "home": "/",
    "privacy": "/datenschutz",
    "terms": "/nutzungsbedingungen",
    "imprint": "/impressum",
    "accessibility": "/barrierefreiheit",
    "easy-language": "/leichte-sprache",
    "consultations": "/beteiligung",
    "consultation": "/beteiligung/plagwitz-am-kanal",
    "plan-consultation": "/beteiligung/jugendzentrum-west",
    "projects": "/projekte",
    "project": "/projekte/radweg-karl-heine-strasse",
    "sign-in": "/login",
    "sign-up": "/signup",
}


@pytest.mark.parametrize("lang", ["de", "uk", "ar"])
@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_page_is_wider_than_a_small_phone(open_site, path, lang):
    site = open_site(lang=lang)
    site.page.set_viewport_size({"width": WIDTH, "height": 800})
    site.goto(path)
    width = site.page.evaluate("() => document.documentElement.scrollWidth")
    # for the message: the elements whose content sticks out of them
    wide = site.page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
            .slice(0, 5).map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))"""
    )
    assert width <= WIDTH, f"{path} is {width} px wide at {WIDTH} px: {wide}"
