"""Documents staff upload to a meeting, an agenda item or a paper (staff_file_views.py).

A document is a PDF, checked and kept as it is: re-encoding is for images (core.uploads),
and a council document must stay the document the city published, byte for byte, as its
OParl checksums say. It is stored under the upload storage's private folder, which the
public /media route never serves: the only way out is the OParl file URLs, which check
`public` and `deleted` first, and the staff page of the document.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from participation.core import audit, uploads
from participation.core.models import utcnow
from participation.council.models import AgendaItem, File, Meeting, Paper
from participation.council.staff_services import (
    CouncilInputError,
    embedding,
    file_owners,
    text,
    write,
)

MAX_BYTES = 15 * 1024 * 1024  # below the request limit (MAX_CONTENT_LENGTH, 16 MB): a clear message
FOLDER = f"{uploads.PRIVATE_FOLDER}/council"
# (owner, role) -> the owner's attribute that holds the one document of that role; any
# other role is an attachment (auxiliaryFile)
SLOTS = {
    (Paper, "main"): "main_file",
    (AgendaItem, "resolution"): "resolution_file",
    (Meeting, "invitation"): "invitation",
    (Meeting, "results_protocol"): "results_protocol",
    (Meeting, "verbatim_protocol"): "verbatim_protocol",
}


def check_pdf(data: bytes) -> None:
    """Refuse what is empty, too large, no PDF, or a PDF that cannot be opened."""
    if not data:
        raise CouncilInputError("document", _l("The file is empty."))
    if len(data) > MAX_BYTES:
        message = _l("The file is too large. Please use at most %(size)d MB.", size=MAX_BYTES // 2**20)
        raise CouncilInputError("document", message)
    if not uploads.is_pdf(data):
        raise CouncilInputError("document", _l("Please upload a PDF document."))
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        message = _l("The PDF could not be read. Is it damaged or protected by a password?")
        raise CouncilInputError("document", message) from error
    try:
        if len(document) == 0:
            raise CouncilInputError("document", _l("The PDF has no pages."))
    finally:
        document.close()


def _attach(owner, file: File, role: str) -> None:
    """Hang the file on its owner in its role; a document it replaces stays as an attachment."""
    slot = SLOTS.get((type(owner), role))
    if slot is None:
        owner.auxiliary_files.append(file)
        return
    replaced = getattr(owner, slot)
    setattr(owner, slot, file)
    if replaced is not None and not replaced.deleted and replaced not in owner.auxiliary_files:
        owner.auxiliary_files.append(replaced)


def add_file(
    owner,
    *,
    actor,
    data: bytes,
    file_name: str | None,
    name: str,
    role: str,
    public: bool,
    file_date: date | None,
) -> File:
    """Check and store the PDF, attach it to the owner in `role` (staff_forms.FILE_ROLES)."""
    check_pdf(data)
    file_name = secure_filename(file_name or "") or "dokument.pdf"
    if not file_name.lower().endswith(".pdf"):
        file_name = f"{file_name}.pdf"
    key = f"{FOLDER}/{secrets.token_hex(12)}.pdf"
    values = {
        "name": text(name),
        "file_name": file_name[-300:],
        "mime_type": "application/pdf",
        "size": len(data),
        "sha1_checksum": hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        "sha512_checksum": hashlib.sha512(data).hexdigest(),
        "storage_key": key,
        "public": bool(public),
        "date": file_date or utcnow().date(),
    }
    body_id = owner.meeting.body_id if isinstance(owner, AgendaItem) else owner.body_id

    def attach(file: File) -> list:
        _attach(owner, file, role)
        return embedding([owner])

    file = write(None, File, actor, values, body_id=body_id, then=attach)
    uploads.storage().save(key, data)  # last: a refused or failed write leaves no bytes behind
    audit.record(
        actor,
        "council.file.attached",
        owner.__tablename__,
        owner.id,
        after={"file_id": file.id, "role": role, "public": file.public},
    )
    return file


def update_file(file: File, *, actor, name: str, public: bool, file_date: date | None) -> File:
    """Title, date and whether the public may see it; the owners' documents change with it."""
    values = {"name": text(name), "public": bool(public), "date": file_date}
    return write(file, File, actor, values, then=lambda saved: embedding(file_owners(saved)))
