"""What reaches the map is text, and the map's controls work on small screens and in every language.

A consultation made for these tests holds ideas whose titles are HTML and a layer whose name
and attribution are HTML: the map must show them literally and create no element from them.
The controls (zoom, layers, scale, opacity) speak the page's language, the layer switcher
starts collapsed at 360 px and is worked by keyboard, "Show on the map" takes focus to the
map, and a position outside the area is flagged as soon as it is placed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields

import pytest

from participation.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.browser

SLUG = "kartentest-nur-text"
BOLD_LINK = '<b>x</b><a href="/evil">y</a>'
REFRESH = '<meta http-equiv="refresh" content="0;url=/x">'
LAYER_NAME = "<i>Plan</i>"
ATTRIBUTION = "<b>Amt</b> & Co"
AREA = {"type": "Polygon", "coordinates": [[[12.320, 51.320], [12.340, 51.320], [12.340, 51.335],
                                            [12.320, 51.335], [12.320, 51.320]]]}
IDEAS = [(BOLD_LINK, [12.323, 51.323]), (REFRESH, [12.337, 51.332])]
PLAGWITZ = "plagwitz-am-kanal"  # the seeded geographic consultation, only read here
MAP = "#map-region"

SETUP = """
import json, sys
from participation import create_app
from participation.accounts.models import User
from participation.consultations import services
from participation.consultations.models import Consultation, LayerKind
from participation.extensions import db

data = json.loads(sys.argv[1])
app = create_app()
with app.test_request_context():
    if db.session.scalar(db.select(Consultation).where(Consultation.slug == data["slug"])) is None:
        staff = db.session.scalar(User.by_email("staff@example.org"))
        resident = db.session.scalar(User.by_email("resident@example.org"))
        consultation = services.save_consultation(
            None, title="Kartentest: nur Text auf der Karte", summary="", description="",
            map_mode="geographic", allowed_kinds=["point"], area=data["area"], keep_area=False,
            author=staff)
        consultation.slug = data["slug"]
        consultation.state = "open"
        services.add_service_layer(
            consultation, name=data["layer"], kind=LayerKind.XYZ,
            url="/static/img/favicon.svg?tile={z}/{x}/{y}", wms_layers=None, is_base=False, opacity=1.0,
            attribution=data["attribution"])
        for title, lonlat in data["ideas"]:
            services.save_idea(None, consultation, author=resident, title=title, body="Nur ein Test.",
                               category=None, geometry={"type": "Point", "coordinates": lonlat},
                               photo=None, photo_description=None)
        db.session.commit()
