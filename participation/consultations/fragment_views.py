"""Pieces of the consultation page, fetched alone when live updates say an idea changed.

The page includes the same partials, so a live update and a reload show the same markup.
"""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user

from participation.consultations import queries
from participation.consultations.blueprint import bp
from participation.consultations.models import Idea
from participation.consultations.views import load_consultation, load_idea
from participation.extensions import db, htmx


@bp.get("/beteiligung/<slug>/ideen/<int:idea_id>/_item")
def idea_item(slug: str, idea_id: int):
    """The idea's entry in the list (`_idea_item.html`) for htmx; the idea's page otherwise.

    Given the list's filters (`status`, `category`), an idea that does not match them answers
    204 No Content: a list filtered to "accepted" does not take in a new idea it would not show."""
    consultation = load_consultation(slug)
    idea = load_idea(consultation, idea_id)
    if not htmx:
        response = redirect(url_for("consultations.idea", slug=slug, idea_id=idea.id))
    elif not _matches(consultation, idea, queries.IdeaFilters.from_args(request.args)):
        response = make_response("", 204)
    else:
        response = make_response(render_template(
            "consultations/_idea_item.html",
            consultation=consultation,
            idea=idea,
            counts=queries.support_counts([idea.id]),
            supported=queries.supported_by(current_user, [idea.id]),
        ))
    response.vary.add("HX-Request")
    return response


def _matches(consultation, idea: Idea, filters: queries.IdeaFilters) -> bool:
    if not (filters.statuses or filters.category_ids):
        return True
    query = queries.filtered_ideas(consultation, filters).where(Idea.id == idea.id)
    return db.session.scalar(query.with_only_columns(Idea.id)) is not None
