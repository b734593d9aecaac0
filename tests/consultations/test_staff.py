"""Staff create and edit consultations, their area, categories, layers and state."""

import io
import json
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from participation.consultations.models import Category, Consultation, MapLayer
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import AREA, close_body, png_bytes


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _get(app, model, pk):
    with app.app_context():
        obj = db.session.get(model, pk)
        db.session.expunge(obj)
        return obj


def _form(client, url, **data):
    base = {
        "csrf_token": csrf_token(client, url),
        "title": "Karl-Heine-Straße neu",
        "summary": "Kurz",
        "description": "Text",
        "map_mode": "geographic",
        "allowed_kinds": ["point", "line"],
    }
    base.update(data)
    return base


@pytest.mark.parametrize(
    "role,expected", [("resident", 403), ("moderator", 403), ("staff", 200), ("admin", 200)]
)
def test_only_staff_manage_consultations(client, login_as, role, expected):
    login_as(role)
    assert client.get("/staff/beteiligung/neu").status_code == expected
    assert client.get("/staff/beteiligung").status_code == expected


def test_staff_create_a_draft_with_an_uploaded_area(client, app, login_as):
    login_as("staff")
    data = _form(
        client,
        "/staff/beteiligung/neu",
        area_file=(io.BytesIO(json.dumps({"type": "Feature", "geometry": AREA}).encode()), "area.geojson"),
    )
    response = client.post("/staff/beteiligung/neu", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        assert consultation.slug == "karl-heine-strasse-neu"
        assert consultation.state == "draft"
        assert consultation.allowed_kinds == ["point", "line"]
        assert consultation.geometry["type"] == "Polygon"
        assert (consultation.min_lon, consultation.max_lat) == (12.32, 51.335)
    assert client.get("/beteiligung/karl-heine-strasse-neu").status_code == 200  # staff see drafts


def test_drafts_are_hidden_from_the_public(client, make_consultation, login_as):
    consultation = make_consultation(state="draft")
    assert client.get(f"/beteiligung/{consultation.slug}").status_code == 404
    assert client.get(f"/api/v1/consultations/{consultation.slug}").status_code == 404
    assert consultation.slug not in client.get("/beteiligung").get_data(as_text=True)
    login_as("resident")
    assert client.get(f"/beteiligung/{consultation.slug}").status_code == 404


def test_a_drawn_area_is_taken_from_typed_corners(client, app, login_as):
    login_as("staff")
    data = _form(client, "/staff/beteiligung/neu", area_positions="51.32, 12.32\n51.32, 12.34\n51.33, 12.34")
    assert client.post("/staff/beteiligung/neu", data=data).status_code == 302
    with app.app_context():
        area = db.session.scalar(select(Consultation)).geometry
    assert area["coordinates"][0][0] == [12.32, 51.32]


@pytest.mark.parametrize(
    "field,value",
    [
        ("area_positions", "51.32, 12.32\n51.33, 12.33"),
        ("area_positions", "51.32, 12.32\n51.33, 12.34\n51.33, 12.32\n51.32, 12.34"),  # crosses itself
        ("area_file", b"{not json"),
        ("area_file", json.dumps({"type": "Point", "coordinates": [12.3, 51.3]}).encode()),
    ],
)
def test_a_bad_area_rerenders_the_form_and_writes_nothing(client, app, login_as, field, value):
    login_as("staff")
    extra = {field: (io.BytesIO(value), "a.geojson")} if field == "area_file" else {field: value}
    response = client.post(
        "/staff/beteiligung/neu",
        data=_form(client, "/staff/beteiligung/neu", **extra),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Karl-Heine-Straße neu" in page  # filled in again
    assert 'class="error-summary"' in page
    assert _count(app, Consultation) == 0


def test_missing_title_and_kinds_are_reported(client, app, login_as):
    login_as("staff")
    response = client.post(
        "/staff/beteiligung/neu", data=_form(client, "/staff/beteiligung/neu", title="", allowed_kinds=[])
    )
    assert response.status_code == 422
    assert "Please choose at least one kind of shape." in response.get_data(as_text=True)
    assert _count(app, Consultation) == 0


def test_edit_keeps_the_area_unless_replaced_or_cleared(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    assert client.post(url, data=_form(client, url, title="Neuer Titel")).status_code == 302
    stored = _get(app, Consultation, consultation.id)
    assert stored.title == "Neuer Titel" and stored.slug == consultation.slug
    assert stored.geometry == consultation.geometry
    assert client.post(url, data=_form(client, url, clear_area="y")).status_code == 302
    assert _get(app, Consultation, consultation.id).geometry is None


@pytest.mark.parametrize(
    "start,target,allowed",
    [
        ("draft", "open", True),
        ("draft", "closed", False),
        ("draft", "evaluated", False),
        ("open", "closed", True),
        ("open", "evaluated", False),
        ("open", "draft", False),
        ("closed", "open", True),
        ("closed", "evaluated", True),
        ("evaluated", "open", False),
        ("evaluated", "closed", False),
        ("open", "archived", False),  # the old name is no state
        ("open", "nonsense", False),
    ],
)
def test_state_machine(client, app, login_as, make_consultation, start, target, allowed):
    consultation = make_consultation(state=start, results="Zwölf Ideen werden umgesetzt.")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    response = client.post(
        url + "/status", data={"csrf_token": csrf_token(client, url), "target": target, "confirmed": "yes"}
    )
    assert response.status_code == 302
    assert _get(app, Consultation, consultation.id).state == (target if allowed else start)


def test_results_are_required_before_they_are_published(client, app, login_as, make_consultation):
    consultation = make_consultation(state="closed")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    edit_page = client.get(url).get_data(as_text=True)
    assert "Publish results" in edit_page and 'name="results"' in edit_page
    refused = client.post(
        url + "/status",
        data={"csrf_token": csrf_token(client, url), "target": "evaluated", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "Please write the results" in refused.get_data(as_text=True)
    assert _get(app, Consultation, consultation.id).state == "closed"

    results = "Wir setzen **zwölf** Ideen um.\n\n<script>alert(1)</script>"
    assert client.post(url, data=_form(client, url, results=results)).status_code == 302
    assert _get(app, Consultation, consultation.id).results == results
    public = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert "zwölf" not in public  # closed: the results are not published yet

    token = csrf_token(client, url)
    client.post(url + "/status", data={"csrf_token": token, "target": "evaluated", "confirmed": "yes"})
    assert _get(app, Consultation, consultation.id).state == "evaluated"
    public = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert "Results published" in public
    assert "<strong>zwölf</strong>" in public  # limited Markdown through the bleach policy
    assert "<script>alert(1)" not in public
    assert consultation.slug in client.get("/beteiligung").get_data(as_text=True)


@pytest.mark.parametrize("state", ["closed", "evaluated"])
def test_closed_and_evaluated_consultations_are_read_only_for_residents(
    client, app, login_as, make_consultation, make_idea, state
):
    consultation = make_consultation(state=state, results="Ergebnis")
    mine = login_as("resident")
    own = make_idea(consultation, author=mine)
    other = make_idea(consultation)
    base = f"/beteiligung/{consultation.slug}"
    token = csrf_token(client, base)
    assert "This consultation does not accept new ideas." in client.get(base).get_data(as_text=True)
    assert client.get(base + "/ideen/neu").status_code == 403
    assert client.get(f"{base}/ideen/{own.id}/bearbeiten").status_code == 403
    response = client.post(f"{base}/ideen/{other.id}/unterstuetzen", data={"csrf_token": token})
    assert response.status_code == 403
    assert "Support this idea" not in client.get(f"{base}/ideen/{other.id}").get_data(as_text=True)


def test_a_plan_consultation_opens_only_with_its_plan(client, app, login_as, make_consultation):
    consultation = make_consultation(state="draft", map_mode="plan", area=None)
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    client.post(url + "/status", data={"csrf_token": csrf_token(client, url), "target": "open"})
    assert _get(app, Consultation, consultation.id).state == "draft"
    layer_url = url + "/ebenen"
    response = client.post(
        layer_url,
        data={
            "csrf_token": csrf_token(client, layer_url),
            "name": "Erdgeschoss",
            "kind": "image",
            "opacity": "1",
            "description": "Grundriss des Erdgeschosses mit Eingang im Süden",
            "image": (io.BytesIO(png_bytes((800, 600))), "plan.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        assert (layer.image_width, layer.image_height, layer.south) == (800, 600, None)
    client.post(url + "/status", data={"csrf_token": csrf_token(client, url), "target": "open"})
    assert _get(app, Consultation, consultation.id).state == "open"


def test_categories_are_added_validated_and_removed(client, app, login_as, make_consultation):
    consultation = make_consultation(categories=())
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    ok = client.post(
        url + "/kategorien",
        data={"csrf_token": csrf_token(client, url), "name": "Spielplatz", "color": "#336699"},
    )
    assert ok.status_code == 302
    bad = client.post(
        url + "/kategorien", data={"csrf_token": csrf_token(client, url), "name": "X", "color": "red"}
    )
    assert bad.status_code == 422 and "Please give a colour like #0b5394." in bad.get_data(as_text=True)
    with app.app_context():
        category = db.session.scalar(select(Category))
        assert (category.name, category.color) == ("Spielplatz", "#336699")
    client.post(f"{url}/kategorien/{category.id}/loeschen", data={"csrf_token": csrf_token(client, url)})
    assert _count(app, Category) == 0


def test_a_georeferenced_image_layer_needs_both_corners(
    client, app, login_as, make_consultation, upload_storage
):
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"

    def post(**extra):
        data = {
            "csrf_token": csrf_token(client, url),
            "name": "Luftbild",
            "kind": "image",
            "opacity": "0.8",
            "description": "Luftbild von Plagwitz mit dem Karl-Heine-Kanal",
            "image": (io.BytesIO(png_bytes()), "luftbild.png"),
        }
        data.update(extra)
        return client.post(url, data=data, content_type="multipart/form-data")

    missing = post(south="51.32", west="12.32")
    assert missing.status_code == 422
    assert "Please give both corners" in missing.get_data(as_text=True)
    swapped = post(south="51.33", west="12.32", north="51.32", east="12.34")
    assert swapped.status_code == 422
    assert _count(app, MapLayer) == 0
    assert post(south="51.32", west="12.32", north="51.335", east="12.34", is_base="y").status_code == 302
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        assert (layer.south, layer.west, layer.north, layer.east) == (51.32, 12.32, 51.335, 12.34)
        assert layer.is_base and layer.opacity == 0.8
        key = layer.image_key
    assert upload_storage.read(key)
    assert client.get(f"/media/{key}").status_code == 200
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert f"/media/{key}" in page and "[51.32, 12.32], [51.335, 12.34]" in page
    client.post(
        f"/staff/beteiligung/{consultation.slug}/ebenen/{layer.id}/loeschen",
        data={"csrf_token": csrf_token(client, url)},
    )
    assert _count(app, MapLayer) == 0
    with pytest.raises(FileNotFoundError):
        upload_storage.read(key)


@pytest.mark.parametrize(
    "kind,url,layers,error",
    [
        (
            "xyz",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "",
            "must first be allowed by an administrator",
        ),
        ("xyz", "//tile.openstreetmap.org/{z}/{x}/{y}.png", "", "must first be allowed by an administrator"),
        ("xyz", "/tiles/osm.png", "", "placeholders"),
        ("wms", "/wms/leipzig", "", "Please name at least one WMS layer."),
    ],
)
def test_service_layers_must_be_served_from_this_site(
    client, app, login_as, make_consultation, kind, url, layers, error
):
    consultation = make_consultation()
    login_as("staff")
    page_url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    response = client.post(
        page_url,
        data={
            "csrf_token": csrf_token(client, page_url),
            "name": "Dienst",
            "kind": kind,
            "url": url,
            "wms_layers": layers,
            "opacity": "1",
        },
    )
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    assert _count(app, MapLayer) == 0


def test_wms_and_xyz_layers_are_configuration(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    page_url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    for data in (
        {"kind": "xyz", "url": "/tiles/{z}/{x}/{y}.png", "is_base": "y"},
        {"kind": "wms", "url": "/wms/leipzig", "wms_layers": "bebauungsplan"},
    ):
        response = client.post(
            page_url,
            data={"csrf_token": csrf_token(client, page_url), "name": data["kind"], "opacity": "0.5", **data},
        )
        assert response.status_code == 302
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert "L.tileLayer(" in page and '"/tiles/{z}/{x}/{y}.png"' in page
    assert "L.tileLayer.wms(" in page and "bebauungsplan" in page


def test_the_kind_of_map_is_fixed_once_there_are_ideas(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation(state="draft")
    make_idea(consultation)
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    response = client.post(url, data=_form(client, url, map_mode="plan", title="Anders"))
    assert response.status_code == 422
    assert "The kind of map cannot change once there are ideas." in response.get_data(as_text=True)
    stored = _get(app, Consultation, consultation.id)
    assert (stored.map_mode, stored.title) == ("geographic", consultation.title)


LEIPZIG = "https://geodienste.leipzig.de"


def _post_layer(client, consultation, **data):
    page_url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    return client.post(
        page_url,
        data={"csrf_token": csrf_token(client, page_url), "name": "Dienst", "opacity": "1", **data},
    )


def test_the_layer_form_says_other_hosts_need_an_administrator(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    page = client.get(f"/staff/beteiligung/{consultation.slug}/ebenen").get_data(as_text=True)
    assert "on a host an administrator has allowed first" in page


@pytest.mark.parametrize(
    "url",
    [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",  # not listed
        "http://geodienste.leipzig.de/{z}/{x}/{y}.png",  # other scheme
        "https://geodienste.leipzig.de.example.org/{z}/{x}/{y}.png",  # look-alike host
        "https://geodienste.leipzig.de:8443/{z}/{x}/{y}.png",  # other port
        "https://user@geodienste.leipzig.de/{z}/{x}/{y}.png",
    ],
)
def test_a_layer_on_an_unlisted_host_is_refused(client, app, login_as, make_consultation, monkeypatch, url):
    monkeypatch.setitem(app.config, "MAP_TILE_ORIGINS", (LEIPZIG,))
    consultation = make_consultation()
    login_as("staff")
    response = _post_layer(client, consultation, kind="xyz", url=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This host is not allowed." in page and LEIPZIG in page
    assert _count(app, MapLayer) == 0


def test_a_layer_on_an_allowed_host_is_shown_while_the_host_stays_allowed(
    client, app, login_as, make_consultation, monkeypatch
):
    monkeypatch.setitem(app.config, "MAP_TILE_ORIGINS", (LEIPZIG,))
    consultation = make_consultation()
    login_as("staff")
    url = LEIPZIG + "/wms/orthophotos"
    response = _post_layer(
        client, consultation, kind="wms", url=url, wms_layers="dop20", wms_format="image/jpeg"
    )
    assert response.status_code == 302
    page = client.get(f"/beteiligung/{consultation.slug}")
    assert LEIPZIG in page.headers["Content-Security-Policy"]
    body = page.get_data(as_text=True)
    assert "L.tileLayer.wms(" in body and url in body and "image/jpeg" in body
    monkeypatch.setitem(app.config, "MAP_TILE_ORIGINS", ())
    body = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert url not in body  # the operator withdrew the host: the map leaves the layer out


def test_layer_images_may_be_gifs_and_larger_than_photos(client, app, login_as, make_consultation):
    consultation = make_consultation(map_mode="plan", area=None)
    login_as("staff")
    page_url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    big_gif = png_bytes((400, 300), fmt="GIF") + b"\0" * (9 * 1024 * 1024)  # trailing bytes after the image
    response = client.post(
        page_url,
        data={
            "csrf_token": csrf_token(client, page_url),
            "name": "Grundriss",
            "kind": "image",
            "opacity": "1",
            "description": "Grundriss",
            "image": (io.BytesIO(big_gif), "plan.gif"),
        },
        content_type="multipart/form-data",
    )
    close_body(response)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MapLayer.image_width)) == 400


def _pdf_bytes(size=(842, 595)) -> bytes:
    """A one-page PDF (A4 landscape in points), made by Pillow like a scanned plan."""
    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(out, format="PDF")
    return out.getvalue()


def test_a_plan_may_come_as_the_first_page_of_a_pdf(client, app, login_as, make_consultation):
    consultation = make_consultation(map_mode="plan", area=None)
    login_as("staff")
    page_url = f"/staff/beteiligung/{consultation.slug}/ebenen"

    def upload(data, name="plan.pdf"):
        response = client.post(page_url, data={
            "csrf_token": csrf_token(client, page_url), "name": "Grundriss Erdgeschoss", "kind": "image",
            "description": "Grundriss", "opacity": "1", "image": (io.BytesIO(data), name)},
            content_type="multipart/form-data")
        close_body(response)
        return response

    broken = upload(b"%PDF-1.4\nnot really a pdf")
    assert broken.status_code == 422
    assert "The PDF could not be read." in broken.get_data(as_text=True)
    assert _count(app, MapLayer) == 0
    assert upload(_pdf_bytes()).status_code == 302
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        assert (layer.image_width, layer.image_height) == (6000, 4240)  # drawn at 6,000 px across
        assert layer.image_key.endswith(".png")


def test_a_category_or_layer_is_removed_only_through_its_own_consultation(
    client, app, login_as, make_consultation
):
    mine, other = make_consultation(title="Plagwitz"), make_consultation(title="Lindenau")
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.consultation_id == other.id))
    login_as("staff")
    url = f"/staff/beteiligung/{mine.slug}"
    token = {"csrf_token": csrf_token(client, url)}
    assert client.post(f"{url}/kategorien/{category.id}/loeschen", data=token).status_code == 404
    assert client.post(f"{url}/ebenen/999999/loeschen", data=token).status_code == 404
    with app.app_context():
        assert db.session.get(Category, category.id) is not None


# --- one more question before something ends, and the staff forms' HTML ----------------------


def test_removing_a_category_asks_first_on_a_page_of_its_own(client, app, login_as, make_consultation):
    consultation = make_consultation(categories=("Verkehr",))
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    with app.app_context():
        category = db.session.scalar(select(Category))
    remove_url = f"{url}/kategorien/{category.id}/loeschen"
    edit_page = client.get(url).get_data(as_text=True)
    assert f'action="{remove_url}"' not in edit_page  # no one-click form on the edit page
    assert f'href="{remove_url}"' in edit_page
    question = client.get(remove_url)
    body = question.get_data(as_text=True)
    assert question.status_code == 200 and "Remove the category “Verkehr”?" in body
    assert f'<form method="post" action="{remove_url}"' in body and "Yes, remove the category" in body
    assert _count(app, Category) == 1  # asking changed nothing
    assert client.post(remove_url, data={"csrf_token": csrf_token(client, remove_url)}).status_code == 302
    assert _count(app, Category) == 0


def test_removing_a_layer_asks_first(client, app, login_as, make_consultation):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(800, 600))
    login_as("staff")
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
    remove_url = f"/staff/beteiligung/{consultation.slug}/ebenen/{layer.id}/loeschen"
    edit_page = client.get(f"/staff/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert f'action="{remove_url}"' not in edit_page and f'href="{remove_url}"' in edit_page
    body = client.get(remove_url).get_data(as_text=True)
    assert "Remove the layer “Grundriss”?" in body and "Yes, remove the layer" in body
    assert _count(app, MapLayer) == 1
    client.post(remove_url, data={"csrf_token": csrf_token(client, remove_url)})
    assert _count(app, MapLayer) == 0


@pytest.mark.parametrize(
    "start,target,question",
    [("open", "closed", "Close “Plagwitz Ideen”?"), ("closed", "evaluated", "Publish the results of")],
)
def test_ending_a_consultation_asks_first(client, app, login_as, make_consultation, start, target, question):
    consultation = make_consultation(state=start, results="Zwölf Ideen werden umgesetzt.")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}"
    confirm_url = f"{url}/status?target={target}"
    assert f'href="{confirm_url}"' in client.get(url).get_data(as_text=True)
    # an unconfirmed POST (an old form, a replayed request) only leads to the question
    unconfirmed = client.post(url + "/status", data={"csrf_token": csrf_token(client, url), "target": target})
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"] == confirm_url
    assert _get(app, Consultation, consultation.id).state == start
    body = client.get(confirm_url).get_data(as_text=True)
    assert question in body and 'name="confirmed" value="yes"' in body
    token = csrf_token(client, confirm_url)
    client.post(url + "/status", data={"csrf_token": token, "target": target, "confirmed": "yes"})
    assert _get(app, Consultation, consultation.id).state == target


def test_only_possible_endings_are_asked_about(client, login_as, make_consultation):
    consultation = make_consultation(state="draft")
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/status"
    assert client.get(url + "?target=closed").status_code == 404  # a draft cannot be closed
    assert client.get(url + "?target=open").status_code == 404  # opening needs no question
    assert client.get(url + "?target=nonsense").status_code == 404


def test_an_image_layer_needs_a_text_alternative(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    corners = {"south": "51.3295", "west": "12.3201", "north": "51.335", "east": "12.34"}

    def post(**extra):
        data = {"csrf_token": csrf_token(client, url), "name": "Luftbild", "kind": "image", "opacity": "0.75",
                "image": (io.BytesIO(png_bytes()), "luftbild.png"), **corners, **extra}
        return client.post(url, data=data, content_type="multipart/form-data")

    missing = post(description="  ")
    assert missing.status_code == 422
    assert "Please describe what the image shows" in missing.get_data(as_text=True)
    assert _count(app, MapLayer) == 0
    assert post(description="Luftbild von Plagwitz mit dem Kanal").status_code == 302
    with app.app_context():
        layer = db.session.scalar(select(MapLayer))
        assert layer.description == "Luftbild von Plagwitz mit dem Kanal" and layer.south == 51.3295
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert '"alt": "Luftbild von Plagwitz mit dem Kanal"' in page


def test_staff_form_fields_are_valid_html(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    edit = client.get(f"/staff/beteiligung/{consultation.slug}").get_data(as_text=True)
    colour = re.search(r'<input [^>]*type="color"[^>]*>', edit).group(0)
    assert "required" not in colour  # not allowed on a colour input: it always has a value
    assert 'id="color"' in colour and '<label for="color">' in edit
    layer = client.get(f"/staff/beteiligung/{consultation.slug}/ebenen").get_data(as_text=True)
    for name in ("south", "west", "north", "east", "opacity"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', layer).group(0)
        assert 'step="any"' in field, field  # 51.3295 is a valid latitude
    assert 'name="description"' in layer


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_a_layer_opacity_that_is_not_a_number_is_refused(client, app, login_as, make_consultation, value):
    consultation = make_consultation()
    login_as("staff")
    response = _post_layer(client, consultation, kind="xyz", url="/tiles/{z}/{x}/{y}.png", opacity=value)
    assert response.status_code == 422
    assert f'value="{value}"' in response.get_data(as_text=True)  # kept, to be corrected
    with app.app_context():
        assert not db.session.scalars(select(MapLayer).filter_by(consultation_id=consultation.id)).all()
