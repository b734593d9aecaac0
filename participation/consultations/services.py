"""Writes for consultations, layers, ideas and supports. Services flush; views commit.

Each write checks its rules (rules.py) first: a refusal raises `rules.ConsultationRuleError`, with
the upload's own refusals turned into it too, and nothing is written then.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from participation.consultations import rules
from participation.consultations.models import (
    Category,
    Consultation,
    Idea,
    IdeaStatus,
    LayerKind,
    MapLayer,
    State,
    Support,
)
from participation.core import audit, events, geo, georef, slugs, uploads
from participation.core.content import initial_visibility
from participation.core.database import insert_for
from participation.core.models import utcnow
from participation.core.urls import external_url
from participation.extensions import db
from participation.notifications import mail as notification_mail
from participation.notifications.text import markdown_to_text

CONSULTATION_SAVED = "consultation.saved"
CONSULTATION_STATE_CHANGED = "consultation.state_changed"
IDEA_SAVED = "idea.saved"
IDEA_ANSWERED = "idea.answered"
# What this feature announces (declared by init_app), for notifications, caches and live updates.
EVENTS = {
    CONSULTATION_SAVED: "staff created or edited a consultation",
    CONSULTATION_STATE_CHANGED: "a consultation was published, closed or evaluated; payload: state",
    IDEA_SAVED: "a resident published or edited an idea; payload: consultation_id, created (bool)",
    IDEA_ANSWERED: "staff set an idea's status and answer; payload: status, answered (bool), author_id, "
    "consultation_id",
}


# What the audit log keeps of a consultation: small fields as they are, the area only as its
# bounding box (never the geometry), and of the long texts only that they changed.
LAYER_MAX_SIDE = 8192  # pixels along the longer side of a stored layer image
AUDITED_FIELDS = ("title", "state", "map_mode", "allowed_kinds", "starts_on", "ends_on", "area_bbox")
AUDITED_TEXTS = ("summary", "description", "results")


def _audit_snapshot(consultation: Consultation | None) -> dict:
    if consultation is None:
        return {}
    values = {field: getattr(consultation, field) for field in (*AUDITED_FIELDS[:-1], *AUDITED_TEXTS)}
    for field in ("starts_on", "ends_on"):
        values[field] = values[field].isoformat() if values[field] else None
    values["area_bbox"] = consultation.bounds.as_list() if consultation.bounds else None
    return values


# --- consultations ---------------------------------------------------------------------------


def save_consultation(
    consultation: Consultation | None,
    *,
    title: str,
    summary: str,
    description: str,
    map_mode: str,
    allowed_kinds: list[str],
    area: dict | None,
    keep_area: bool,
    author,
    results: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Consultation:
    """Create or update; `area` replaces the participation area unless `keep_area`."""
    rules.check_map_mode(consultation, map_mode)
    created = consultation is None
    snapshot = _audit_snapshot(consultation)
    if consultation is None:
        slug = slugs.unique_slug(Consultation, title, fallback="beteiligung")
        consultation = Consultation(created_by_id=author.id, slug=slug, state=State.DRAFT.value)
        db.session.add(consultation)
    consultation.title = title.strip()
    consultation.summary = (summary or "").strip()
    consultation.description = (description or "").strip()
    if results is not None:
        consultation.results = results.strip()
    consultation.starts_on, consultation.ends_on = starts_on, ends_on
    consultation.map_mode = map_mode
    consultation.allowed_kinds = [k for k in ("point", "line", "polygon") if k in allowed_kinds] or ["point"]
    if not keep_area:
        consultation.set_geometry(area)
    db.session.flush()
    before, after = audit.changes(snapshot, _audit_snapshot(consultation), AUDITED_FIELDS, AUDITED_TEXTS)
    if created:
        audit.record(author, "consultation.created", "consultation", consultation.id, after=after)
    else:  # also a save that changed nothing: staff saved the form
        audit.record(
            author, "consultation.updated", "consultation", consultation.id, before=before, after=after
        )
    events.emit(CONSULTATION_SAVED, actor=author, subject=consultation)
    return consultation


def change_state(consultation: Consultation, target: State | str, *, actor=None) -> None:
    """Move to `target` (a State or its name); rules.check_transition says where it may go."""
    target = rules.check_transition(consultation, target)
    before = consultation.state
    consultation.state = target.value
    db.session.flush()
    audit.record(
        actor, "consultation.state_changed", "consultation", consultation.id,
        before={"state": before}, after={"state": target.value},
    )
    events.emit(CONSULTATION_STATE_CHANGED, subject=consultation, state=target.value)


def add_category(consultation: Consultation, name: str, color: str, *, actor=None) -> Category:
    category = Category(
        consultation=consultation,
        name=name.strip(),
        color=color,
        position=len(consultation.categories),
    )
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "category.added", "consultation", consultation.id, after={"category": category.name})
    return category


def delete_category(category: Category, *, actor=None) -> None:
    audit.record(
        actor, "category.deleted", "consultation", category.consultation_id,
        before={"category": category.name},
    )
    db.session.delete(category)
    db.session.flush()


def add_image_layer(
    consultation: Consultation,
    *,
    name: str,
    data: bytes | None,
    description: str,
    south: float | None = None,
    west: float | None = None,
    north: float | None = None,
    east: float | None = None,
    footprint: georef.Footprint | None = None,
    is_base: bool,
    opacity: float,
    attribution: str,
    shown_by_default: bool = True,
    actor=None,
) -> MapLayer:
    """An uploaded plan or aerial image (None: none was chosen), re-encoded; placed by its SW/NE
    corners on a geographic map, or filling the pixel space on a plan-only one. `description` is
    its text alternative: what the image shows.

    A `footprint` says that the image's pixels follow the UTM grid, or are turned by its world
    file: it is then warped north-up into the WGS 84 box around it (georef.warp_north_up),
    which south/west/north/east must be."""
    corners = rules.image_layer_corners(
        consultation, data=data, description=description, south=south, west=west, north=north, east=east
    )
    redraw = _north_up(footprint, corners) if footprint is not None and corners is not None else None
    try:
        if uploads.is_pdf(data):
            data = uploads.first_pdf_page(data)
        stored = uploads.store_image(
            data, f"layers/{consultation.id}", lossless=True, max_side=LAYER_MAX_SIDE, redraw=redraw
        )
    except uploads.UploadError as error:
        raise rules.ConsultationRuleError(error.message, "image") from error
    layer = MapLayer(
        consultation=consultation,
        name=name.strip(),
        kind=LayerKind.IMAGE.value,
        is_base=is_base,
        shown_by_default=shown_by_default,
        opacity=opacity,
        attribution=attribution or "",
        description=(description or "").strip(),
        image_key=stored.key,
        image_width=stored.width,
        image_height=stored.height,
        position=len(consultation.layers),
    )
    if corners is not None:
        layer.west, layer.south, layer.east, layer.north = corners.as_list()
    db.session.add(layer)
    db.session.flush()
    _audit_layer(actor, "layer.added", layer)
    return layer


def _north_up(footprint: georef.Footprint, corners: geo.BBox):
    """How an image on the UTM grid, or turned, is redrawn for the layer's box."""

    def redraw(image):
        warped, box = georef.warp_north_up(
            image, footprint, max_side=LAYER_MAX_SIDE, max_pixels=uploads.MAX_PIXELS
        )
        if box != corners:
            raise ValueError(f"the warped image lies on {box}, the layer on {corners}")
        return warped

    return redraw


