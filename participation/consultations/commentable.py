"""Ideas take part in comments and follows, consultations in follows, through core.targets."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.consultations.models import Consultation, Idea
from participation.core import targets
from participation.core.targets import TargetType
from participation.extensions import db


def register() -> None:
    """Ideas take comments and followers; consultations take followers (called by init_app)."""
    targets.register(
        TargetType(
            key="idea",
            load=lambda idea_id: db.session.get(Idea, idea_id),
            title=lambda idea: idea.title,
            url=lambda idea: url_for("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id),
            can_view=lambda idea, user: idea.can_view(user),
            # comments close with the consultation, and on ideas that are not (or no longer) public
            is_open=lambda idea: idea.is_visible and idea.consultation.is_open,
            stances=lambda idea: True,
            authors=lambda idea: [idea.author_id],
            label=_l("idea"),
            within=lambda idea: ("consultation", idea.consultation_id),
        )
    )

    targets.register(
        TargetType(
            key="consultation",
            load=lambda consultation_id: db.session.get(Consultation, consultation_id),
            title=lambda consultation: consultation.title,
            url=lambda consultation: url_for("consultations.show", slug=consultation.slug),
            can_view=lambda consultation, user: consultation.can_view(user),
            is_open=lambda consultation: consultation.is_open,
            authors=lambda consultation: [consultation.created_by_id],
            commentable=False,  # residents answer a consultation with ideas, and comment on those
            label=_l("consultation"),
            page=("consultations.show", "slug"),
            id_for_slug=lambda slug: db.session.scalar(
                select(Consultation.id).where(Consultation.slug == slug)
            ),
        )
    )
