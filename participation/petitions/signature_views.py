"""Staff pages for a petition's signatures: paper lists, the fraud overview, invalidation,
releasing held signatures, and the CSV export for verification. Every route is STAFF
(access_table.py); the services audit and announce, the views commit once."""

from __future__ import annotations

import csv
import io
import mimetypes
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from participation.core import uploads
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import show_form
from participation.core.loading import owned_or_404
from participation.core.models import utcnow
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions import counts, fraud, signature_services
from participation.petitions.blueprint import bp
from participation.petitions.models import PaperList, Petition, Signature
from participation.petitions.signature_forms import (
    InvalidateForm,
    PaperListForm,
    ReleaseHeldForm,
    RemovePaperListForm,
)
from participation.petitions.signature_services import RECORDABLE, SignatureRuleError

WINDOWS = (1, 6, 24, 72, 168, 0)  # hours the fraud overview looks back; 0: the whole petition
DEFAULT_WINDOW = 24


def register(app) -> None:
    """Nothing to plug in: the routes are on the petitions blueprint."""


def _petition(petition_id: int) -> Petition:
    return db.get_or_404(Petition, petition_id)


# --- paper lists --------------------------------------------------------------------------------

def _paper_page(petition: Petition, form: PaperListForm, remove_form: RemovePaperListForm | None = None):
    return show_form(
        "petitions/staff/paper_lists.html", form, petition=petition,
        remove_form=remove_form or RemovePaperListForm(formdata=None),
        paper_lists=db.session.scalars(
            select(PaperList).where(PaperList.petition_id == petition.id).order_by(PaperList.id)).all(),
        totals=counts.totals(petition.id), recordable=petition.state in RECORDABLE,
    )


@bp.route("/petitionen/<int:petition_id>/papierlisten", methods=["GET", "POST"])
@rerenders_on_csrf_error
def paper_lists(petition_id: int):
    petition = _petition(petition_id)
    if request.method == "GET" and request.args.get("datei"):
        return _scan(petition, request.args.get("datei", type=int))
    if request.method == "POST" and request.form.get("action") == "remove":
        return _remove_paper_list(petition)
    form = PaperListForm()
    if form.validate_on_submit():
        try:
            signature_services.record_paper_list(
                petition, current_user, signatures=form.signatures.data,
                in_municipality=form.in_municipality.data, districts=form.district_counts(),
                scan=form.scan.data.read() if form.scan.data else None,
                collected_on=form.collected_on.data, note=form.note.data or "",
            )
        except SignatureRuleError as refused:
            refused.put_on(form)
        else:
            db.session.commit()
            flash(_("The paper list has been recorded; it counts from now on."), "success")
            return redirect(url_for("petitions.paper_lists", petition_id=petition.id))
    return _paper_page(petition, form)


def _remove_paper_list(petition: Petition):
    remove_form = RemovePaperListForm()
    form = PaperListForm(formdata=None)
    if remove_form.validate_on_submit():
        paper_list = owned_or_404(PaperList, _int(remove_form.paper_list_id.data), petition_id=petition.id)
        signature_services.remove_paper_list(petition, paper_list, current_user,
                                             reason=remove_form.reason.data)
        db.session.commit()
        flash(_("The paper list has been removed."), "success")
        return redirect(url_for("petitions.paper_lists", petition_id=petition.id))
    body = render_template(
        "petitions/staff/paper_lists.html", form=form, petition=petition, remove_form=remove_form,
        paper_lists=petition.paper_lists, totals=counts.totals(petition.id),
        recordable=petition.state in RECORDABLE,
    )
    return body, 422


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(404)


def _scan(petition: Petition, paper_list_id: int | None):
    """The scanned list, to staff only (the public media route never serves private files)."""
    paper_list = owned_or_404(PaperList, paper_list_id or 0, petition_id=petition.id)
    if not paper_list.file_key:
        abort(404)
    try:
        data = uploads.storage().read(paper_list.file_key)
    except FileNotFoundError:
        abort(404)
    extension = paper_list.file_key.rsplit(".", 1)[-1]
    name = f"petition-{petition.id}-liste-{paper_list.id}.{extension}"
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the fraud overview, invalidation, held signatures ----------------------------------------

def _window_hours() -> int:
    hours = request.args.get("stunden", type=int)
    return hours if hours in WINDOWS else DEFAULT_WINDOW


