"""Administration of accounts: roles and the record of role changes."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from participation.accounts import services
from participation.accounts.forms import RoleForm
from participation.accounts.models import RoleChange, User
from participation.accounts.views import bp
from participation.core.access import ROLE_LABELS, Role
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
    page = paginate(RoleChange.newest_first(), per_page=50)
    return render_template("accounts/admin_role_changes.html", page=page)
