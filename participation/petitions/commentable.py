"""Petitions take part in comments and follows through the registry in core.targets."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from participation.core import targets
from participation.core.targets import TargetType
from participation.extensions import db
from participation.petitions import queries
from participation.petitions.models import Petition


def _title(petition: Petition) -> str:
    # a petition rejected for a hiding reason keeps its title out of notifications too
    return str(_l("Rejected petition")) if queries.text_hidden(petition) else petition.title


def _is_open(petition: Petition) -> bool:
    """Comments are taken while the petition is public, its text not hidden by the rejection."""
    return queries.is_public(petition) and not queries.text_hidden(petition)


def register() -> None:
    """Petitions take comments and followers (called by init_app)."""
    targets.register(
        TargetType(
            key="petition",
            load=lambda petition_id: db.session.get(Petition, petition_id),
            title=_title,
            url=lambda petition: url_for("petitions.show", petition_id=petition.id),
            can_view=queries.can_view,
            is_open=_is_open,
            stances=lambda petition: True,
            authors=lambda petition: [petition.author_id] if petition.author_id else [],
            label=_l("petition"),
        )
    )