def add_service_layer(
    consultation: Consultation,
    *,
    name: str,
    kind: LayerKind,
    url: str | None,
    wms_layers: str | None,
    is_base: bool,
    wms_format: str | None = None,
    opacity: float,
    attribution: str,
    shown_by_default: bool = True,
    actor=None,
) -> MapLayer:
    """A tile (XYZ) or WMS service as a layer: only configuration is stored, no image."""
    url = rules.service_layer_url(kind, url, wms_layers)
    layer = MapLayer(
        consultation=consultation,
        name=name.strip(),
        kind=kind.value,
        url=url,
        wms_layers=(wms_layers or "").strip() or None,
        wms_format=wms_format if kind is LayerKind.WMS else None,
        is_base=is_base,
        shown_by_default=shown_by_default,
        opacity=opacity,
        attribution=attribution or "",
        position=len(consultation.layers),
    )
    db.session.add(layer)
    db.session.flush()
    _audit_layer(actor, "layer.added", layer)
    return layer


def change_layer(
    layer: MapLayer,
    *,
    name: str,
    description: str | None,
    attribution: str | None,
    opacity: float,
    is_base: bool,
    shown_by_default: bool,
    actor=None,
) -> None:
    """Rename a layer, describe it again or change how it is shown; its image, place and
    service address stay. An image layer keeps a text alternative."""
    image = layer.kind == LayerKind.IMAGE.value
    if image:
        rules.check_image_description(description)
    before = _layer_settings(layer)
    layer.name = name.strip()
    if image:
        layer.description = (description or "").strip()
    layer.attribution = (attribution or "").strip()
    layer.opacity = opacity
    layer.is_base = is_base
    layer.shown_by_default = shown_by_default
    after = _layer_settings(layer)
    if after != before:
        audit.record(
            actor, "layer.changed", "consultation", layer.consultation_id, before=before, after=after
        )
    db.session.flush()


