"""Uploaded images are re-encoded: no EXIF, no GPS, a thumbnail, and no non-images."""

import io
import re

import pytest
from flask_babel import force_locale
from PIL import Image

from participation.core import uploads
from tests.consultations.conftest import png_bytes


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0112] = 6  # orientation: rotated 90°
    exif[0x8825] = {1: "N", 2: (51.0, 19.0, 48.0), 3: "E", 4: (12.0, 19.0, 30.0)}  # GPS
    return exif


def test_exif_and_gps_are_stripped_and_the_image_turned_upright(app, upload_storage):
    data = png_bytes(size=(300, 200), fmt="JPEG", exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif()  # the upload carries EXIF
    with app.app_context():
        stored = uploads.store_image(data, "ideas", thumbnail_side=100)
    body = upload_storage.read(stored.key)
    image = Image.open(io.BytesIO(body))
    assert not image.getexif()
    assert b"Kamerahersteller" not in body and b"Exif" not in body
    assert image.size == (200, 300)  # orientation applied before dropping the tag
    thumb = Image.open(io.BytesIO(upload_storage.read(stored.thumbnail_key)))
    assert max(thumb.size) == 100


@pytest.mark.parametrize("data", [b"", b"GIF89a not really", b"%PDF-1.4\n", b"<svg></svg>"])
def test_non_images_are_refused(app, data, upload_storage):
    with app.app_context(), pytest.raises(uploads.UploadError):
        uploads.store_image(data, "ideas")
    assert not list(upload_storage.root.rglob("*.*")) if upload_storage.root.exists() else True


def test_huge_images_are_refused_before_decoding(app, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    with app.app_context(), pytest.raises(uploads.UploadError):
        uploads.store_image(png_bytes(size=(20, 20)), "ideas")


def test_storage_keys_cannot_escape_the_folder(upload_storage):
    with pytest.raises(FileNotFoundError):
        upload_storage.read("../../etc/passwd")
    assert not uploads.valid_key("ideas/../x.jpg")
    assert uploads.valid_key("ideas/abc-def.jpg")


def test_files_are_deleted_only_when_the_transaction_commits(app, upload_storage):
    from sqlalchemy import text

    from participation.extensions import db

    upload_storage.save("ideas/keep.jpg", b"x")
    upload_storage.save("ideas/gone.jpg", b"y")
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # a request is always inside a transaction
        uploads.delete_after_commit("ideas/keep.jpg")
        db.session.rollback()
        uploads.delete_after_commit("ideas/gone.jpg")
        db.session.commit()
    assert upload_storage.read("ideas/keep.jpg") == b"x"
    with pytest.raises(FileNotFoundError):
        upload_storage.read("ideas/gone.jpg")


def test_a_discarded_file_is_deleted_after_the_commit(app, upload_storage):
    from participation.extensions import db

    upload_storage.save("ideas/photo.jpg", b"p")
    upload_storage.save("ideas/photo-thumb.jpg", b"t")
    with app.app_context():
        uploads.delete_after_commit("ideas/photo.jpg", "ideas/photo-thumb.jpg")
        assert upload_storage.read("ideas/photo.jpg") == b"p"  # still there until the commit
        db.session.commit()
    for key in ("ideas/photo.jpg", "ideas/photo-thumb.jpg"):
        with pytest.raises(FileNotFoundError):
            upload_storage.read(key)


def test_a_discarded_file_is_kept_after_a_rollback(app, upload_storage):
    from participation.extensions import db

    upload_storage.save("ideas/photo.jpg", b"p")
    with app.app_context():
        uploads.delete_after_commit("ideas/photo.jpg")
        db.session.rollback()
        db.session.commit()  # a later commit does not bring the rolled-back deletion back
    assert upload_storage.read("ideas/photo.jpg") == b"p"


def test_a_file_discarded_in_a_rolled_back_savepoint_is_kept(app, upload_storage):
    from participation.extensions import db

    upload_storage.save("ideas/keep.jpg", b"k")
    upload_storage.save("ideas/gone.jpg", b"g")
    with app.app_context():
        uploads.delete_after_commit("ideas/gone.jpg")
        savepoint = db.session.begin_nested()
        uploads.delete_after_commit("ideas/keep.jpg")
        savepoint.rollback()
        db.session.commit()
    assert upload_storage.read("ideas/keep.jpg") == b"k"
    with pytest.raises(FileNotFoundError):
        upload_storage.read("ideas/gone.jpg")


def _pdf_page(width: float, height: float) -> bytes:
    """A one-page PDF with a page of `width` × `height` points, made by PDFium itself."""
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


@pytest.mark.parametrize(
    "size,message",
    [
        ((14400, 0.5), "too small for a plan (5080 × 0 mm)"),  # became a 6,000 × 1 px layer
        ((14400, 1000), "too narrow for a plan (5080 × 353 mm)"),
        ((30, 40), "too small for a plan (11 × 14 mm)"),
    ],
)
def test_pdf_pages_of_absurd_shape_are_refused(app, size, message, upload_storage):
    page = _pdf_page(*size)
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(uploads.UploadError) as refused:
            uploads.first_pdf_page(page)
        assert message in str(refused.value)  # lazy: read out in English


@pytest.mark.parametrize("size", [(595, 842), (3370, 2384), (2384, 238.4)])  # A4, A0, a long 10:1 strip
def test_pdf_pages_a_plan_can_have_are_drawn(app, size):
    with app.test_request_context():
        png = uploads.first_pdf_page(_pdf_page(*size), longest_side=600)
    assert abs(max(Image.open(io.BytesIO(png)).size) - 600) <= 1  # PDFium rounds to whole pixels


def test_staff_see_why_a_pdf_plan_was_refused(english_client, login_as, make_consultation):
    from tests.conftest import csrf_token
    from tests.consultations.conftest import close_body

    consultation = make_consultation(map_mode="plan", area=None)
    login_as("staff")
    url = f"/staff/beteiligung/{consultation.slug}/ebenen"
    response = english_client.post(url, data={
        "csrf_token": csrf_token(english_client, url), "name": "Plan", "kind": "image", "opacity": "1",
        "description": "Grundriss", "image": (io.BytesIO(_pdf_page(14400, 0.5)), "plan.pdf")},
        content_type="multipart/form-data")
    close_body(response)
    assert response.status_code == 422
    assert "The first page of the PDF is too small for a plan" in response.get_data(as_text=True)


# --- a chosen photo after a failed submission --------------------------------------------------

def _idea_form(client, consultation, **fields):
    from tests.conftest import csrf_token

    url = f"/beteiligung/{consultation.slug}/ideen/neu"
    data = {"csrf_token": csrf_token(client, url), "title": "Schattige Bank", "body": "Am Kanal.",
            "kind": "point", "positions": "51.330, 12.325", "category": "", **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


AGAIN = "Please choose your photo again: after an error the form cannot keep it."


def test_the_idea_form_asks_for_the_photo_again_after_an_error(
    english_client, login_as, make_consultation
):
    consultation = make_consultation()
    login_as("resident")
    outside = _idea_form(english_client, consultation, positions="51.400, 12.400",
                         photo=(io.BytesIO(png_bytes(fmt="JPEG")), "bank.jpg"))
    assert outside.status_code == 422
    page = outside.get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="photo-hint">([^<]*)</p>', page).group(1)
    assert hint.startswith(AGAIN)
    photo_input = re.search(r'<input [^>]*id="photo"[^>]*>', page).group(0)
    assert 'aria-describedby="photo-hint"' in photo_input  # read out with the field


def test_no_photo_no_hint(english_client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("resident")
    page = _idea_form(english_client, consultation, positions="51.400, 12.400").get_data(as_text=True)
    assert AGAIN not in page
    page = english_client.get(f"/beteiligung/{consultation.slug}/ideen/neu").get_data(as_text=True)
    assert AGAIN not in page
