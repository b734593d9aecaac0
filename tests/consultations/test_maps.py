"""Map pages under the strict CSP: nothing from other hosts, every inline script with the nonce."""

import html
import json
import re

import pytest

from participation.core import maps
from participation.settings import Settings
from tests.conftest import csrf_token
from tests.projects import conftest as projects_conftest

make_project = projects_conftest.make_project  # the project factory, for the project maps


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def check_page(response):
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    nonce = nonce_of(response)
    for tag in re.findall(r"<script[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag
    assert "<style" not in page
    assert " style=" not in page
    assert "user-scalable" not in page and "html, body" not in page
    urls = re.findall(r"(?:src|href)=\"([^\"]+)\"", page) + re.findall(r"https?://[^\s\"'<>]+", page)
    foreign = [
        u
        for u in urls
        if u.startswith(("http://", "https://", "//")) and not u.startswith("http://localhost")
    ]
    assert not foreign, foreign
    return page


def test_the_map_page_uses_local_leaflet_and_markercluster(client, make_consultation, make_idea):
    consultation = make_consultation()
    make_idea(consultation)
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "L.markerClusterGroup(" in page and "L.control.layers(" in page
    assert 'data-ideas-url="/api/v1/consultations/' in page
    assert 'data-idea-id="' in page  # list items linked to the markers


def test_the_list_uses_the_same_filters(client, app, make_consultation, make_idea):
    consultation = make_consultation()
    make_idea(consultation, status="accepted")
    other = make_idea(consultation)
    page = client.get(f"/beteiligung/{consultation.slug}?status=accepted").get_data(as_text=True)
    assert f'id="idea-{other.id}"' not in page
    assert "status=accepted" in re.search(r'data-ideas-url="([^"]+)"', page).group(1)


def test_idea_and_form_pages_pass_the_csp_checks(client, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    check_page(client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}"))
    login_as("staff")
    page = check_page(client.get(f"/beteiligung/{consultation.slug}/ideen/neu"))
    assert 'data-placement-field="positions"' in page and "map-crosshair" in page
    check_page(client.get(f"/staff/beteiligung/{consultation.slug}"))


def test_plan_only_maps_use_crs_simple(client, make_consultation, make_idea):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    make_idea(consultation, lonlat=(500, 300))
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    assert "L.CRS.Simple" in page
    assert "[[0, 0], [700, 1000]]" in page


def test_unknown_folium_resources_fail_loudly(app):
    class Plugin:
        default_js = [("somecdnlib", "https://cdn.example.org/lib.js")]
        _children = {}

    with app.test_request_context(), pytest.raises(RuntimeError):
        maps._localise(Plugin())


def test_the_home_page_lists_open_consultations(client, make_consultation):
    make_consultation(title="Plagwitz am Kanal")
    make_consultation(title="Noch geheim", state="draft")
    page = client.get("/").get_data(as_text=True)
    assert "Plagwitz am Kanal" in page and "Noch geheim" not in page


def test_the_home_page_keeps_its_empty_state(client):
    assert "There are no open consultations at the moment." in client.get("/").get_data(as_text=True)


# --- text only into Leaflet, the city's background map, the controls ---------------------------

BASEMAP = {
    "url": "https://geodienste.leipzig.de/tiles/{z}/{x}/{y}.png",
    "kind": "xyz",
    "wms_layers": "",
    "attribution": "Stadt Leipzig <Geodaten> & OSM",
    "origin": "https://geodienste.leipzig.de",
}


def map_controls(page: str) -> tuple[dict, list[dict]]:
    """The texts and layer-switcher entries handed to MapControls' script."""
    match = re.search(r"\}\)\(map_\w+, (\{.*?\}), (\[.*?\])\);", page, re.S)
    return json.loads(match.group(1)), json.loads(match.group(2))


def add_layer(app, consultation, **fields):
    from participation.consultations.models import MapLayer
    from participation.extensions import db

    with app.app_context():
        values = {"kind": "xyz", "url": "/tiles/{z}/{x}/{y}.png", "attribution": ""} | fields
        db.session.add(MapLayer(consultation_id=consultation.id, **values))
        db.session.commit()


def test_layer_names_and_attributions_are_escaped_exactly_once(app, client, make_consultation):
    consultation = make_consultation()
    add_layer(app, consultation, name="<i>Plan</i> & Bestand", attribution="<b>Amt</b> & Co")
    add_layer(app, consultation, name="Luftbild 2025", kind="image", image_key="layers/a.png",
              image_width=10, image_height=10, south=51.32, west=12.32, north=51.33, east=12.34)
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    _text, entries = map_controls(page)
    names = [entry["name"] for entry in entries]
    # Leaflet's layer switcher sets innerHTML: one level of escaping shows the name as typed
    assert names[0] == "&lt;i&gt;Plan&lt;/i&gt; &amp; Bestand"
    assert html.unescape(names[0]) == "<i>Plan</i> & Bestand"
    assert "Luftbild 2025" in names and "Participation area" in names and "Ideas" in names
    # the attribution control sets innerHTML too
    assert '"attribution": "\\u0026lt;b\\u0026gt;Amt\\u0026lt;/b\\u0026gt; \\u0026amp; Co"' in page
    assert "<i>Plan</i>" not in page and "<b>Amt</b>" not in page


def test_controls_speak_the_page_language_and_the_scale_is_metric(app, client, make_consultation):
    consultation = make_consultation()
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    text, _entries = map_controls(page)
    assert text == {"zoomIn": "Zoom in", "zoomOut": "Zoom out", "layers": "Map layers"}
    assert "L.control.scale({imperial: false})" in page and 'setAttribute("dir", "ltr")' in page
    assert "zoomControl" in page and '"zoomControl": false' in page  # Leaflet's English one is off
    german = app.test_client()
    german.set_cookie("locale", "de")
    text, _entries = map_controls(german.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True))
    assert text["layers"] == "Kartenebenen"  # through the catalog, like every other text


def test_without_a_background_map_every_map_says_so(client, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    note = "No background map is configured"
    for path in (f"/beteiligung/{consultation.slug}", f"/beteiligung/{consultation.slug}/ideen/{idea.id}",
                 "/projekte"):
        page = check_page(client.get(path))
        assert note in page and 'aria-describedby="map-note"' in page, path
        assert "BASEMAP_URL" not in page  # residents are not sent to the settings
    login_as("staff")
    page = check_page(client.get(f"/staff/beteiligung/{consultation.slug}"))
    assert note in page and "BASEMAP_URL" in page and "README" in page


def test_plan_maps_need_no_background_map(client, make_consultation):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    assert "No background map is configured" not in page


def test_the_background_map_serves_every_geographic_map(
    app, client, monkeypatch, login_as, make_consultation, make_idea, make_project
):
    monkeypatch.setitem(app.config, "BASEMAP", BASEMAP)
    consultation = make_consultation()
    idea = make_idea(consultation)
    project = make_project()
    paths = [f"/beteiligung/{consultation.slug}", f"/beteiligung/{consultation.slug}/ideen/{idea.id}",
             "/projekte", f"/projekte/{project.slug}"]
    for path in paths:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "No background map is configured" not in page, path
        assert re.search(r'L\.tileLayer\(\s+"https://geodienste\.leipzig\.de/tiles/\{z\}', page), path
        img_src = response.headers["Content-Security-Policy"].split("img-src")[1].split(";")[0]
        assert "https://geodienste.leipzig.de" in img_src
        assert "Stadt Leipzig \\u0026lt;Geodaten\\u0026gt; \\u0026amp; OSM" in page, path
    login_as("staff")
    for path in (f"/staff/beteiligung/{consultation.slug}", f"/staff/projekte/{project.slug}"):
        page = client.get(path).get_data(as_text=True)
        assert "geodienste.leipzig.de/tiles" in page, path


def test_a_consultation_background_is_shown_first_and_the_city_map_offered(
    app, client, monkeypatch, make_consultation
):
    monkeypatch.setitem(app.config, "BASEMAP", BASEMAP)
    consultation = make_consultation()
    add_layer(app, consultation, name="Stadtplan 1900", is_base=True)
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    _text, entries = map_controls(page)
    bases = [entry["name"] for entry in entries if entry["base"]]
    assert bases == ["City map", "Stadtplan 1900"]
    # only one background is on the map when it opens: the consultation's own
    added = re.findall(r"(tile_layer_\w+)\.addTo\(map_\w+\)", page)
    assert len(added) == 1
    assert f'var {added[0]} = L.tileLayer(\n                "/tiles/' in page


@pytest.mark.parametrize(
    "environ,error",
    [
        ({"BASEMAP_URL": "ftp://tiles.example.org/{z}/{x}/{y}.png"}, "BASEMAP_URL"),
        ({"BASEMAP_URL": "https://tiles.example.org/tiles.png"}, "placeholders"),
        ({"BASEMAP_URL": "https://wms.example.org/wms", "BASEMAP_KIND": "wms"}, "BASEMAP_WMS_LAYERS"),
        ({"BASEMAP_URL": "https://tiles.example.org/{z}/{x}/{y}.png", "BASEMAP_KIND": "png"}, "BASEMAP_KIND"),
        ({"BASEMAP_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}, "BASEMAP_ATTRIBUTION"),
    ],
)
def test_a_wrong_background_map_setting_stops_the_start(environ, error):
    settings = Settings.from_env(environ)
    with pytest.raises(ValueError, match=error):
        settings.flask_config()


def test_the_background_map_settings_become_one_checked_entry():
    settings = Settings.from_env({
        "BASEMAP_URL": "https://GeoDienste.Leipzig.de/wms", "BASEMAP_KIND": "wms",
        "BASEMAP_WMS_LAYERS": "stadtplan", "BASEMAP_ATTRIBUTION": "Stadt Leipzig",
    })
    assert settings.flask_config()["BASEMAP"] == {
        "url": "https://GeoDienste.Leipzig.de/wms", "kind": "wms", "wms_layers": "stadtplan",
        "attribution": "Stadt Leipzig", "origin": "https://geodienste.leipzig.de",
    }
    assert Settings.from_env({}).flask_config()["BASEMAP"] is None
    local = Settings.from_env({"BASEMAP_URL": "/tiles/{z}/{x}/{y}.png", "BASEMAP_ATTRIBUTION": "Stadt"})
    assert local.flask_config()["BASEMAP"]["origin"] is None  # this site: already in the CSP


def test_a_wms_background_map(app, client, monkeypatch, make_consultation):
    monkeypatch.setitem(app.config, "BASEMAP", BASEMAP | {
        "url": "https://geodienste.leipzig.de/wms", "kind": "wms", "wms_layers": "stadtplan"})
    consultation = make_consultation()
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert 'L.tileLayer.wms(\n                "https://geodienste.leipzig.de/wms"' in page
    assert '"layers": "stadtplan"' in page


def test_staff_may_add_layers_from_the_background_map_host(
    app, client, monkeypatch, login_as, make_consultation
):
    monkeypatch.setitem(app.config, "BASEMAP", BASEMAP)
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "name": "Orthofoto", "kind": "xyz", "opacity": "1",
        "url": "https://geodienste.leipzig.de/ortho/{z}/{x}/{y}.jpg", "attribution": "Stadt Leipzig"})
    assert response.status_code == 302


def test_image_layers_carry_their_description_as_alt_and_as_text(app, client, make_consultation):
    consultation = make_consultation()
    description = "Luftbild von Plagwitz: Häuserblöcke, der Karl-Heine-Kanal quer durch das Bild"
    add_layer(app, consultation, name="Luftbild", kind="image", image_key="layers/a.png", image_width=10,
              image_height=10, south=51.32, west=12.32, north=51.33, east=12.34, description=description)
    page = check_page(client.get(f"/beteiligung/{consultation.slug}"))
    assert f'"alt": {json.dumps(description)}' in page  # folium writes JSON with ASCII escapes
    details = re.search(r'<details class="map-descriptions">.*?</details>', page, re.S).group(0)
    assert "Luftbild" in details and description in details


def test_the_idea_form_knows_the_area_for_its_instant_check(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/neu").get_data(as_text=True)
    area = json.loads(html.unescape(re.search(r'data-area="([^"]+)"', page).group(1)))
    assert area["type"] == "Polygon" and area["coordinates"][0][0] == [12.32, 51.32]
    assert 'id="map-warning" aria-live="assertive"' in page


def test_staff_draw_the_area_on_the_consultations_own_layers(app, client, login_as, make_consultation):
    consultation = make_consultation()
    add_layer(app, consultation, name="Luftbild", kind="image", image_key="layers/luftbild.png",
              image_width=10, image_height=10, south=51.32, west=12.32, north=51.33, east=12.34,
              description="Luftbild")
    login_as("staff")
    page = check_page(client.get(f"/staff/beteiligung/{consultation.slug}"))
    assert 'data-placement-field="area_positions"' in page
    assert '"/media/layers/luftbild.png"' in page  # the aerial image under the drawing
