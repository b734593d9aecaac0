"""Staff pages below /rat/verwaltung/: the overview, the lists, deleting, and the OParl import.

The forms of each kind are in staff_meeting_views.py (meetings, agenda items, papers),
staff_people_views.py (persons, organisations, memberships) and staff_file_views.py
(documents). Every page loads (404, 410 for what was deleted), then the form checks the
input, then a service writes; what the data refuses comes back at its field, with the form
filled in (422) and nothing written. Who may open these pages: the access table (staff).
"""

from __future__ import annotations

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, or_, select

from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.pagination import paginate
from participation.council import display, import_jobs, staff_services
from participation.council.blueprint import bp
from participation.council.import_models import CouncilImportRun, CouncilImportState
from participation.council.models import (
    AgendaItem,
    Body,
    File,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from participation.council.staff_forms import FILE_ROLES, ImportForm
from participation.council.staff_pages import (
    KINDS,
    PREFIX,
    agenda_url,
    documents_url,
    edit_url,
    load,
    saved_or_none,
    word_of,
)
from participation.extensions import db

PER_PAGE = 30
OVERVIEW_ROWS = 8
LISTS = ("sitzungen", "vorlagen", "gremien", "personen")
RUNS_SHOWN = 10


def register(app: Flask) -> None:
    """Called by council.init_app: the import job."""
    import_jobs.register()


@bp.context_processor
def staff_helpers() -> dict:
    return {"file_roles": FILE_ROLES}


# --- overview and lists ------------------------------------------------------------------------


def _meetings():
    """Upcoming meetings first, the soonest first (those without a date after them), then
    the past ones, the latest first."""
    since = display.day_start(display.today())
    past = case((Meeting.start < since, 1), else_=0)
    upcoming_start = case((Meeting.start >= since, Meeting.start))
    return (
        select(Meeting)
        .where(Meeting.deleted.is_(False))
        .order_by(past, Meeting.start.is_(None), upcoming_start, Meeting.start.desc(), Meeting.id.desc())
    )


def _list_query(kind: str, search: str = ""):
    query = {
        "sitzungen": _meetings,
        "vorlagen": lambda: select(Paper).order_by(Paper.date.is_(None), Paper.date.desc(), Paper.id.desc()),
        "gremien": lambda: select(Organization).order_by(Organization.name, Organization.id),
        "personen": lambda: select(Person).order_by(Person.family_name, Person.given_name, Person.id),
    }[kind]()
    model = KINDS[kind][0]
    query = query.where(model.deleted.is_(False))
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = [model.name, *([Paper.reference] if model is Paper else [])]
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return query


@bp.get(f"{PREFIX}/")
def staff_overview():
    rows = {kind: db.session.scalars(_list_query(kind).limit(OVERVIEW_ROWS)).all() for kind in LISTS}
    last_run = db.session.scalars(
        select(CouncilImportRun).order_by(CouncilImportRun.id.desc()).limit(1)
    ).first()
    return render_template(
        "council/staff/overview.html",
        rows=rows,
        last_run=last_run,
        today_start=display.day_start(display.today()),
    )


@bp.get(f"{PREFIX}/<any({', '.join(LISTS)}):kind>")
def staff_list(kind: str):
    search = (request.args.get("q") or "").strip()[:100]
    return render_template(
        "council/staff/list.html",
        kind=kind,
        search=search,
        page=paginate(_list_query(kind, search), per_page=PER_PAGE),
        today_start=display.day_start(display.today()),
    )


# --- deleting ----------------------------------------------------------------------------------


def _after_delete(obj) -> str:
    """Where staff go once the object is deleted: where it was listed."""
    if isinstance(obj, AgendaItem):
        return agenda_url(obj)
    if isinstance(obj, Membership):
        return edit_url(obj.person, anchor="memberships")
    if isinstance(obj, File):
        owners = staff_services.file_owners(obj)
        return documents_url(owners[0]) if owners else url_for("council.staff_overview")
    return url_for("council.staff_list", kind=word_of(obj))


@bp.route(f"{PREFIX}/<any({', '.join(KINDS)}):kind>/<int:object_id>/loeschen", methods=["GET", "POST"])
def staff_delete(kind: str, object_id: int):
    """Asked once more on a page of its own (no JavaScript needed), then deleted softly."""
    obj = load(KINDS[kind][0], object_id)
    if request.method == "GET":
        return render_template(
            "council/staff/confirm.html",
            obj=obj,
            kind=kind,
            form=ActionForm(formdata=None),
            back=edit_url(obj),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _after_delete(obj)
    staff_services.soft_delete(obj, actor=current_user)
    db.session.commit()
    flash(_("Deleted. Its public page now says that it is no longer available."), "success")
    return redirect(back)


# --- the OParl import --------------------------------------------------------------------------


@bp.route(f"{PREFIX}/import", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_import():
    form = ImportForm()
    started = saved_or_none(
        form,
        lambda: import_jobs.request_import(form.url.data, actor=current_user),
        _("The import has started. It runs in the background; this page shows how far it got."),
        then=lambda run: url_for("council.staff_import"),
    )
    if started is not None:
        return started
    runs = db.session.scalars(select(CouncilImportRun).order_by(CouncilImportRun.id.desc()).limit(RUNS_SHOWN))
    states = db.session.execute(
        select(CouncilImportState, Body).join(Body, Body.id == CouncilImportState.body_id).order_by(Body.id)
    )
    return show_form("council/staff/import.html", form, runs=list(runs), states=list(states))
