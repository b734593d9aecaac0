"""A plan-only consultation from creation to the city's answer, with the keyboard first.

Staff create a consultation on a floor plan (the plan image goes in through the file input,
which stands for the operating system's file dialog), add a category and open it. A
resident places an idea on the plan with the map's keyboard crosshair, finds it on the map
(loaded from the GeoJSON API) and in the list, staff answer it with a status and a text,
and the resident reads the answer on the idea page. Apart from the file, nothing is
clicked or filled: only keys are pressed, and the test only reads what is on the page.
"""

from __future__ import annotations

import re

import pytest

from participation.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

PLAN_IMAGE = PROJECT_ROOT / "seeds" / "consultations" / "jugendzentrum-grundriss.png"
TITLE = "Stadtteilbibliothek Lindenau – Ihre Wünsche für den Umbau"
SUMMARY = "Zeigen Sie uns auf dem Grundriss, was in der neuen Bibliothek nicht fehlen darf."
LAYER = "Grundriss Erdgeschoss (Entwurf)"
LAYER_DESCRIPTION = "Grundriss: Café, Werkstatt und Bandraum oben, Sporthalle und Garten unten."
CATEGORY = "Lesen und Lernen"
IDEA_TITLE = "Ruhige Leseecke am Fenster"
IDEA_BODY = "Ein paar bequeme Sessel am Fenster, weit weg vom Eingang, zum ungestörten Lesen."
ANSWER = "Die Leseecke ist im Entwurf vorgesehen: vier Sessel am Südfenster."
ANSWER_STATUS = "accepted"  # a status both the old and the new set of statuses has
SUBMIT = "main form.stack button[type=submit]"


def _choose_option(site, select: str, value: str, limit: int = 12) -> None:
    """Move through a focused <select> with the arrow key until `value` is chosen."""
    assert site.focused(select), site.describe_focus()
    for _ in range(limit):
        if site.page.input_value(select) == value:
            return
        site.page.keyboard.press("ArrowDown")
    assert site.page.input_value(select) == value, f"{select} never offered {value}"


def _flashed_success(site) -> bool:
    """app.js moves the flash message into the live region a moment after load."""
    site.page.locator("#live-status .flash-success").wait_for(timeout=5000)
    return site.page.locator(".flash-success").count() == 1


def _announced(site) -> str:
    site.page.locator("#live-status p").first.wait_for(timeout=5000)
    return site.page.locator("#live-status").inner_text()


def _create_plan_consultation(staff) -> str:
    """Staff create the draft, upload the plan, add a category and open it; returns the slug."""
    page, keyboard = staff.page, staff.page.keyboard
    staff.goto("/staff/beteiligung")
    staff.tab_to('main a[href="/staff/beteiligung/neu"]')
    staff.press_and_load("Enter")
    staff.tab_to("#title")
    keyboard.type(TITLE)
    staff.tab_to("#summary")
    keyboard.type(SUMMARY)
    staff.tab_to('input[name="map_mode"]')  # Tab enters the radio group at the checked one
    assert staff.focused("#map_mode-0"), staff.describe_focus()
    keyboard.press("ArrowDown")  # and the arrow keys choose: the plan
    assert page.is_checked("#map_mode-1")
    staff.tab_to(SUBMIT)
    staff.press_and_load("Enter")
    match = re.fullmatch(re.escape(staff.server.url("/staff/beteiligung/")) + r"([a-z0-9-]+)", page.url)
    assert match, page.url
    slug = match.group(1)
    assert _flashed_success(staff)

    # The plan image: the one step that goes through the (operating system's) file dialog.
    staff.tab_to(f'main a[href="/staff/beteiligung/{slug}/ebenen"]')
    staff.press_and_load("Enter")
    staff.tab_to("#name")
    keyboard.type(LAYER)
    page.set_input_files("#image", PLAN_IMAGE)
    staff.tab_to("#description")  # the image's text alternative
    keyboard.type(LAYER_DESCRIPTION)
    staff.tab_to(SUBMIT)
    staff.press_and_load("Enter")
    assert page.url == staff.server.url(f"/staff/beteiligung/{slug}"), page.url
    assert LAYER in page.locator("#layers-heading + ul").inner_text()

    # A category, then open the consultation for ideas.
    staff.tab_to(f'form[action$="/{slug}/kategorien"] #name')
    keyboard.type(CATEGORY)
    staff.tab_to(f'form[action$="/{slug}/kategorien"] button[type=submit]')
    staff.press_and_load("Enter")
    assert CATEGORY in page.locator("#categories-heading + ul").inner_text()
    staff.tab_to('form[action$="/status"]:has(input[name="target"][value="open"]) button')
    staff.press_and_load("Enter")
    assert _flashed_success(staff)
    assert page.locator('form[action$="/status"] input[name="target"][value="open"]').count() == 0
    return slug


