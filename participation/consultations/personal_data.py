"""What the consultations keep about a person: exported on request, erased with the account."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from participation.consultations.models import Idea, Support
from participation.core import personal_data, uploads
from participation.core.content import VISIBILITY_LABELS, Visibility
from participation.core.personal_data import Link, Photo, absolute
from participation.extensions import db

IDEA_LABELS = {
    "title": _l("Title"),
    "consultation": _l("Consultation"),
    "category": _l("Category"),
    "text": _l("Text"),
    "kind": _l("Kind"),
    "location": _l("Position on the map (GeoJSON)"),
    "status": _l("Status"),
    "visibility": _l("Visibility"),
    "photo": _l("Photo"),
    "city_answer": _l("The city's answer"),
    "answered_at": _l("Answered"),
    "created_at": _l("Written"),
    "updated_at": _l("Last changed"),
}
SUPPORT_LABELS = {"idea": _l("Idea"), "consultation": _l("Consultation"), "at": _l("Supported")}


def idea_link(idea: Idea) -> Link:
    return Link(
        idea.title, absolute(url_for("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id))
    )


def consultation_link(consultation) -> Link:
    return Link(consultation.title, absolute(url_for("consultations.show", slug=consultation.slug)))


def _photo(idea: Idea) -> Photo | None:
    if not idea.photo_key:
        return None
    extension = idea.photo_key.rsplit(".", 1)[-1]
    return Photo(idea.photo_key, f"idea-{idea.id}.{extension}", idea.photo_description)


def _visibility(value: str):
    try:
        return VISIBILITY_LABELS[Visibility(value)]
    except ValueError:
        return value


def _export_ideas(user) -> list[dict]:
    ideas = db.session.scalars(select(Idea).where(Idea.author_id == user.id).order_by(Idea.id))
    return [
        {
            "title": idea_link(idea),
            "consultation": consultation_link(idea.consultation),
            "category": idea.category.name if idea.category else None,
            "text": idea.body,
            "kind": idea.kind_label,
            "location": idea.geometry,
            "status": idea.status_label,
            "visibility": _visibility(idea.visibility),
            "photo": _photo(idea),
            "city_answer": idea.response,
            "answered_at": idea.responded_at,
            "created_at": idea.created_at,
            "updated_at": idea.updated_at,
        }
        for idea in ideas
    ]


def _export_supports(user) -> list[dict]:
    rows = db.session.execute(
        select(Idea, Support.created_at)
        .join(Idea, Idea.id == Support.idea_id)
        .where(Support.user_id == user.id)
        .order_by(Support.id)
    )
    return [
        {"idea": idea_link(idea), "consultation": consultation_link(idea.consultation), "at": created_at}
        for idea, created_at in rows
    ]


def _erase(user) -> None:
    """Supports go; ideas stay as contributions of the "deleted user", but their photos go,
    since a photo can show the person or their home."""
    db.session.execute(delete(Support).where(Support.user_id == user.id))
    for idea in db.session.scalars(
        select(Idea).where(Idea.author_id == user.id, Idea.photo_key.is_not(None))
    ):
        for key in (idea.photo_key, idea.thumbnail_key):
            if key:
                uploads.delete_after_commit(key)
        idea.photo_key = idea.thumbnail_key = idea.photo_description = None


def register() -> None:
    """What the data export and the account deletion take from this feature (called by init_app)."""
    personal_data.register_exporter(
        "ideas", _export_ideas, title=_l("Your ideas"), labels=IDEA_LABELS, position=10
    )
    personal_data.register_exporter(
        "idea_supports", _export_supports, title=_l("Ideas you support"), labels=SUPPORT_LABELS, position=11
    )
    personal_data.register_eraser(_erase, erases=_l("Your support for ideas, and the photos of your ideas"))
