"""Map pages under the strict CSP: nothing from other hosts, every inline script with the nonce."""

import re

import pytest

from participation.core import maps


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