def _place_idea(resident, slug: str) -> int:
    """The resident writes an idea and places it with the crosshair; returns its id."""
    page, keyboard = resident.page, resident.page.keyboard
    resident.goto(f"/beteiligung/{slug}")
    resident.tab_to(f'main a[href="/beteiligung/{slug}/ideen/neu"]')
    resident.press_and_load("Enter")
    resident.tab_to("#title")
    keyboard.type(IDEA_TITLE)
    keyboard.press("Tab")
    assert resident.focused("#body"), resident.describe_focus()
    keyboard.type(IDEA_BODY)
    keyboard.press("Tab")
    assert resident.focused("#category"), resident.describe_focus()
    category_value = page.locator("#category option", has_text=CATEGORY).get_attribute("value")
    _choose_option(resident, "#category", category_value)

    # The map: Tab reaches it, the arrow keys move the plan under the crosshair, Enter places.
    map_container = "#map-region .leaflet-container"
    resident.tab_to(map_container)
    assert page.input_value("#positions") == ""
    keyboard.press("ArrowUp")
    keyboard.press("ArrowLeft")
    page.wait_for_timeout(400)  # Leaflet pans with an animation; place after it ends
    keyboard.press("Enter")
    assert re.fullmatch(r"\d+\.\d, \d+\.\d", page.input_value("#positions")), page.input_value("#positions")
    assert _announced(resident), "placing should be announced"
    assert resident.focused(map_container), "focus stays on the map after placing"
    x, y = (float(v) for v in page.input_value("#positions").split(","))
    assert x > 0 and y > 0, "the crosshair lies on the plan"

    resident.tab_to(SUBMIT)
    resident.press_and_load("Enter")
    match = re.fullmatch(re.escape(resident.server.url(f"/beteiligung/{slug}/ideen/")) + r"(\d+)", page.url)
    assert match, f"{page.url}\n{page.locator('main').inner_text()[:1500]}"
    assert page.locator("h1").inner_text() == IDEA_TITLE
    assert _flashed_success(resident)
    return int(match.group(1))


def _check_map_and_list(resident, slug: str, idea_id: int) -> None:
    """The idea is on the map (a marker from the GeoJSON API) and in the list below it."""
    page = resident.page
    api_path = f"/api/v1/consultations/{slug}/ideas.geojson"
    with page.expect_response(lambda r: api_path + "?" in r.url) as answered:
        resident.goto(f"/beteiligung/{slug}")
    data = answered.value.json()
    assert answered.value.status == 200
    assert [f["properties"]["title"] for f in data["features"]] == [IDEA_TITLE]
    assert data["properties"]["plan_coordinates"] is True
    page.locator("#map-region .leaflet-overlay-pane path.leaflet-interactive").first.wait_for()

    # The list is the map's text alternative: the same idea, reached and opened by keyboard.
    item = page.locator(f"ol.idea-list #idea-{idea_id}")
    assert IDEA_TITLE in item.inner_text() and CATEGORY in item.inner_text()
    assert page.locator("ol.idea-list > li.idea-card").count() == 1
    assert page.locator(f"#idea-{idea_id} .show-on-map").is_visible(), "the map script offers the button"
    # Not pressed here yet: with one idea on a new plan, markercluster's zoomToShowLayer finds
    # its zoom-animation counter still set at "moveend" and never calls back, so no popup
    # opens and consultation-map.js stays "focusing" (no more reloads on later moves).
    resident.tab_to(f'#idea-{idea_id} a[href="/beteiligung/{slug}/ideen/{idea_id}"]')
    resident.press_and_load("Enter")
    assert page.locator("h1").inner_text() == IDEA_TITLE


def _answer(staff, slug: str, idea_id: int) -> None:
    page, keyboard = staff.page, staff.page.keyboard
    staff.goto(f"/beteiligung/{slug}/ideen/{idea_id}")
    staff.tab_to("#answer-status")
    assert page.evaluate("() => document.activeElement.labels.length") == 1, "the status needs its label"
    _choose_option(staff, "#answer-status", ANSWER_STATUS)
    keyboard.press("Tab")
    assert staff.focused("#response"), staff.describe_focus()
    keyboard.type(ANSWER)
    staff.tab_to(f'form[action$="/ideen/{idea_id}/antwort"] button[type=submit]')
    staff.press_and_load("Enter")
    assert page.url == staff.server.url(f"/beteiligung/{slug}/ideen/{idea_id}"), page.url
    assert _flashed_success(staff)


def test_keyboard_first_plan_consultation_journey(open_site, server):
    staff = open_site(lang="de", role="staff")
    slug = _create_plan_consultation(staff)

    resident = open_site(lang="de", role="resident")
    idea_id = _place_idea(resident, slug)
    _check_map_and_list(resident, slug, idea_id)

    _answer(staff, slug, idea_id)

    # The resident reads the answer on the idea page, and got a mail leading there.
    resident.goto(f"/beteiligung/{slug}/ideen/{idea_id}")
    page = resident.page
    response = page.locator("section.response")
    assert ANSWER in response.inner_text()
    assert page.locator(f"article .badge-status-{ANSWER_STATUS}").count() == 1
    assert page.locator("#answer-heading").count() == 0, "residents see no answer form"
    mail = server.newest_mail("resident@example.org")
    assert server.url(f"/beteiligung/{slug}/ideen/{idea_id}") in mail.get_content()
    # and the list shows the new status as well
    resident.goto(f"/beteiligung/{slug}?status={ANSWER_STATUS}")
    assert page.locator(f"#idea-{idea_id} .badge-status-{ANSWER_STATUS}").count() == 1