def _signatures_page(petition: Petition, invalidate_form: InvalidateForm, release_form: ReleaseHeldForm,
                     status: int = 200):
    hours = _window_hours()
    start = petition.opened_at or petition.created_at
    since = utcnow() - timedelta(hours=hours) if hours else None
    whole = since is None or (start is not None and start >= since)
    overview = fraud.overview(petition.id, None if whole else since, current_settings().common_mail_domains)
    body = render_template(
        "petitions/staff/signatures.html", petition=petition, overview=overview, hours=hours, whole=whole,
        windows=WINDOWS, invalidate_form=invalidate_form, release_form=release_form,
        totals=counts.totals(petition.id),
    )
    return body, status


@bp.get("/petitionen/<int:petition_id>/unterschriften")
def signatures(petition_id: int):
    petition = _petition(petition_id)
    invalidate_form = InvalidateForm(formdata=None)
    # The overview's rows link here with the criterion filled in (no JavaScript needed).
    criterion = request.args.get("kriterium")
    if criterion in ("domain", "ip"):
        invalidate_form.criterion.data = criterion
        field = invalidate_form.domain if criterion == "domain" else invalidate_form.ip_hash
        field.data = request.args.get("wert", "")[:255]
    return _signatures_page(petition, invalidate_form, ReleaseHeldForm(formdata=None))


@bp.post("/petitionen/<int:petition_id>/unterschriften/ungueltig")
@rerenders_on_csrf_error
def invalidate(petition_id: int):
    petition = _petition(petition_id)
    form = InvalidateForm()
    if form.validate_on_submit():
        try:
            affected = signature_services.invalidate(
                petition, current_user, criterion=form.criterion.data, reason=form.reason.data,
                email=form.email.data, domain=form.domain.data, ip_hash=form.ip_hash.data,
                start=form.start.data, end=form.end.data,
            )
        except SignatureRuleError as refused:
            refused.put_on(form)
        else:
            db.session.commit()
            flash(ngettext("%(num)d signature has been invalidated.",
                           "%(num)d signatures have been invalidated.", affected), "success")
            return redirect(url_for("petitions.signatures", petition_id=petition.id))
    return _signatures_page(petition, form, ReleaseHeldForm(formdata=None), 422)


@bp.post("/petitionen/<int:petition_id>/unterschriften/freigeben")
@rerenders_on_csrf_error
def release_held(petition_id: int):
    petition = _petition(petition_id)
    form = ReleaseHeldForm()
    if form.validate_on_submit():
        try:
            released = signature_services.release_held(petition, current_user, scope=form.scope.data,
                                                       value=form.value.data)
        except SignatureRuleError as refused:
            refused.put_on(form)
        else:
            db.session.commit()
            flash(ngettext("%(num)d held signature has been released; it counts now.",
                           "%(num)d held signatures have been released; they count now.", released),
                  "success")
            return redirect(url_for("petitions.signatures", petition_id=petition.id))
    return _signatures_page(petition, InvalidateForm(formdata=None), form, 422)


# --- the export -------------------------------------------------------------------------------

SIGNATURE_COLUMNS = ["name", "email", "postcode", "district", "in_municipality", "created_at", "confirmed_at",
                     "held", "held_reason", "invalidated_at", "invalidation_reason"]
PAPER_COLUMNS = ["paper_list", "signatures", "in_municipality", "districts", "collected_on", "recorded_at",
                 "note"]


def safe_cell(value):
    """Spreadsheet programs run cells starting with these as formulas: quote them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/petitionen/<int:petition_id>/unterschriften.csv")
def export_signatures(petition_id: int):
    petition = _petition(petition_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SIGNATURE_COLUMNS)
    rows = 0
    for row in db.session.execute(
        select(*(getattr(Signature, column) for column in SIGNATURE_COLUMNS))
        .where(Signature.petition_id == petition.id).order_by(Signature.id)
    ):
        writer.writerow([safe_cell(value) for value in row])
        rows += 1
    # The paper lists after a blank line: the same file carries the whole count.
    writer.writerow([])
    writer.writerow(PAPER_COLUMNS)
    for paper_list in petition.paper_lists:
        districts = "; ".join(f"{name}: {count}" for name, count in (paper_list.districts or {}).items())
        writer.writerow([safe_cell(value) for value in (
            paper_list.id, paper_list.signatures, paper_list.in_municipality, districts,
            paper_list.collected_on.date() if paper_list.collected_on else None, paper_list.recorded_at,
            paper_list.note,
        )])
    signature_services.record_export(petition, current_user, rows)
    db.session.commit()
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    filename = f"petition-{petition.id}-unterschriften.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