def _layer_settings(layer: MapLayer) -> dict:
    return {
        "layer": layer.name, "kind": layer.kind, "description": layer.description,
        "attribution": layer.attribution, "opacity": layer.opacity, "is_base": layer.is_base,
        "shown_by_default": layer.shown_by_default,
    }


def _audit_layer(actor, action: str, layer: MapLayer) -> None:
    snapshot = {"layer": layer.name, "kind": layer.kind}
    before, after = (snapshot, None) if action == "layer.deleted" else (None, snapshot)
    audit.record(actor, action, "consultation", layer.consultation_id, before=before, after=after)


def delete_layer(layer: MapLayer, *, actor=None) -> None:
    _audit_layer(actor, "layer.deleted", layer)
    key = layer.image_key
    db.session.delete(layer)
    db.session.flush()
    if key:
        uploads.delete_after_commit(key)


# --- ideas ------------------------------------------------------------------------------------


def save_idea(
    idea: Idea | None,
    consultation: Consultation,
    *,
    author,
    title: str,
    body: str,
    category: Category | None,
    geometry: dict,
    photo: bytes | None,
    photo_description: str | None,
    remove_photo: bool = False,
) -> Idea:
    rules.check_category(consultation, category)
    geometry = rules.check_idea_geometry(consultation, geometry)
    stored = None
    if photo:
        try:
            stored = uploads.store_image(
                photo,
                "ideas",
                thumbnail_side=480,
                formats=uploads.PHOTO_FORMATS,
                max_bytes=uploads.PHOTO_MAX_BYTES,
            )
        except uploads.UploadError as error:
            raise rules.ConsultationRuleError(error.message, "photo") from error
    created = idea is None
    if idea is None:
        idea = Idea(
            consultation=consultation,
            author_id=author.id,
            status=IdeaStatus.RECEIVED.value,
            visibility=initial_visibility(("consultation", consultation.id)),
        )
        db.session.add(idea)
    idea.title = title.strip()
    idea.body = body.strip()
    idea.category = category
    idea.kind = geo.kind_of(geometry)
    idea.set_geometry(geometry)
    old_keys = []
    if stored is not None or remove_photo:
        old_keys = [k for k in (idea.photo_key, idea.thumbnail_key) if k]
        idea.photo_key = stored.key if stored else None
        idea.thumbnail_key = stored.thumbnail_key if stored else None
    if idea.photo_key:
        idea.photo_description = (photo_description or "").strip() or None
    else:
        idea.photo_description = None
    db.session.flush()
    for key in old_keys:
        uploads.delete_after_commit(key)
    events.emit(IDEA_SAVED, actor=author, subject=idea, consultation_id=consultation.id, created=created)
    return idea


def add_support(idea: Idea, user) -> None:
    """The user supports the idea, whether or not they did before.

    A double click sends two requests at once: both insert, and the unique constraint
    turns the second into nothing (ON CONFLICT DO NOTHING waits for the first and skips),
    never into an error, on SQLite and PostgreSQL alike."""
    insert = insert_for(db.session)
    statement = insert(Support).values(idea_id=idea.id, user_id=user.id, created_at=utcnow())
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["idea_id", "user_id"]))


def withdraw_support(idea: Idea, user) -> None:
    """The user no longer supports the idea, whether or not they did before."""
    db.session.execute(delete(Support).where(Support.idea_id == idea.id, Support.user_id == user.id))


def answer_idea(idea: Idea, staff, *, status: IdeaStatus, response: str) -> None:
    """Staff set the status and answer; the author hears about it by mail."""
    before = {"status": idea.status, "response": idea.response}
    idea.status = status.value
    idea.response = (response or "").strip() or None
    audit.record(
        staff, "idea.answered", "idea", idea.id,
        before=before, after={"status": idea.status, "response": idea.response},
    )
    idea.responded_at = utcnow()
    idea.responded_by_id = staff.id
    db.session.flush()
    events.emit(  # followers hear of it (notifications); the author gets the mail below
        IDEA_ANSWERED, actor=staff, subject=idea, status=idea.status, answered=idea.response is not None,
        author_id=idea.author_id, consultation_id=idea.consultation_id,
    )
    if idea.author is not None:
        notification_mail.send_personal(
            idea.author,
            _l("The city has answered your idea"),
            "consultations/mail/answer.txt",
            reason=_l("You receive this mail because you wrote this idea."),
            idea=idea,
            link=external_url("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id),
            status=idea.status_label,
            response=markdown_to_text(idea.response),
        )
