"""Uploaded images are re-encoded: no EXIF, no GPS, a thumbnail, and no non-images."""

import io

import pytest
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
