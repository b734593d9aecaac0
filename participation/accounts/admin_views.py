"""Administration of accounts: roles, and the audit log of what staff and administrators did."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from participation.accounts import services
from participation.accounts.blueprint import bp
from participation.accounts.forms import RoleForm
from participation.accounts.models import User
from participation.core import audit
from participation.core.access import ROLE_LABELS, Role
from participation.core.audit import ACTION_LABELS, AuditEntry
from participation.core.dates import html_datetime
from participation.core.inputs import parse_int
from participation.core.navigation import redirect_next
from participation.core.pagination import paginate
from participation.extensions import db


def users_matching(search: str):
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name, User.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(User.email.like(pattern), User.display_name.ilike(pattern)))
    return query


@bp.get("/admin/users")
def admin_users():
    search = request.args.get("q", "").strip()[:100]
    page = paginate(users_matching(search), per_page=25)
    forms = {user.id: RoleForm(formdata=None, role=user.role, prefix=f"u{user.id}") for user in page.items}
    return render_template("accounts/admin_users.html", page=page, forms=forms, search=search)


@bp.post("/admin/users/<int:user_id>/role")
def admin_change_role(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash(_("Please choose one of the listed roles."), "error")
        return redirect_next("accounts.admin_users")
    if user.id == current_user.id and form.role.data != user.role:
        # Taking away one's own role would end one's access to this page mid-action.
        flash(
            _("You cannot change your own role. Ask another administrator to do it."), "error"
        )
        return redirect_next("accounts.admin_users")
    try:
        changed = services.change_role(user, Role(form.role.data), changed_by=current_user)
    except services.LastAdmin:
        flash(
            _("This is the last administrator. Give another account the administrator role first."), "error"
        )
        return redirect_next("accounts.admin_users")
    db.session.commit()
    if changed:
        flash(
            _("%(name)s is now: %(role)s.", name=user.display_name, role=ROLE_LABELS[Role(user.role)]),
            "success",
        )
    return redirect_next("accounts.admin_users")


@bp.get("/admin/role-changes")
def admin_role_changes():
    """The former record of role changes: now the audit log, filtered to them."""
    return redirect(url_for("accounts.admin_audit_log", action="role.changed"), 301)


AUDIT_FILTERS = ("actor", "action", "object_type", "object_id", "from", "to")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def audit_filters(values) -> dict:
    """The audit log's filters from a query string or form, cleaned: anything malformed is dropped."""
    filters = {
        "actor": (values.get("actor") or "").strip()[:100],
        "action": (values.get("action") or "").strip()[:64],
        "object_type": (values.get("object_type") or "").strip()[:64],
        "object_id": parse_int(values.get("object_id")),
        "from": _date(values.get("from")),
        "to": _date(values.get("to")),
    }
    return {key: value for key, value in filters.items() if value}


def _start_of_day(day: date) -> datetime:
    """Midnight of `day` in the city's time zone, as the dates on the page are meant."""
    return datetime.combine(day, time.min, tzinfo=get_timezone()).astimezone(UTC)


def audit_query(filters: dict):
    query = AuditEntry.newest_first()
    if "actor" in filters:
        pattern = f"%{filters['actor'].lower()}%"
        actors = select(User.id).where(or_(User.email.like(pattern), User.display_name.ilike(pattern)))
        query = query.where(AuditEntry.actor_id.in_(actors))
    if "action" in filters:
        query = query.where(AuditEntry.action == filters["action"])
    if "object_type" in filters:
        query = query.where(AuditEntry.object_type == filters["object_type"])
    if "object_id" in filters:
        query = query.where(AuditEntry.object_id == filters["object_id"])
    if "from" in filters:
        query = query.where(AuditEntry.created_at >= _start_of_day(filters["from"]))
    if "to" in filters:
        query = query.where(AuditEntry.created_at < _start_of_day(filters["to"] + timedelta(days=1)))
    return query


def _choices(column) -> list[str]:
    return list(db.session.scalars(select(column).distinct().order_by(column)))


@bp.get("/admin/audit-log")
def admin_audit_log():
    filters = audit_filters(request.args)
    page = paginate(audit_query(filters), per_page=50)
    return render_template(
        "accounts/admin_audit_log.html",
        page=page,
        filters=filters,
        actions=_choices(AuditEntry.action),
        object_types=_choices(AuditEntry.object_type),
        action_labels=ACTION_LABELS,
        query_args={key: str(value) for key, value in filters.items()},
    )


CSV_COLUMNS = ("id", "created_at", "actor_id", "actor", "action", "object_type", "object_id", "reason",
               "before", "after")


def _safe_cell(value):
    # Spreadsheet programs run cells starting with these as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.post("/admin/audit-log/export")
def admin_audit_log_export():
    """The filtered entries as CSV; the export itself is recorded (after the rows are read)."""
    filters = audit_filters(request.form)
    entries = db.session.scalars(audit_query(filters)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([_safe_cell(value) for value in (
            entry.id,
            html_datetime(entry.created_at),
            entry.actor_id,
            entry.actor.public_name if entry.actor else "",
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.reason,
            _json(entry.before),
            _json(entry.after),
        )])
    audit.record(
        current_user, "audit.exported", "audit_log", None,
        after={"filters": {key: str(value) for key, value in filters.items()}, "entries": len(entries)},
    )
    db.session.commit()
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
