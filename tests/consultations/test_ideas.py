"""Residents add and edit ideas; the server checks every shape and every photo."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from participation.consultations.models import Idea
from participation.extensions import db
from tests.conftest import csrf_token, login
from tests.consultations.conftest import INSIDE, OUTSIDE, close_body, first_category, png_bytes
from tests.consultations.test_uploads import exif_with_gps


def idea_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Idea))


def stored_idea(app):
    with app.app_context():
        idea = db.session.scalar(select(Idea))
        db.session.expunge(idea)
        return idea


def post_idea(client, consultation, *, positions=f"{INSIDE[0]}, {INSIDE[1]}", kind="point", **extra):
    url = f"/beteiligung/{consultation.slug}/ideen/neu"
    data = {
        "csrf_token": csrf_token(client, url),
        "title": "Tempo 30 vor der Schule",
        "body": "Hier fahren Autos zu schnell.",
        "kind": kind,
        "positions": positions,
        "category": "",
    }
    data.update(extra)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_resident_adds_a_point_idea_without_javascript(client, app, login_as, make_consultation):
    consultation = make_consultation()
    author = login_as("resident")
    category = first_category(app, consultation)
    form = client.get(f"/beteiligung/{consultation.slug}/ideen/neu").get_data(as_text=True)
    assert 'name="positions"' in form and 'name="kind"' in form  # works as plain HTML
    response = post_idea(client, consultation, category=str(category.id))
    assert response.status_code == 302
    idea = stored_idea(app)
    assert (idea.author_id, idea.kind, idea.category_id, idea.status) == (
        author.id,
        "point",
        category.id,
        "received",
    )
    assert idea.geometry == {"type": "Point", "coordinates": [INSIDE[1], INSIDE[0]]}
    assert (idea.min_lon, idea.min_lat, idea.max_lon, idea.max_lat) == (
        INSIDE[1],
        INSIDE[0],
        INSIDE[1],
        INSIDE[0],
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tempo 30 vor der Schule" in page


def test_lines_and_areas_are_accepted_when_allowed(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    assert (
        post_idea(client, consultation, kind="line", positions="51.33, 12.322\n51.333, 12.324").status_code
        == 302
    )
    area = "51.33, 12.322\n51.333, 12.324\n51.331, 12.326"
    assert post_idea(client, consultation, kind="polygon", positions=area).status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(Idea.kind))) == ["line", "polygon"]


@pytest.mark.parametrize(
    "kind,positions,message",
    [
        ("point", f"{OUTSIDE[0]}, {OUTSIDE[1]}", "Please place your idea inside the participation area."),
        ("point", "51.326, 12.335", "Please place your idea inside the participation area."),  # in the notch
        ("line", "51.322, 12.335\n51.330, 12.335", "Please place your idea inside the participation area."),
        ("point", "51.33", "Please write one position per line"),
        ("point", "hier bei mir", "Please write one position per line"),
        ("point", "95, 12.3", "outside the valid range"),
        ("point", "51.33, 12.32\n51.331, 12.321", "A point needs exactly one position."),
        ("line", "51.33, 12.322", "A line needs at least two different points."),
        ("polygon", "51.33, 12.322\n51.333, 12.324\n51.33, 12.324\n51.333, 12.322", "crosses itself"),
    ],
)
def test_bad_shapes_rerender_the_filled_form_and_write_nothing(
    client, app, login_as, make_consultation, kind, positions, message
):
    consultation = make_consultation()
    login_as("resident")
    response = post_idea(client, consultation, kind=kind, positions=positions)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Tempo 30 vor der Schule" in page and "Hier fahren Autos zu schnell." in page
    assert 'aria-invalid="true"' in page
    assert idea_count(app) == 0


def test_the_error_message_follows_the_page_language(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    response = post_idea(client, consultation, positions=f"{OUTSIDE[0]}, {OUTSIDE[1]}")
    assert response.status_code == 422
    assert '<html lang="de"' in response.get_data(as_text=True)


def test_geometry_messages_are_translated_when_shown():
    from flask_babel.speaklater import LazyString

    from participation.core import geo

    with pytest.raises(geo.GeometryError) as error:
        geo.parse_positions("x")
    assert isinstance(error.value.message, LazyString)


def test_kinds_the_consultation_does_not_accept_are_refused(client, app, login_as, make_consultation):
    consultation = make_consultation(kinds=("point",))
    login_as("resident")
    response = post_idea(client, consultation, kind="line", positions="51.33, 12.322\n51.333, 12.324")
    assert response.status_code == 422
    assert idea_count(app) == 0


def test_an_unknown_category_is_refused(client, app, login_as, make_consultation):
    consultation = make_consultation()
    other = make_consultation(title="Andere")
    login_as("resident")
    response = post_idea(client, consultation, category=str(first_category(app, other).id))
    assert response.status_code == 422
    assert "Please choose one of the categories." in response.get_data(as_text=True)
    assert idea_count(app) == 0


def test_without_an_area_ideas_may_lie_anywhere(client, app, login_as, make_consultation):
    consultation = make_consultation(area=None)
    login_as("resident")
    assert post_idea(client, consultation, positions=f"{OUTSIDE[0]}, {OUTSIDE[1]}").status_code == 302


def test_plan_ideas_must_lie_on_the_plan_image(client, app, login_as, make_consultation):
    consultation = make_consultation(map_mode="plan", area=None, plan_size=(1000, 700))
    login_as("resident")
    assert post_idea(client, consultation, positions="1200, 300").status_code == 422
    assert post_idea(client, consultation, positions="500, -1").status_code == 422
    assert idea_count(app) == 0
    assert post_idea(client, consultation, positions="500, 300").status_code == 302
    assert stored_idea(app).geometry == {"type": "Point", "coordinates": [500.0, 300.0]}


def test_photo_is_reencoded_without_gps_and_gets_a_thumbnail(
    client, app, login_as, make_consultation, upload_storage
):
    consultation = make_consultation()
    login_as("resident")
    photo = png_bytes(size=(1200, 800), fmt="JPEG", exif=exif_with_gps())
    response = post_idea(
        client, consultation, photo=(io.BytesIO(photo), "IMG_0001.jpg"), photo_description="Die Kreuzung"
    )
    assert response.status_code == 302
    idea = stored_idea(app)
    body = client.get(f"/media/{idea.photo_key}").data
    assert not Image.open(io.BytesIO(body)).getexif()
    assert b"Exif" not in body
    thumb = Image.open(io.BytesIO(upload_storage.read(idea.thumbnail_key)))
    assert max(thumb.size) == 480
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'alt="Die Kreuzung"' in page


def test_a_broken_photo_rerenders_the_form_and_stores_nothing(
    client, app, login_as, make_consultation, upload_storage
):
    consultation = make_consultation()
    login_as("resident")
    response = post_idea(client, consultation, photo=(io.BytesIO(b"%PDF-1.7 not an image"), "x.jpg"))
    assert response.status_code == 422
    assert "The file is not an image we can read." in response.get_data(as_text=True)
    assert idea_count(app) == 0
    assert not upload_storage.root.exists() or not any(upload_storage.root.rglob("*.jpg"))


def test_a_bad_shape_with_a_photo_stores_no_file(client, app, login_as, make_consultation, upload_storage):
    consultation = make_consultation()
    login_as("resident")
    response = post_idea(
        client,
        consultation,
        positions=f"{OUTSIDE[0]}, {OUTSIDE[1]}",
        photo=(io.BytesIO(png_bytes(fmt="JPEG")), "a.jpg"),
    )
    assert response.status_code == 422
    assert not upload_storage.root.exists() or not any(upload_storage.root.rglob("*.jpg"))


def test_a_stale_csrf_token_keeps_what_was_typed(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    response = client.post(
        f"/beteiligung/{consultation.slug}/ideen/neu",
        data={
            "csrf_token": "stale",
            "title": "Mein Titel",
            "body": "Mein Text",
            "kind": "point",
            "positions": "51.33, 12.325",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mein Titel" in page and "Mein Text" in page
    assert idea_count(app) == 0


def test_who_may_add_ideas(client, app, login_as, make_consultation):
    consultation = make_consultation()
    url = f"/beteiligung/{consultation.slug}/ideen/neu"
    assert "/login?next=" in client.get(url).headers["Location"]
    login_as("resident", confirmed=False)
    assert client.get(url).status_code == 302  # to the account page: confirm first
    closed = make_consultation(state="closed", title="Vorbei")
    login_as("resident")
    assert client.get(f"/beteiligung/{closed.slug}/ideen/neu").status_code == 403
    assert post_idea(client, closed).status_code == 403
    assert idea_count(app) == 0


def test_authors_edit_their_ideas_until_answered(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    author = login_as("resident")
    idea = make_idea(consultation, author=author)
    url = f"/beteiligung/{consultation.slug}/ideen/{idea.id}/bearbeiten"
    form = client.get(url).get_data(as_text=True)
    assert "51.330000, 12.325000" in form  # the stored position, filled in
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "title": "Neuer Titel",
            "body": "Neuer Text",
            "kind": "point",
            "positions": "51.331, 12.326",
        },
    )
    assert response.status_code == 302
    assert stored_idea(app).geometry["coordinates"] == [12.326, 51.331]
    bad = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "title": "Anders",
            "body": "Anders",
            "kind": "point",
            "positions": f"{OUTSIDE[0]}, {OUTSIDE[1]}",
        },
    )
    assert bad.status_code == 422
    assert stored_idea(app).title == "Neuer Titel"
    with app.app_context():
        db.session.get(Idea, idea.id).response = "Danke"
        db.session.commit()
    assert client.get(url).status_code == 403


def test_others_cannot_edit(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("resident")
    url = f"/beteiligung/{consultation.slug}/ideen/{idea.id}/bearbeiten"
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url,
            data={
                "csrf_token": csrf_token(client, f"/beteiligung/{consultation.slug}"),
                "title": "X",
                "body": "Y",
                "kind": "point",
                "positions": "51.33, 12.325",
            },
        ).status_code
        == 403
    )


def test_hidden_ideas_and_other_consultations_ideas_are_not_found(client, make_consultation, make_idea):
    consultation = make_consultation()
    other = make_consultation(title="Andere")
    hidden = make_idea(consultation, visibility="hidden")
    elsewhere = make_idea(other)
    assert client.get(f"/beteiligung/{consultation.slug}/ideen/{hidden.id}").status_code == 404
    assert client.get(f"/beteiligung/{consultation.slug}/ideen/{elsewhere.id}").status_code == 404
    assert client.get(f"/beteiligung/{consultation.slug}/ideen/999999").status_code == 404


def test_authors_replace_and_remove_their_photo(client, app, login_as, make_consultation, upload_storage):
    consultation = make_consultation()
    login_as("resident")
    post_idea(client, consultation, photo=(io.BytesIO(png_bytes(fmt="JPEG")), "a.jpg"), photo_description="A")
    first = stored_idea(app)
    url = f"/beteiligung/{consultation.slug}/ideen/{first.id}/bearbeiten"
    data = {"title": "T", "body": "B", "kind": "point", "positions": "51.33, 12.325"}
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            **data,
            "photo": (io.BytesIO(png_bytes(fmt="PNG")), "b.png"),
        },
        content_type="multipart/form-data",
    )
    second = stored_idea(app)
    assert second.photo_key != first.photo_key
    with pytest.raises(FileNotFoundError):
        upload_storage.read(first.photo_key)
    client.post(url, data={"csrf_token": csrf_token(client, url), **data, "remove_photo": "y"})
    third = stored_idea(app)
    assert third.photo_key is None and third.thumbnail_key is None and third.photo_description is None
    with pytest.raises(FileNotFoundError):
        upload_storage.read(second.thumbnail_key)


def test_titles_have_at_most_120_and_texts_at_most_5000_characters(client, app, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    too_long_title = post_idea(client, consultation, title="T" * 121)
    assert too_long_title.status_code == 422
    assert "Please use at most 120 characters." in too_long_title.get_data(as_text=True)
    too_long_body = post_idea(client, consultation, body="B" * 5001)
    assert too_long_body.status_code == 422
    assert "Please use at most 5000 characters." in too_long_body.get_data(as_text=True)
    assert idea_count(app) == 0
    assert post_idea(client, consultation, title="T" * 120, body="B" * 5000).status_code == 302
    assert Idea.__table__.c.title.type.length == 120


def test_the_photo_hint_names_the_formats_and_the_limit(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    form = client.get(f"/beteiligung/{consultation.slug}/ideen/neu").get_data(as_text=True)
    assert "JPEG, PNG or WebP, at most 8 MB." in form


@pytest.mark.parametrize(
    "photo,name,message",
    [
        (png_bytes(fmt="GIF"), "animation.gif", "Please upload a JPEG, PNG or WebP image."),
        # a real JPEG followed by padding: 8 MB and one byte
        (
            png_bytes(fmt="JPEG") + b"\0" * (8 * 1024 * 1024 + 1 - len(png_bytes(fmt="JPEG"))),
            "huge.jpg",
            "The file is too large. Please use at most 8 MB.",
        ),
    ],
)
def test_gif_and_oversized_photos_are_refused_and_the_form_comes_back_filled_in(
    client, app, login_as, make_consultation, upload_storage, photo, name, message
):
    consultation = make_consultation()
    login_as("resident")
    response = post_idea(client, consultation, photo=(io.BytesIO(photo), name))
    close_body(response)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Tempo 30 vor der Schule" in page and "Hier fahren Autos zu schnell." in page
    assert idea_count(app) == 0
    assert not upload_storage.root.exists() or not any(upload_storage.root.rglob("*.*"))


def test_a_webp_photo_of_exactly_8_mb_is_accepted(client, app, login_as, make_consultation, upload_storage):
    consultation = make_consultation()
    login_as("resident")
    webp = png_bytes(fmt="WEBP")
    photo = webp + b"\0" * (8 * 1024 * 1024 - len(webp))
    response = post_idea(client, consultation, photo=(io.BytesIO(photo), "a.webp"))
    close_body(response)
    assert response.status_code == 302
    assert upload_storage.read(stored_idea(app).photo_key)


def test_an_answer_without_text_also_ends_editing(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    author = login_as("resident")
    idea = make_idea(consultation, author=author)
    url = f"/beteiligung/{consultation.slug}/ideen/{idea.id}/bearbeiten"
    assert client.get(url).status_code == 200
    login_as("staff")
    page = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    client.post(page + "/antwort", data={"csrf_token": csrf_token(client, page), "status": "in_review"})
    login(client, author)
    assert client.get(url).status_code == 403
