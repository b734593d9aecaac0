"""What staff change in the council's data on the staff pages (staff_*views.py).

Every write goes to the audit log (action `council.<kind>.created|updated|moved|deleted`, the
object's table and id, the fields that changed) and moves `modified` of the object and of
what embeds or lists it (a meeting embeds its agenda items, a person its memberships), so
clients of the OParl API that sync with `modified_since` see the change. A change of a
meeting's committees touches no column of its row, so `modified` is always set here, never
left to the column's onupdate.

Objects made here have no `oparl_id` (that is the id on a server they were imported from):
their OParl id is the URL of our own API (oparl.object_url), and `web` their public page.

Deleting is soft (OParl keeps tombstones): the pages answer 410, the API a tombstone. What
means nothing without the object (a meeting's agenda items, a person's memberships) is
deleted with it; a deleted document also loses its bytes once the request has committed.

Services flush; the view commits once. What the data refuses raises CouncilInputError with
the form field it belongs to, before anything is written. Documents: staff_files.py; the
OParl import: import_jobs.py.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from participation.core import audit, uploads
from participation.core.models import utcnow
from participation.core.urls import external_url
from participation.council.models import (
    AgendaItem,
    Body,
    File,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    PaperConsultation,
    Person,
    agenda_item_file,
    meeting_file,
    paper_file,
)
from participation.extensions import db

# What the audit log keeps of each kind (of long texts only that they changed)
AUDITED = {
    Meeting: (("name", "organization_ids", "start", "end", "location_id", "cancelled", "meeting_state"), ()),
    AgendaItem: (("number", "order", "name", "public", "result", "paper_id"), ("resolution_text",)),
    Paper: (("name", "reference", "paper_type", "date"), ()),
    Person: (("name", "form_of_address", "title", "given_name", "family_name", "affix"), ()),
    Organization: (
        ("name", "short_name", "organization_type", "classification", "start_date", "end_date"),
        (),
    ),
    Membership: (
        ("person_id", "organization_id", "on_behalf_of_id", "role", "voting_right", "start_date", "end_date"),
        (),
    ),
    File: (("name", "file_name", "mime_type", "size", "date", "public", "sha1_checksum"), ()),
}
KINDS = {
    Meeting: "meeting",
    AgendaItem: "agenda_item",
    Paper: "paper",
    Person: "person",
    Organization: "organization",
    Membership: "membership",
    File: "file",
    PaperConsultation: "consultation",
}
# a new object's `web`: its public page
PUBLIC_PAGES = {
    Meeting: ("council.meeting", "meeting_id"),
    Paper: ("council.paper", "paper_id"),
    Person: ("council.person", "person_id"),
    Organization: ("council.organization", "organization_id"),
}
END_BEFORE_START = _l("The end cannot come before the beginning.")


class CouncilInputError(ValueError):
    """The data refuses the input; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


# --- what every write does ---------------------------------------------------------------------


def text(value: str | None) -> str | None:
    """Form text as stored: without the spaces around it, None when nothing is left."""
    return (value or "").strip() or None


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _snapshot(obj) -> dict:
    if obj is None:
        return {}
    fields, texts = AUDITED[type(obj)]
    values = {field: _plain(getattr(obj, field, None)) for field in (*fields, *texts)}
    if isinstance(obj, Meeting):
        values["organization_ids"] = sorted(organization.id for organization in obj.organizations)
    if isinstance(obj, AgendaItem):
        paper = paper_of(obj)
        values["paper_id"] = paper.id if paper is not None else None
    return values


def touch(*objects) -> None:
    now = utcnow()
    for obj in objects:
        if obj is not None:
            obj.modified = now


def write(obj, model, actor, values: dict, *, body_id: int | None = None, also=(), then=None):
    """Make (`obj` None) or change the object to `values`; `then(obj)` may add more (and
    returns what else it changed). When something changed, `modified` moves on it, on `also`
    and on what `then` changed; the audit log gets the changes (a save without any, too)."""
    snapshot, created = _snapshot(obj), obj is None
    if created:
        obj = model(body_id=body_id) if body_id is not None else model()
    for name, value in values.items():
        setattr(obj, name, value)
    if created:
        db.session.add(obj)
        db.session.flush()
        if type(obj) in PUBLIC_PAGES:
            endpoint, argument = PUBLIC_PAGES[type(obj)]
            obj.web = external_url(endpoint, **{argument: obj.id})
    more = then(obj) if then is not None else []
    fields, texts = AUDITED[type(obj)]
    before, after = audit.changes(snapshot, _snapshot(obj), fields, texts)
    if created or after:  # a form saved as it was is no change the API's clients should fetch
        touch(obj, *also, *more)
    db.session.flush()
    audit.record(
        actor,
        f"council.{KINDS[type(obj)]}.{'created' if created else 'updated'}",
        obj.__tablename__,
        obj.id,
        before=None if created else before,
        after=after,
    )
    return obj


