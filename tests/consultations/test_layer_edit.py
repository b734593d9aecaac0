"""Staff edit a layer once it is on the map: its name, text alternative, attribution and how
it is shown; the image and its place stay."""

from __future__ import annotations

import pytest
from flask_caching.backends import SimpleCache
from sqlalchemy import select

from participation.consultations import services
from participation.consultations.models import LayerKind, MapLayer
from participation.core.audit import AuditEntry
from participation.extensions import cache, db
from tests.conftest import csrf_token
from tests.consultations.conftest import png_bytes


@pytest.fixture
def layers(app, make_consultation):
    """A consultation with an aerial image and a tile service, as (slug, image id, tiles id)."""
    consultation = make_consultation()
    with app.test_request_context():
        consultation = db.session.merge(consultation)
        image = services.add_image_layer(
            consultation, name="Luftbild 2024", data=png_bytes(), is_base=False, opacity=0.8,
            description="Luftbild von Plagwitz mit dem Karl-Heine-Kanal", attribution="Stadt Leipzig",
            south=51.32, west=12.32, north=51.335, east=12.34,
        )
        tiles = services.add_service_layer(
            consultation, name="Stadtplan", kind=LayerKind.XYZ, url="/tiles/{z}/{x}/{y}.png",
            wms_layers=None, is_base=True, opacity=1.0, attribution="",
        )
        db.session.commit()
        return consultation.slug, image.id, tiles.id, image.image_key


def stored(app, layer_id) -> MapLayer:
    with app.app_context():
        layer = db.session.get(MapLayer, layer_id)
        db.session.expunge(layer)
        return layer


def edit_url(slug, layer_id) -> str:
    return f"/staff/beteiligung/{slug}/ebenen/{layer_id}"


def test_staff_rename_and_redescribe_an_image_layer_and_it_keeps_its_image_and_place(
    app, client, login_as, layers, monkeypatch
):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())  # the kept map must change
    slug, image_id, _tiles_id, key = layers
    staff = login_as("staff")
    assert "Luftbild 2024" in client.get(f"/beteiligung/{slug}").get_data(as_text=True)
    url = edit_url(slug, image_id)
    form = client.get(url).get_data(as_text=True)
    assert 'value="Luftbild 2024"' in form and "Luftbild von Plagwitz mit dem Karl-Heine-Kanal" in form
    assert f'href="{url}"' in client.get(f"/staff/beteiligung/{slug}").get_data(as_text=True)
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "name": " Luftbild 2025 ", "opacity": "0.5",
        "description": "Luftbild von Plagwitz, Sommer 2025",
        "attribution": "Stadt Leipzig, Amt für Geoinformation",
        "shown_by_default": "y",
    })
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/beteiligung/{slug}")
    layer = stored(app, image_id)
    assert (layer.name, layer.opacity, layer.description, layer.attribution) == (
        "Luftbild 2025", 0.5, "Luftbild von Plagwitz, Sommer 2025", "Stadt Leipzig, Amt für Geoinformation"
    )
    place = (layer.south, layer.west, layer.north, layer.east, layer.image_key)
    assert place == (51.32, 12.32, 51.335, 12.34, key)
    page = client.get(f"/beteiligung/{slug}").get_data(as_text=True)
    assert "Luftbild 2025" in page and "Luftbild 2024" not in page
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor_id, entry.action) == (staff.id, "layer.changed")
        assert entry.object_id == layer.consultation_id
        assert (entry.before["layer"], entry.after["layer"]) == ("Luftbild 2024", "Luftbild 2025")
        assert (entry.before["opacity"], entry.after["opacity"]) == (0.8, 0.5)


def test_a_service_layer_has_no_text_alternative_to_give(app, client, login_as, layers):
    slug, _image_id, tiles_id, _key = layers
    login_as("staff")
    url = edit_url(slug, tiles_id)
    assert 'name="description"' not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Stadtplan grau",
                                      "opacity": "0.7", "description": "ignored"})
    assert response.status_code == 302
    layer = stored(app, tiles_id)
    shown = (layer.name, layer.opacity, layer.is_base, layer.shown_by_default)
    assert shown == ("Stadtplan grau", 0.7, False, False)  # unticked boxes are off
    assert layer.url == "/tiles/{z}/{x}/{y}.png" and not layer.description


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"name": ""}, "name", None),
        ({"description": "  "}, "description", "Please describe what the image shows"),
        ({"opacity": "1.5"}, "opacity", None),
        ({"opacity": "nan"}, "opacity", None),
    ],
)
def test_bad_input_comes_back_filled_in_and_changes_nothing(
    app, client, login_as, layers, changes, field, message
):
    slug, image_id, _tiles_id, _key = layers
    login_as("staff")
    url = edit_url(slug, image_id)
    data = {"csrf_token": csrf_token(client, url), "name": "Luftbild neu", "opacity": "0.6",
            "description": "Neue Beschreibung", "attribution": "Neue Quelle", **changes}
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and "error-summary" in page
    if message:
        assert message in page
    assert 'value="Neue Quelle"' in page  # what was typed comes back
    layer = stored(app, image_id)
    assert (layer.name, layer.opacity, layer.attribution) == ("Luftbild 2024", 0.8, "Stadt Leipzig")


def test_only_staff_edit_layers_and_only_of_their_consultation(
    app, client, login_as, layers, make_consultation
):
    slug, image_id, _tiles_id, _key = layers
    url = edit_url(slug, image_id)
    assert client.get(url).status_code in (302, 401)  # signed out: sent to sign in
    login_as("resident")
    assert client.get(url).status_code == 403
    login_as("staff")
    other = make_consultation()
    assert client.get(edit_url(other.slug, image_id)).status_code == 404
    assert client.get(edit_url(slug, 999_999)).status_code == 404
    without_token = client.post(url, data={"name": "Ohne Token", "opacity": "1", "description": "x"})
    assert without_token.status_code in (400, 422)
    assert stored(app, image_id).name == "Luftbild 2024"
