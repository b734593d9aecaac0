"""Staff pages for persons, organisations and memberships (see staff_views.py)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import show_form
from participation.council import staff_services as services
from participation.council.blueprint import bp
from participation.council.models import Membership, Organization, Person
from participation.council.staff_forms import MembershipForm, OrganizationForm, PersonForm, keep_current
from participation.council.staff_pages import PREFIX, edit_url, load, saved_or_none
from participation.extensions import db

PERSON_FIELDS = ("form_of_address", "given_name", "family_name", "affix")
ORGANIZATION_FIELDS = ("name", "short_name", "organization_type", "classification", "start_date", "end_date")


def _person_page(person: Person | None):
    data = {}
    if person is not None:
        data = {field: getattr(person, field) for field in (*PERSON_FIELDS, "name")}
        data["title"] = ", ".join(person.title or [])
    form = PersonForm(data=data)

    def save():
        fields = {field: getattr(form, field).data for field in PERSON_FIELDS}
        return services.save_person(
            person, actor=current_user, title=form.title.data, name=form.name.data, **fields
        )

    memberships = [m for m in person.memberships if not m.deleted] if person is not None else []
    return saved_or_none(form, save, _("The person has been saved.")) or show_form(
        "council/staff/person.html", form, person=person, memberships=memberships
    )


@bp.route(f"{PREFIX}/personen/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_person():
    return _person_page(None)


@bp.route(f"{PREFIX}/personen/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_person(object_id: int):
    return _person_page(load(Person, object_id))


def _organization_page(organization: Organization | None):
    data = {field: getattr(organization, field) for field in ORGANIZATION_FIELDS} if organization else {}
    form = OrganizationForm(data=data)
    keep_current(form.organization_type, organization.organization_type if organization else None)

    def save():
        fields = {field: getattr(form, field).data for field in ORGANIZATION_FIELDS}
        return services.save_organization(organization, actor=current_user, **fields)

    memberships = [m for m in organization.memberships if not m.deleted] if organization is not None else []
    return saved_or_none(form, save, _("The organisation has been saved.")) or show_form(
        "council/staff/organization.html", form, organization=organization, memberships=memberships
    )


@bp.route(f"{PREFIX}/gremien/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_organization():
    return _organization_page(None)


@bp.route(f"{PREFIX}/gremien/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_organization(object_id: int):
    return _organization_page(load(Organization, object_id))


def _choices(model, order, label) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(model).where(model.deleted.is_(False)).order_by(*order, model.id))
    return [(row.id, label(row)) for row in rows]


def _membership_form(membership: Membership | None) -> MembershipForm:
    if membership is not None:
        data = {
            "person": membership.person_id,
            "organization": membership.organization_id,
            "role": membership.role,
            "voting_right": bool(membership.voting_right),
            "on_behalf_of": membership.on_behalf_of_id or 0,
            "start_date": membership.start_date,
            "end_date": membership.end_date,
        }
    else:  # from a person's or an organisation's page: that one is chosen already
        data = {
            "person": request.args.get("person", 0, type=int),
            "organization": request.args.get("gremium", 0, type=int),
        }
    form = MembershipForm(data=data)
    organizations = _choices(
        Organization, (Organization.name,), lambda o: o.name or o.short_name or str(o.id)
    )
    form.person.choices = [
        (0, _("Please choose")),
        *_choices(Person, (Person.family_name, Person.given_name), lambda person: person.display_name),
    ]
    form.organization.choices = [(0, _("Please choose")), *organizations]
    form.on_behalf_of.choices = [(0, _("Nobody")), *organizations]
    return form


def _membership_page(membership: Membership | None):
    form = _membership_form(membership)

    def save():
        return services.save_membership(
            membership,
            actor=current_user,
            person_id=form.person.data,
            organization_id=form.organization.data,
            on_behalf_of_id=form.on_behalf_of.data or None,
            role=form.role.data,
            voting_right=form.voting_right.data,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
        )

    def person_page(saved: Membership) -> str:
        return edit_url(saved.person, anchor="memberships")

    return saved_or_none(form, save, _("The membership has been saved."), then=person_page) or show_form(
        "council/staff/membership.html", form, membership=membership
    )


@bp.route(f"{PREFIX}/mitgliedschaften/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_membership():
    return _membership_page(None)


@bp.route(f"{PREFIX}/mitgliedschaften/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_membership(object_id: int):
    return _membership_page(load(Membership, object_id))