def body_for_new_objects(actor) -> Body:
    """The body new objects belong to: the first there is (a city has one council), or,
    before any import, one made now and named in the city's language."""
    body = db.session.scalar(select(Body).where(Body.deleted.is_(False)).order_by(Body.id).limit(1))
    if body is None:
        with force_locale(current_app.config.get("CONTENT_LANGUAGE", "de")):
            body = Body(name=_("City council"))
        db.session.add(body)
        db.session.flush()
        audit.record(actor, "council.body.created", body.__tablename__, body.id, after={"name": body.name})
    return body


def _in_body(model, ids, body_id: int, field: str, message) -> list:
    """The non-deleted rows with these ids in the body, in that order; else a refusal."""
    wanted = list(dict.fromkeys(ident for ident in ids or [] if ident))
    if not wanted:
        return []
    found = {
        row.id: row
        for row in db.session.scalars(
            select(model).where(model.id.in_(wanted), model.body_id == body_id, model.deleted.is_(False))
        )
    }
    if len(found) != len(wanted):
        raise CouncilInputError(field, message)
    return [found[ident] for ident in wanted]


# --- meetings and their agenda -----------------------------------------------------------------


def place_text(location: Location | None) -> str:
    """How the meeting form shows its place: one line (the room only where the description
    does not name it already, as the public pages do)."""
    if location is None or location.deleted:
        return ""
    description = location.description or ""
    room = location.room if location.room and location.room not in description else None
    return ", ".join(part for part in (location.description, room, location.street_address) if part)


def _place(body_id: int, typed: str | None, current: Location | None) -> Location | None:
    """The meeting's own place if unchanged, else one of that name, else a new one: a place
    is shared by many meetings, so typing never renames it for the others."""
    typed = text(typed)
    if typed is None:
        return None
    if current is not None and typed == place_text(current):
        return current
    found = db.session.scalar(
        select(Location)
        .where(Location.body_id == body_id, Location.description == typed, Location.deleted.is_(False))
        .order_by(Location.id)
        .limit(1)
    )
    if found is None:
        found = Location(body_id=body_id, description=typed[:500])
        db.session.add(found)
        db.session.flush()
    return found


def save_meeting(meeting: Meeting | None, *, actor, organization_ids: list[int], place: str | None, **fields):
    """`fields`: name, start, end (UTC), cancelled, meeting_state."""
    if fields["start"] and fields["end"] and fields["end"] < fields["start"]:
        raise CouncilInputError("end", END_BEFORE_START)
    body_id = meeting.body_id if meeting is not None else body_for_new_objects(actor).id
    organizations = _in_body(
        Organization,
        organization_ids,
        body_id,
        "organizations",
        _l("One of the committees chosen no longer exists. Please choose again."),
    )
    values = {
        "name": text(fields["name"]),
        "start": fields["start"],
        "end": fields["end"],
        "cancelled": bool(fields["cancelled"]),
        "meeting_state": text(fields["meeting_state"]),
        "organizations": organizations,
        "location": _place(body_id, place, meeting.location if meeting else None),
    }
    return write(meeting, Meeting, actor, values, body_id=body_id)


def paper_of(item: AgendaItem) -> Paper | None:
    """The paper the item deals with (its first consultation that is not deleted)."""
    consultation = next((c for c in item.consultations if not c.deleted), None)
    return consultation.paper if consultation is not None and consultation.paper is not None else None


def _paper_by_reference(body_id: int, reference: str | None) -> Paper | None:
    reference = text(reference)
    if reference is None:
        return None
    found = db.session.scalar(
        select(Paper)
        .where(Paper.body_id == body_id, Paper.reference == reference, Paper.deleted.is_(False))
        .order_by(Paper.id)
        .limit(1)
    )
    if found is None:
        message = _l("There is no paper with the reference “%(reference)s”.", reference=reference)
        raise CouncilInputError("paper_reference", message)
    return found


