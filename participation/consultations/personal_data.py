"""What the consultations keep about a person: exported on request, erased with the account."""

from __future__ import annotations

from sqlalchemy import delete, select

from participation.consultations.models import Idea, Support
from participation.core import personal_data, uploads
from participation.extensions import db


def _export_ideas(user) -> list[dict]:
    ideas = db.session.scalars(select(Idea).where(Idea.author_id == user.id).order_by(Idea.id))
    return [
        {
            "consultation": idea.consultation.title,
            "title": idea.title,
            "text": idea.body,
            "geometry": idea.geometry,
            "status": idea.status,
            "photo": idea.photo_key,
            "created_at": idea.created_at.isoformat(),
        }
        for idea in ideas
    ]


def _export_supports(user) -> list[dict]:
    rows = db.session.execute(
        select(Idea.title, Support.created_at)
        .join(Idea, Idea.id == Support.idea_id)
        .where(Support.user_id == user.id)
        .order_by(Support.id)
    )
    return [{"idea": row.title, "at": row.created_at.isoformat()} for row in rows]


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


personal_data.register_exporter("ideas", _export_ideas)
personal_data.register_exporter("idea_supports", _export_supports)
personal_data.register_eraser(_erase)