"""


@pytest.fixture(scope="module")
def html_titles(server) -> str:
    """The test consultation, written into the running server's database; returns its slug."""
    env = {k: v for k, v in os.environ.items()
           if k not in {Settings.ENV_NAMES.get(f.name, f.name.upper()) for f in fields(Settings)}}
    env.update(PARTICIPATION_ENV="development", SECRET_KEY="only-for-the-setup",
               DATABASE_URL=f"sqlite:///{server.outbox.parent / 'browser.db'}",
               MAIL_OUTBOX_DIR=str(server.outbox))
    data = {"slug": SLUG, "area": AREA, "layer": LAYER_NAME, "attribution": ATTRIBUTION, "ideas": IDEAS}
    result = subprocess.run([sys.executable, "-c", SETUP, json.dumps(data)], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return SLUG


def _open_map(site, path: str) -> None:
    """Open a consultation's page and wait until its ideas from the API are on the map."""
    with site.page.expect_response(lambda r: "/ideas.geojson?" in r.url):
        site.goto(path)
    site.page.wait_for_function(
        "() => document.querySelectorAll("
        "'#map-region .leaflet-marker-icon, #map-region path.leaflet-interactive').length > 1"
        " && !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')")


def _point_of(site, lonlat) -> dict:
    """Where on the page the map draws `lonlat` (to move the mouse there, as a person would)."""
    site.page.locator(MAP).scroll_into_view_if_needed()
    return site.page.evaluate(
        """([lon, lat]) => {
            const wrapper = document.querySelector('#map-region');
            const map = window[wrapper.getAttribute('data-map-var')];
            const point = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return {x: box.left + point.x, y: box.top + point.y};
        }""", lonlat)


NO_ELEMENTS_FROM_TITLES = """() => document.querySelectorAll(
    '#map-region b, #map-region a[href="/evil"], meta[http-equiv], #map-region meta').length"""


@pytest.mark.parametrize("title,lonlat", IDEAS, ids=["markup", "meta-refresh"])
def test_idea_titles_show_literally_in_the_tooltip_and_popup(open_site, html_titles, title, lonlat):
    site = open_site(lang="de")
    _open_map(site, f"/beteiligung/{html_titles}")
    page = site.page
    where = _point_of(site, lonlat)
    page.mouse.move(where["x"], where["y"])
    tooltip = page.locator(f"{MAP} .leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == title
    assert page.evaluate(NO_ELEMENTS_FROM_TITLES) == 0
    page.mouse.click(where["x"], where["y"])
    popup_link = page.locator(f"{MAP} .leaflet-popup-content a").first
    popup_link.wait_for()
    assert popup_link.inner_text() == title
    assert page.evaluate(NO_ELEMENTS_FROM_TITLES) == 0
    page.wait_for_timeout(1200)  # a refresh <meta> would have left the page by now
    assert page.url == site.server.url(f"/beteiligung/{html_titles}")


def test_layer_names_and_attributions_show_literally(open_site, html_titles):
    site = open_site(lang="de")
    _open_map(site, f"/beteiligung/{html_titles}")
    page = site.page
    switcher = page.locator(f"{MAP} .leaflet-control-layers-list")
    assert LAYER_NAME in switcher.inner_text()
    assert page.locator(f"{MAP} .leaflet-control-layers i").count() == 0
    attribution = page.locator(f"{MAP} .leaflet-control-attribution")
    assert ATTRIBUTION in attribution.inner_text()
    assert attribution.locator("b").count() == 0


@pytest.mark.parametrize("lang", ["de", "uk", "ar"])
def test_controls_speak_the_page_language_and_the_scale_is_metric(open_site, translate, lang):
    site = open_site(lang=lang)
    _open_map(site, f"/beteiligung/{PLAGWITZ}")
    page = site.page
    for selector, text in [(".leaflet-control-zoom-in", "Zoom in"), (".leaflet-control-zoom-out", "Zoom out"),
                           (".leaflet-control-layers-toggle", "Map layers")]:
        control = page.locator(f"{MAP} {selector}")
        expected = translate(lang, text)
        assert control.get_attribute("aria-label") == expected, selector
        assert control.get_attribute("title") == expected, selector
    assert translate("uk", "Map layers") != "Map layers"  # the catalogs really are used
    scales = page.locator(f"{MAP} .leaflet-control-scale-line")
    assert scales.count() == 1, "metric only, no feet or miles"
    text = scales.inner_text()
    assert text.split()[-1] in ("m", "km") and text.split()[0].isdigit(), text
    direction = page.evaluate(
        "() => getComputedStyle(document.querySelector('#map-region .leaflet-control-scale-line')).direction")
    assert direction == "ltr", "“300 m”, not “m 300”, on right-to-left pages"


def test_on_a_small_screen_the_layer_switcher_starts_closed_and_works_by_keyboard(open_site):
    site = open_site(lang="ar")
    site.page.set_viewport_size({"width": 360, "height": 740})
    _open_map(site, f"/beteiligung/{PLAGWITZ}")
    page = site.page
    switcher = page.locator(f"{MAP} .leaflet-control-layers")
    listing = page.locator(f"{MAP} .leaflet-control-layers-list")
    assert not listing.is_visible(), "collapsed: it would cover a quarter of the map"
    toggle = f"{MAP} .leaflet-control-layers-toggle"
    assert page.locator(toggle).get_attribute("aria-expanded") == "false"
    site.tab_to(toggle, limit=90)
    page.keyboard.press("Enter")
    assert listing.is_visible()
    assert page.locator(toggle).get_attribute("aria-expanded") == "true"
    assert site.focused(f"{MAP} .leaflet-control-layers-list input"), site.describe_focus()
    page.keyboard.press("Space")  # a background layer switched off and on again by keyboard
    page.keyboard.press("Space")
    page.keyboard.press("Escape")
    assert not listing.is_visible()
    assert site.focused(toggle), site.describe_focus()
    assert "leaflet-control-layers-expanded" not in (switcher.get_attribute("class") or "")


def test_on_a_wide_screen_the_layer_switcher_is_open(open_site):
    site = open_site(lang="de")
    _open_map(site, f"/beteiligung/{PLAGWITZ}")
    assert site.page.locator(f"{MAP} .leaflet-control-layers-list").is_visible()


def test_opacity_sliders_show_and_tell_their_value(open_site, translate):
    site = open_site(lang="de")
    _open_map(site, f"/beteiligung/{PLAGWITZ}")
    page = site.page
    percent = translate("de", "%(value)s %%")
    slider = "#map-region-opacity-1"  # the park plan, drawn at 75 %
    shown = page.locator(f"output[for='{slider[1:]}']")
    assert shown.inner_text() == percent % {"value": "75"}
    assert page.get_attribute(slider, "aria-valuetext") == percent % {"value": "75"}
    site.tab_to(slider, limit=90)
    page.keyboard.press("ArrowRight")
    assert shown.inner_text() == percent % {"value": "80"}
    assert page.get_attribute(slider, "aria-valuetext") == percent % {"value": "80"}


def test_show_on_the_map_moves_focus_to_the_idea_on_the_map(open_site, translate):
    site = open_site(lang="de")
    _open_map(site, f"/beteiligung/{PLAGWITZ}")
    page = site.page
    button = page.locator("ol.idea-list .show-on-map").first
    title = button.get_attribute("data-title")
    site.tab_to("ol.idea-list .show-on-map", limit=120)
    assert site.focused("ol.idea-list li:first-child .show-on-map"), site.describe_focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('#map-region') !== null", timeout=5000)
    assert site.focused(f"{MAP} .leaflet-popup-content a"), site.describe_focus()
    assert page.evaluate("() => document.activeElement.textContent") == title
    page.locator("#live-status p").first.wait_for(timeout=5000)
    announced = translate("de", "Shown on the map: %(title)s") % {"title": title}
    assert announced in page.inner_text("#live-status")


def test_a_position_outside_the_area_is_flagged_at_once(open_site, translate):
    site = open_site(lang="de", role="resident")
    site.goto(f"/beteiligung/{PLAGWITZ}/ideen/neu")
    page = site.page
    page.locator(f"{MAP} .leaflet-overlay-pane path").first.wait_for()
    warning = page.locator("#map-warning")
    outside = translate("de", "This position lies outside the participation area. "
                              "Please place your idea inside the dashed line.")
    assert warning.inner_text() == ""
    # typed, as without a mouse ...
    site.tab_to("#positions", limit=90)
    page.keyboard.type("51.400, 12.400")
    assert warning.inner_text() == outside
    assert warning.get_attribute("aria-live") == "assertive"
    page.keyboard.press("Control+A")
    page.keyboard.type("51.3290, 12.3300")
    assert warning.inner_text() == ""
    # ... and clicked on the map, left of the dashed line
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(f"{MAP} .leaflet-container").bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
    assert warning.inner_text() == outside
    page.locator("#map-tools button").first.click()  # "Add the map centre": inside
    assert warning.inner_text() == ""


# --- staff pages of this part -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["de", "ar"])
def test_the_questions_before_removing_or_ending_pass_axe(open_site, lang):
    site = open_site(lang=lang, role="staff")
    site.goto(f"/staff/beteiligung/{PLAGWITZ}")
    remove = site.page.locator("#categories-heading + ul a").first.get_attribute("href")
    for path in (f"/staff/beteiligung/{PLAGWITZ}/status?target=closed", remove):
        site.goto(path)
        assert site.page.locator("main form[method=post] button.button-danger").count() == 1
        site.check_axe()
    site.goto(f"/staff/beteiligung/{PLAGWITZ}/ebenen")  # the layer form with its new field
    site.check_axe()


def test_the_colour_picker_is_a_swatch_not_a_thin_line(open_site):
    site = open_site(lang="de", role="staff")
    site.goto(f"/staff/beteiligung/{PLAGWITZ}")
    box = site.page.locator("#color").bounding_box()
    assert box["height"] >= 40, box  # as tall as the other inputs, and a target one can hit
    assert box["width"] <= 4 * box["height"], box
