"""axe-core on the consultation pages (issue 3), German and Arabic, maps included.

Map pages are checked once the ideas from the GeoJSON API are on the map, so the markers
and cluster buttons are part of what axe sees. Idea pages are found through the API
rather than by database id.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

import pytest

from tests.browser.test_axe import LANGUAGES

pytestmark = pytest.mark.browser

MAP = "plagwitz-am-kanal"  # the geographic demo consultation
PLAN = "jugendzentrum-west"  # the plan-only one
FORM_SUBMIT = "main form.stack button[type=submit]"
MAP_SETTLED = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"
# axe no longer checks ids are unique, but a repeated id breaks labels: <label for> and
# aria-describedby point at the first element with the id (an answer form's "status" field
# once shared its id with the layout's live region, and lost its label).
DUPLICATE_IDS = """() => {
    const count = {};
    // every form's hidden csrf_token input shares one id: harmless, nothing can point at it
    document.querySelectorAll('[id]:not(input[type=hidden])')
        .forEach(e => { count[e.id] = (count[e.id] || 0) + 1; });
    return Object.keys(count).filter(id => count[id] > 1);
}"""
IDEA_ON_MAP = ".leaflet-marker-pane .leaflet-marker-icon, .leaflet-overlay-pane path.leaflet-interactive"


@dataclass(frozen=True)
class ConsultationPage:
    name: str
    path: str  # "{idea}" is replaced by the id of an answered idea of `idea_of`, "{layer}" by
    # the first layer of `layer_of`, as the staff page of that consultation links to it
    role: str | None = None
    status: int = 200
    submit_empty: bool = False  # send the main form empty: 422 with the validation errors
    ideas_on_map: bool = False  # wait until the map shows the ideas from the API
    idea_of: str | None = None
    layer_of: str | None = None


PAGES = [
    ConsultationPage("index", "/beteiligung"),
    ConsultationPage("map", f"/beteiligung/{MAP}", ideas_on_map=True),
    ConsultationPage("map-signed-in", f"/beteiligung/{MAP}", role="resident", ideas_on_map=True),
    ConsultationPage("plan", f"/beteiligung/{PLAN}", ideas_on_map=True),
    ConsultationPage("list-filtered", f"/beteiligung/{MAP}?status=accepted&status=in_review",
                     ideas_on_map=True),
    ConsultationPage("list-page-2", f"/beteiligung/{MAP}?page=2"),
    ConsultationPage("idea", f"/beteiligung/{MAP}/ideen/{{idea}}", idea_of=MAP),
    ConsultationPage("idea-resident", f"/beteiligung/{MAP}/ideen/{{idea}}", role="resident", idea_of=MAP),
    ConsultationPage("idea-staff-answer-form", f"/beteiligung/{MAP}/ideen/{{idea}}", role="staff",
                     idea_of=MAP),
    ConsultationPage("idea-on-plan", f"/beteiligung/{PLAN}/ideen/{{idea}}", idea_of=PLAN),
    ConsultationPage("new-idea", f"/beteiligung/{MAP}/ideen/neu", role="resident"),
    ConsultationPage("new-idea-errors", f"/beteiligung/{MAP}/ideen/neu", role="resident", submit_empty=True),
    ConsultationPage("new-idea-on-plan", f"/beteiligung/{PLAN}/ideen/neu", role="resident"),
    ConsultationPage("new-idea-on-plan-errors", f"/beteiligung/{PLAN}/ideen/neu", role="resident",
                     submit_empty=True),
    ConsultationPage("staff-list", "/staff/beteiligung", role="staff"),
    ConsultationPage("staff-new", "/staff/beteiligung/neu", role="staff"),
    ConsultationPage("staff-new-errors", "/staff/beteiligung/neu", role="staff", submit_empty=True),
    ConsultationPage("staff-edit-map", f"/staff/beteiligung/{MAP}", role="staff"),
    ConsultationPage("staff-edit-plan", f"/staff/beteiligung/{PLAN}", role="staff"),
    ConsultationPage("staff-add-layer", f"/staff/beteiligung/{MAP}/ebenen", role="staff"),
    ConsultationPage("staff-add-layer-errors", f"/staff/beteiligung/{MAP}/ebenen", role="staff",
                     submit_empty=True),
    ConsultationPage("staff-edit-layer", f"/staff/beteiligung/{MAP}/ebenen/{{layer}}", role="staff",
                     layer_of=MAP),
]


@pytest.fixture(scope="session")
def answered_ideas(server) -> dict[str, int]:
    """Per demo consultation, the id of an idea the city has accepted (it shows an answer)."""
    found = {}
    for slug in (MAP, PLAN):
        url = server.url(f"/api/v1/consultations/{slug}/ideas.geojson")
        with urllib.request.urlopen(url, timeout=10) as response:
            features = json.load(response)["features"]
        accepted = [f["id"] for f in features if f["properties"].get("status") == "accepted"]
        assert accepted, f"the demo consultation {slug} should have an accepted idea"
        found[slug] = accepted[0]
    return found


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_no_axe_violations_on_consultation_pages(open_site, request, case: ConsultationPage, lang: str):
    path = case.path
    if case.idea_of:
        path = path.format(idea=request.getfixturevalue("answered_ideas")[case.idea_of])
    site = open_site(lang=lang, role=case.role)
    page = site.page
    if case.layer_of:
        site.goto(f"/staff/beteiligung/{case.layer_of}")
        layers = f"/staff/beteiligung/{case.layer_of}/ebenen/"
        edit_link = page.locator(f"a[href^='{layers}']:not([href$='/loeschen'])").first
        path = path.format(layer=edit_link.get_attribute("href").removeprefix(layers))
    if case.ideas_on_map:
        with page.expect_response(lambda r: "/api/v1/consultations/" in r.url) as answered:
            site.goto(path, status=case.status)
        assert answered.value.status == 200
        page.locator(IDEA_ON_MAP).first.wait_for()
        # While Leaflet and markercluster animate, markers overlap for a moment (axe then
        # reports target-size); check the map as a person sees it, once it has settled.
        page.wait_for_load_state("networkidle")
        page.wait_for_function(MAP_SETTLED)
    else:
        site.goto(path, status=case.status)
    if case.submit_empty:
        with page.expect_event("load"), page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click(FORM_SUBMIT)
        assert posted.value.status == 422
        page.wait_for_selector("#error-summary")
        assert site.focused("#error-summary"), "focus should move to the error summary"
    assert site.html_lang_dir() == (lang, LANGUAGES[lang])
    assert page.evaluate(DUPLICATE_IDS) == [], "ids must be unique"
    site.check_axe()
