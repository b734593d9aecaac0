"""Staff pages for meetings, their agenda items and papers (see staff_views.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.council import staff_services as services
from participation.council.blueprint import bp
from participation.council.models import AgendaItem, Meeting, Organization, Paper
from participation.council.staff_forms import AgendaItemForm, MeetingForm, PaperForm, keep_current
from participation.council.staff_pages import (
    PREFIX,
    agenda_url,
    city_time,
    files_of,
    load,
    saved_or_none,
    utc_moment,
)
from participation.extensions import db


def _meeting_form(meeting: Meeting | None) -> MeetingForm:
    data = {}
    if meeting is not None:
        data = {
            "name": meeting.name,
            "organizations": [organization.id for organization in meeting.organizations],
            "start": city_time(meeting.start),
            "end": city_time(meeting.end),
            "place": services.place_text(meeting.location),
            "meeting_state": meeting.meeting_state or "",
            "cancelled": meeting.cancelled,
        }
    form = MeetingForm(data=data)
    organizations = select(Organization).where(Organization.deleted.is_(False))
    if meeting is not None:
        organizations = organizations.where(Organization.body_id == meeting.body_id)
    form.organizations.choices = [
        (organization.id, organization.name or organization.short_name or str(organization.id))
        for organization in db.session.scalars(organizations.order_by(Organization.name, Organization.id))
    ]
    keep_current(form.meeting_state, meeting.meeting_state if meeting is not None else None)
    return form


def _meeting_page(meeting: Meeting | None):
    form = _meeting_form(meeting)

    def save():
        return services.save_meeting(
            meeting,
            actor=current_user,
            organization_ids=form.organizations.data or [],
            place=form.place.data,
            name=form.name.data,
            start=utc_moment(form.start.data),
            end=utc_moment(form.end.data),
            cancelled=form.cancelled.data,
            meeting_state=form.meeting_state.data,
        )

    message = (
        _("The meeting has been created. Now add its agenda.")
        if meeting is None
        else _("Your changes have been saved.")
    )
    return saved_or_none(form, save, message) or show_form(
        "council/staff/meeting.html",
        form,
        meeting=meeting,
        action_form=ActionForm(formdata=None),
        items=[item for item in meeting.agenda_items if not item.deleted] if meeting else [],
        files=files_of(meeting) if meeting else [],
    )


@bp.route(f"{PREFIX}/sitzungen/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_meeting():
    return _meeting_page(None)


@bp.route(f"{PREFIX}/sitzungen/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_meeting(object_id: int):
    return _meeting_page(load(Meeting, object_id))


def _item_page(item: AgendaItem | None, meeting: Meeting):
    data = {}
    if item is not None:
        paper = services.paper_of(item)
        fields = ("number", "name", "public", "result", "resolution_text")
        data = {field: getattr(item, field) for field in fields}
        data["paper_reference"] = paper.reference if paper is not None else ""
    form = AgendaItemForm(data=data)

    def save():
        return services.save_agenda_item(
            item,
            meeting,
            actor=current_user,
            paper_reference=form.paper_reference.data,
            number=form.number.data,
            name=form.name.data,
            public=form.public.data,
            result=form.result.data,
            resolution_text=form.resolution_text.data,
        )

    message = _("The agenda item has been added.") if item is None else _("Your changes have been saved.")
    return saved_or_none(form, save, message, then=agenda_url) or show_form(
        "council/staff/agenda_item.html",
        form,
        meeting=meeting,
        item=item,
        files=files_of(item) if item else [],
    )


@bp.route(f"{PREFIX}/sitzungen/<int:object_id>/tagesordnung/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_agenda_item(object_id: int):
    return _item_page(None, load(Meeting, object_id))


@bp.route(f"{PREFIX}/tagesordnungspunkte/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_agenda_item(object_id: int):
    item = load(AgendaItem, object_id)
    return _item_page(item, item.meeting)


@bp.post(f"{PREFIX}/tagesordnungspunkte/<int:object_id>/verschieben")
def staff_move_agenda_item(object_id: int):
    item = load(AgendaItem, object_id)
    direction = request.form.get("direction")
    if not ActionForm().validate_on_submit() or direction not in ("up", "down"):
        abort(400)
    if services.move_agenda_item(item, direction, actor=current_user):
        db.session.commit()
        flash(_("The agenda item has been moved."), "success")
    return redirect(agenda_url(item))


def _paper_page(paper: Paper | None):
    data = {}
    if paper is not None:
        data = {
            "name": paper.name,
            "reference": paper.reference,
            "paper_type": paper.paper_type,
            "date": paper.date,
        }
    form = PaperForm(data=data)

    def save():
        return services.save_paper(
            paper,
            actor=current_user,
            name=form.name.data,
            reference=form.reference.data,
            paper_type=form.paper_type.data,
            paper_date=form.date.data,
        )

    message = (
        _("The paper has been created. Now add its documents.")
        if paper is None
        else _("Your changes have been saved.")
    )
    return saved_or_none(form, save, message) or show_form(
        "council/staff/paper.html", form, paper=paper, files=files_of(paper) if paper else []
    )


@bp.route(f"{PREFIX}/vorlagen/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_new_paper():
    return _paper_page(None)


@bp.route(f"{PREFIX}/vorlagen/<int:object_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def staff_edit_paper(object_id: int):
    return _paper_page(load(Paper, object_id))
