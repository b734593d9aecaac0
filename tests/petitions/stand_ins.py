"""Stand-ins for what other parts of the petitions feature provide (the page route, the
follow target), used only where those parts are not there yet: once they are, these do nothing."""

from __future__ import annotations

from flask import url_for

from participation.core import targets
from participation.core.targets import TargetType
from participation.extensions import db
from participation.petitions.models import Petition

PUBLIC = {"open", "awaiting_response", "answered", "closed", "rejected"}


def ensure_petition_page(app) -> None:
    """`petitions.show` exists for links (external_url) even before the page is built."""
    if "petitions.show" in app.view_functions:
        return
    finished = app._got_first_request
    app._got_first_request = False  # Flask refuses new routes once it has served one
    try:
        app.add_url_rule("/petitionen/<int:petition_id>", "petitions.show", lambda petition_id: "")
    finally:
        app._got_first_request = finished


def ensure_petition_target(monkeypatch) -> None:
    """Petitions can be followed (the creator follows their own) even before they are
    registered; for this test only (monkeypatch takes it away again)."""
    if "petition" in targets.registered():
        return
    monkeypatch.setitem(targets._types, "petition", TargetType(
        key="petition",
        load=lambda petition_id: db.session.get(Petition, petition_id),
        title=lambda petition: petition.title,
        url=lambda petition: url_for("petitions.show", petition_id=petition.id),
        can_view=lambda petition, user: petition.state in PUBLIC or petition.is_author(user),
        authors=lambda petition: [petition.author_id],
        commentable=False,
    ))
