"""What the council's staff pages share (staff_*views.py, which never import each other):
the URL words of each kind, loading, where an object is edited, and one way to save a form.
"""

from __future__ import annotations

from datetime import UTC

from flask import flash, redirect, url_for
from sqlalchemy import select

from participation.council import display, loading
from participation.council.models import AgendaItem, File, Meeting, Membership, Organization, Paper, Person
from participation.council.staff_services import CouncilInputError
from participation.extensions import db

PREFIX = "/rat/verwaltung"
# the URL's word for each kind -> (model, its staff page)
KINDS = {
    "sitzungen": (Meeting, "council.staff_edit_meeting"),
    "tagesordnungspunkte": (AgendaItem, "council.staff_edit_agenda_item"),
    "vorlagen": (Paper, "council.staff_edit_paper"),
    "personen": (Person, "council.staff_edit_person"),
    "gremien": (Organization, "council.staff_edit_organization"),
    "mitgliedschaften": (Membership, "council.staff_edit_membership"),
    "dokumente": (File, "council.staff_edit_file"),
}


def load(model, object_id: int):
    """The object for a staff page: 404 when there is none, 410 when it was deleted."""
    return loading.shown_or_gone(select(model).where(model.id == object_id))


def word_of(obj) -> str:
    return next(word for word, (model, _endpoint) in KINDS.items() if isinstance(obj, model))


def edit_url(obj, anchor: str | None = None) -> str:
    return url_for(KINDS[word_of(obj)][1], object_id=obj.id, _anchor=anchor)


def saved_or_none(form, save, message: str, *, then=None):
    """Check the form and run `save()`; when it went through, commit and redirect to
    `then(saved)` (by default its staff page). Otherwise put what the data refused on its
    field, roll its writes back and return None: the caller shows the form again."""
    if not form.validate_on_submit():
        return None
    try:
        with db.session.begin_nested():
            saved = save()
    except CouncilInputError as refused:
        field = getattr(form, refused.field)
        field.errors = [*field.errors, str(refused.message)]
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(then(saved) if then is not None else edit_url(saved))


def files_of(owner) -> list[tuple[str, File]]:
    """(role, document) of everything the owner holds that is not deleted, public or not."""
    if isinstance(owner, Meeting):
        slots = [
            ("invitation", owner.invitation),
            ("results_protocol", owner.results_protocol),
            ("verbatim_protocol", owner.verbatim_protocol),
        ]
    elif isinstance(owner, AgendaItem):
        slots = [("resolution", owner.resolution_file)]
    else:
        slots = [("main", owner.main_file)]
    found = [*slots, *(("auxiliary", file) for file in owner.auxiliary_files)]
    return [(role, file) for role, file in found if file is not None and not file.deleted]


def documents_url(owner) -> str:
    """The documents section of the owner's staff page."""
    return edit_url(owner, anchor="documents")


def agenda_url(item: AgendaItem) -> str:
    return url_for("council.staff_edit_meeting", object_id=item.meeting_id, _anchor="agenda")


def city_time(moment):
    """A UTC moment as the datetime-local field shows it: Leipzig's time, naive."""
    return display.local(moment).replace(tzinfo=None) if moment is not None else None


def utc_moment(typed):
    """What a datetime-local field gave (Leipzig's time) as a UTC moment."""
    return typed.replace(tzinfo=display.city_zone()).astimezone(UTC) if typed is not None else None