def _link_paper(item: AgendaItem, paper: Paper | None) -> list:
    """Make the item's consultation name `paper` (made, moved or deleted); what it changed."""
    consultation = next((c for c in item.consultations if not c.deleted), None)
    current = consultation.paper if consultation is not None else None
    if current is paper:
        return []
    if consultation is not None and paper is None:
        consultation.deleted = True
    elif consultation is not None:
        consultation.paper = paper
    else:
        consultation = PaperConsultation(paper=paper, agenda_item=item, meeting=item.meeting)
        db.session.add(consultation)
    return [consultation, current, paper]


def save_agenda_item(
    item: AgendaItem | None, meeting: Meeting, *, actor, paper_reference: str | None, **fields
):
    """`fields`: number, name, public, result, resolution_text. A new item comes last."""
    paper = _paper_by_reference(meeting.body_id, paper_reference)
    values = {
        "number": text(fields["number"]),
        "name": text(fields["name"]),
        "public": bool(fields["public"]),
        "result": text(fields["result"]),
        "resolution_text": text(fields["resolution_text"]),
    }
    if item is None:
        last = db.session.scalar(
            select(func.max(AgendaItem.order)).where(AgendaItem.meeting_id == meeting.id)
        )
        values.update(meeting=meeting, order=(last or 0) + 1)
    return write(
        item, AgendaItem, actor, values, also=[meeting], then=lambda saved: _link_paper(saved, paper)
    )


def move_agenda_item(item: AgendaItem, direction: str, *, actor) -> bool:
    """One place up or down among the meeting's items; False at the top or the bottom. The
    items are numbered 1, 2, 3 … on the way: imported orders may repeat or leave gaps."""
    items = [other for other in item.meeting.agenda_items if not other.deleted]
    position = items.index(item)
    target = position - 1 if direction == "up" else position + 1
    if not 0 <= target < len(items):
        return False
    before = {other.id: other.order for other in items}
    items[position], items[target] = items[target], items[position]
    for order, other in enumerate(items, start=1):
        other.order = order
    touch(*(other for other in items if before[other.id] != other.order), item.meeting)
    db.session.flush()
    audit.record(
        actor,
        "council.agenda_item.moved",
        item.__tablename__,
        item.id,
        before={"order": before[item.id]},
        after={"order": item.order},
    )
    return True


# --- papers, persons, organisations, memberships -----------------------------------------------


def save_paper(
    paper: Paper | None,
    *,
    actor,
    name: str,
    reference: str | None,
    paper_type: str | None,
    paper_date: date | None,
) -> Paper:
    body_id = paper.body_id if paper is not None else body_for_new_objects(actor).id
    reference = text(reference)
    if reference is not None:
        taken = select(Paper.id).where(
            Paper.body_id == body_id, Paper.reference == reference, Paper.deleted.is_(False)
        )
        if paper is not None:
            taken = taken.where(Paper.id != paper.id)
        if db.session.scalar(taken.limit(1)) is not None:
            message = _l("Another paper already has the reference “%(reference)s”.", reference=reference)
            raise CouncilInputError("reference", message)
    values = {"name": text(name), "reference": reference, "paper_type": text(paper_type), "date": paper_date}
    return write(paper, Paper, actor, values, body_id=body_id)


def save_person(person: Person | None, *, actor, title: str | None, name: str | None, **fields) -> Person:
    """`fields`: form_of_address, given_name, family_name, affix; several titles are separated
    by commas; without a full name the person is shown as title, given name, affix, family name."""
    values = {field: text(value) for field, value in fields.items()}
    values["title"] = [part.strip() for part in (title or "").split(",") if part.strip()]
    parts = (*values["title"], values["given_name"], values["affix"], values["family_name"])
    values["name"] = text(name) or " ".join(part for part in parts if part)
    body_id = person.body_id if person is not None else body_for_new_objects(actor).id
    return write(person, Person, actor, values, body_id=body_id)


def save_organization(organization: Organization | None, *, actor, **fields) -> Organization:
    """`fields`: name, short_name, organization_type, classification, start_date, end_date."""
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        raise CouncilInputError("end_date", END_BEFORE_START)
    values = {field: text(value) if isinstance(value, str) else value for field, value in fields.items()}
    body_id = organization.body_id if organization is not None else body_for_new_objects(actor).id
    return write(organization, Organization, actor, values, body_id=body_id)


