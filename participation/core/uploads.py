"""Uploaded files: one storage interface, and images re-encoded before anything keeps them.

Re-encoding from pixels drops EXIF (GPS position, camera serial, author), ICC tricks and
anything smuggled after the image data; the image is turned upright first so dropping the
orientation tag changes nothing visible. The local folder is the default store; another
store (S3-compatible, for several app servers) only needs `save`, `read` and `delete` and
is installed as `app.extensions["upload_storage"]`.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from participation.core import events

# Plans and aerial images (uploaded by staff) may also be GIFs and as large as a request
# allows; residents' photos are JPEG, PNG or WebP of at most 8 MB.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Keys are made by this app ("ideas/<hex>.jpg"); 200 characters keep every name far below the
# file systems' 255-byte limit, so a longer key is simply not one of ours (404, not OSError).
_KEY = re.compile(r"^(?=.{1,200}\Z)[a-z0-9_-]+(/[a-z0-9_-]+)*\.(jpg|png|pdf)\Z")
# Files under this folder hold personal data (scanned signature lists): the public media
# route never serves them; the feature that stored them does, to those allowed to see them.
PRIVATE_FOLDER = "private"


class UploadError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in a folder on this server (instance/uploads by default)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise FileNotFoundError(key)
        return self.root / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> Storage:
    store = current_app.extensions.get("upload_storage")
    if store is None:
        store = LocalStorage(Path(current_app.instance_path) / "uploads")
        current_app.extensions["upload_storage"] = store
    return store


UPLOAD_DISCARDED = "upload.discarded"
EVENTS = {UPLOAD_DISCARDED: "rows stopped using stored files; payload: keys (the storage keys to delete)"}


def delete_after_commit(*keys: str) -> None:
    """Forget stored files once the transaction that stopped using them has committed; a
    rolled-back request (or SAVEPOINT) keeps the files its rows still point to."""
    if keys:
        events.emit(UPLOAD_DISCARDED, keys=list(keys))


def _delete_discarded(discarded: events.Event) -> None:
    store = storage()
    for key in discarded["keys"]:
        store.delete(key)


def init_app(app) -> None:
    events.declare_all(EVENTS)
    events.subscribe(UPLOAD_DISCARDED, _delete_discarded)


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


def is_public(key: str) -> bool:
    return not key.startswith(PRIVATE_FOLDER + "/") and not key.endswith(".pdf")


@dataclass(frozen=True)
class StoredImage:
    key: str
    width: int
    height: int
    thumbnail_key: str | None = None


_FORMAT_MESSAGES = {
    ACCEPTED_FORMATS: _l("Please upload a JPEG, PNG, WebP or GIF image."),
    PHOTO_FORMATS: _l("Please upload a JPEG, PNG or WebP image."),
}


def _open(
    data: bytes, formats: frozenset[str] = ACCEPTED_FORMATS, max_bytes: int | None = None
) -> Image.Image:
    if not data:
        raise UploadError(_l("The file is empty."))
    if max_bytes is not None and len(data) > max_bytes:
        raise UploadError(
            _l("The file is too large. Please use at most %(size)d MB.", size=max_bytes // (1024 * 1024))
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in formats:
                raise UploadError(_FORMAT_MESSAGES.get(formats, _l("This kind of image is not accepted.")))
            if probe.width * probe.height > MAX_PIXELS:
                raise UploadError(_l("The image is too large. Please use at most 40 megapixels."))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except UploadError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise UploadError(_l("The file is not an image we can read.")) from error
    return ImageOps.exif_transpose(image)


def _encode(image: Image.Image, lossless: bool) -> tuple[bytes, str]:
    """Encode fresh pixel data: no EXIF, no comments, no metadata of any kind."""
    out = io.BytesIO()
    if lossless:
        clean = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        pixels = Image.new(clean.mode, clean.size)
        pixels.paste(clean)
        pixels.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    clean = image.convert("RGB")
    pixels = Image.new("RGB", clean.size)
    pixels.paste(clean)
    pixels.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def store_image(
    data: bytes,
    folder: str,
    *,
    lossless: bool = False,
    max_side: int = 4096,
    thumbnail_side: int | None = None,
    formats: frozenset[str] = ACCEPTED_FORMATS,
    max_bytes: int | None = None,
    redraw: Callable[[Image.Image], Image.Image] | None = None,
) -> StoredImage:
    """Check (format, file size), shrink and re-encode an uploaded image, save it (and a
    thumbnail) under a new key. Nothing is stored when a check fails. `redraw` turns the
    upright image into the one to keep (a map layer warped north-up) before it is shrunk
    and encoded."""
    image = _open(data, formats, max_bytes)
    if redraw is not None:
        image = redraw(image)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    body, extension = _encode(image, lossless)
    name = secrets.token_urlsafe(12).lower().replace("_", "-")
    key = f"{folder}/{name}.{extension}"
    store = storage()
    store.save(key, body)
    thumbnail_key = None
    if thumbnail_side:
        small = image.copy()
        small.thumbnail((thumbnail_side, thumbnail_side))
        thumb_body, thumb_extension = _encode(small, lossless)
        thumbnail_key = f"{folder}/{name}-thumb.{thumb_extension}"
        store.save(thumbnail_key, thumb_body)
    return StoredImage(key, image.width, image.height, thumbnail_key)


PDF_PLAN_SIDE = 6000  # pixels along the longer side of a plan drawn from a PDF
# Page shapes a plan can have: a 14,400 × 0.5 pt page would become a 6,000 × 1 px "plan".
PDF_MAX_ASPECT = 10  # the longer side at most ten times the shorter
PDF_MIN_SIDE_PT = 72  # one inch (25.4 mm); A7 is 210 × 298 pt


def check_pdf_page_shape(width: float, height: float) -> None:
    """Refuse a page no plan has: shorter than an inch on a side, or more than ten times as
    long as it is wide. Sizes in PDF points (1/72 inch)."""
    shorter, longer = sorted((width, height))
    size = {"width": round(width * 25.4 / 72), "height": round(height * 25.4 / 72)}
    if shorter < PDF_MIN_SIDE_PT:
        raise UploadError(
            _l(
                "The first page of the PDF is too small for a plan (%(width)d × %(height)d mm). "
                "Please upload a plan whose page is at least 2.5 cm on each side.",
                **size,
            )
        )
    if round(longer / shorter, 2) > PDF_MAX_ASPECT:  # PDFium reads sizes as 32-bit floats
        raise UploadError(
            _l(
                "The first page of the PDF is too narrow for a plan (%(width)d × %(height)d mm). "
                "Please upload a plan whose page is at most ten times as long as it is wide.",
                **size,
            )
        )


def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def first_pdf_page(data: bytes, longest_side: int = PDF_PLAN_SIDE) -> bytes:
    """The first page of a PDF (plans often come as PDF) as a PNG, drawn by PDFium at a
    scale that makes its longer side `longest_side` pixels; it is then stored like any other
    uploaded image, so nothing of the PDF itself (scripts, forms, metadata) is kept."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
        try:
            if len(document) == 0:
                raise UploadError(_l("The PDF has no pages."))
            page = document[0]
            width, height = page.get_size()
            check_pdf_page_shape(width, height)
            scale = longest_side / max(width, height, 1)
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
    except pypdfium2.PdfiumError as error:
        raise UploadError(_l("The PDF could not be read. Is it protected by a password?")) from error
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_dimensions(data: bytes) -> tuple[int, int]:
    return _open(data).size
