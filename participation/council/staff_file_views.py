"""Staff pages for documents: upload one to a meeting, an agenda item or a paper, change its
title, date and whether the public may see it, and open it (see staff_views.py)."""

from __future__ import annotations

import io

from flask import abort, redirect, send_file
from flask_babel import gettext as _
from flask_login import current_user

from participation.core import uploads
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import show_form
from participation.council import staff_files, staff_services
from participation.council.blueprint import bp
from participation.council.models import File
from participation.council.staff_forms import FileEditForm, FileForm
from participation.council.staff_pages import KINDS, PREFIX, documents_url, load, saved_or_none

OWNERS = ("sitzungen", "tagesordnungspunkte", "vorlagen")


@bp.route(f"{PREFIX}/<any({', '.join(OWNERS)}):kind>/<int:object_id>/dokumente/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_upload_file(kind: str, object_id: int):
    owner = load(KINDS[kind][0], object_id)
    form = FileForm().for_owner(staff_services.KINDS[type(owner)])

    def save():
        upload = form.document.data
        if not upload:
            raise staff_services.CouncilInputError("document", _("Please choose a PDF document."))
        return staff_files.add_file(
            owner,
            actor=current_user,
            data=upload.read(staff_files.MAX_BYTES + 1),  # one more: enough to know it is too large
            file_name=upload.filename,
            name=form.name.data,
            role=form.role.data,
            public=form.public.data,
            file_date=form.date.data,
        )

    done = saved_or_none(
        form, save, _("The document has been added."), then=lambda saved: documents_url(owner)
    )
    return done or show_form(
        "council/staff/file.html", form, owner=owner, file=None, kind=kind, back=documents_url(owner)
    )


@bp.route(f"{PREFIX}/dokumente/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_file(object_id: int):
    file = load(File, object_id)
    form = FileEditForm(data={"name": file.name, "date": file.date, "public": file.public})
    owners = staff_services.file_owners(file)

    def save():
        return staff_files.update_file(
            file, actor=current_user, name=form.name.data, public=form.public.data, file_date=form.date.data
        )

    back = (lambda saved: documents_url(owners[0])) if owners else None
    done = saved_or_none(form, save, _("Your changes have been saved."), then=back)
    return done or show_form(
        "council/staff/file.html",
        form,
        owner=owners[0] if owners else None,
        file=file,
        kind=None,
        back=documents_url(owners[0]) if owners else None,
    )


@bp.get(f"{PREFIX}/dokumente/<int:object_id>/datei")
def staff_file(object_id: int):
    """The document itself, public or not, for staff to check what they uploaded: never
    kept in a shared cache. An imported one is where its source server keeps it."""
    file = load(File, object_id)
    if file.storage_key:
        try:
            data = uploads.storage().read(file.storage_key)
        except FileNotFoundError:
            abort(404)
        response = send_file(
            io.BytesIO(data),
            mimetype=file.mime_type or "application/octet-stream",
            download_name=file.file_name or f"dokument-{file.id}.pdf",
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response
    if file.access_url:
        return redirect(file.access_url)
    abort(404)