def save_membership(
    membership: Membership | None,
    *,
    actor,
    person_id: int,
    organization_id: int,
    on_behalf_of_id: int | None,
    **fields,
) -> Membership:
    """`fields`: role, voting_right, start_date, end_date."""
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        raise CouncilInputError("end_date", END_BEFORE_START)
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.deleted:
        raise CouncilInputError("person", _l("Please choose a person."))
    if not organization_id:
        raise CouncilInputError("organization", _l("Please choose an organisation."))
    gone = _l("This organisation no longer exists. Please choose again.")
    [organization] = _in_body(Organization, [organization_id], person.body_id, "organization", gone)
    [on_behalf_of] = _in_body(Organization, [on_behalf_of_id], person.body_id, "on_behalf_of", gone) or [None]
    values = {
        "person": person,
        "organization": organization,
        "on_behalf_of": on_behalf_of,
        "role": text(fields["role"]),
        "voting_right": bool(fields["voting_right"]),
        "start_date": fields["start_date"],
        "end_date": fields["end_date"],
    }
    # the person embeds its memberships, the organisation lists them: both change
    old_side = [membership.person, membership.organization] if membership is not None else []
    return write(membership, Membership, actor, values, also=[person, organization, *old_side])


# --- where documents hang, and deleting --------------------------------------------------------


def file_owners(file: File) -> list:
    """The meetings, agenda items and papers the document hangs on (non-public ones too)."""
    meetings = select(Meeting).where(
        or_(
            Meeting.id.in_(select(meeting_file.c.meeting_id).where(meeting_file.c.file_id == file.id)),
            Meeting.invitation_id == file.id,
            Meeting.results_protocol_id == file.id,
            Meeting.verbatim_protocol_id == file.id,
        )
    )
    items = select(AgendaItem).where(
        or_(
            AgendaItem.id.in_(
                select(agenda_item_file.c.agenda_item_id).where(agenda_item_file.c.file_id == file.id)
            ),
            AgendaItem.resolution_file_id == file.id,
        )
    )
    papers = select(Paper).where(
        or_(
            Paper.id.in_(select(paper_file.c.paper_id).where(paper_file.c.file_id == file.id)),
            Paper.main_file_id == file.id,
        )
    )
    return [*db.session.scalars(meetings), *db.session.scalars(items), *db.session.scalars(papers)]


def embedding(owners: list) -> list:
    """The owners and what embeds them in turn (an agenda item's meeting)."""
    return [*owners, *(owner.meeting for owner in owners if isinstance(owner, AgendaItem))]


def _dependents(obj) -> list:
    """What is deleted with the object, since it means nothing without it."""
    if isinstance(obj, Meeting):
        items = [item for item in obj.agenda_items if not item.deleted]
        return items + [c for item in items for c in item.consultations if not c.deleted]
    if isinstance(obj, AgendaItem | Paper):
        return [c for c in obj.consultations if not c.deleted]
    if isinstance(obj, Person | Organization):
        return [m for m in obj.memberships if not m.deleted]
    return []


def _listing(obj, dependents: list) -> list:
    """What embeds or lists the object (or its dependents) and so changes with it."""
    if isinstance(obj, AgendaItem):
        return [obj.meeting]
    if isinstance(obj, Membership):
        return [obj.person, obj.organization]
    if isinstance(obj, Person):
        return [m.organization for m in dependents]
    if isinstance(obj, Organization):
        return [m.person for m in dependents]
    if isinstance(obj, File):
        return embedding(file_owners(obj))
    return []


def soft_delete(obj, *, actor) -> None:
    """Mark the object and its dependents deleted; a document's bytes go after the commit."""
    dependents = _dependents(obj)
    if isinstance(obj, File) and obj.storage_key:
        uploads.delete_after_commit(obj.storage_key)
        obj.storage_key = None
    for each in (obj, *dependents):
        each.deleted = True
    touch(obj, *dependents, *_listing(obj, dependents))
    db.session.flush()
    deleted_with: dict[str, list[int]] = {}
    for each in dependents:
        deleted_with.setdefault(f"{KINDS[type(each)]}_ids", []).append(each.id)
    audit.record(
        actor,
        f"council.{KINDS[type(obj)]}.deleted",
        obj.__tablename__,
        obj.id,
        before={"deleted": False},
        after={"deleted": True, **deleted_with},
    )
