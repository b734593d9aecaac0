"""JSON API v1 of petitions: the public list, one petition, and its count (openapi.py states
what each route accepts and answers).

Only public petitions exist here (live_count.PUBLIC_STATES); drafts, supporter gathering and
review answer 404 like their pages. A petition rejected as offensive or for personal data
(or hidden by moderation) keeps only its reason: title, texts, place and creator are null.

The count route is what many clients poll: it is served from the per-process cache
(live_count.py) by a WSGI layer in front of the app (fast_count.py) with no request
context, no session, no template and, on a cache hit, no query; it sends
`Cache-Control: public, max-age=1` and a weak ETag of the figures, and answers 304 to a
matching If-None-Match.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, abort, current_app, jsonify, request
from sqlalchemy import func, select

from participation.core import openapi as api_document
from participation.core.content import Visibility
from participation.core.inputs import parse_int
from participation.core.urls import external_url
from participation.extensions import db
from participation.petitions import counts, live_count
from participation.petitions.blueprint import api_bp as bp
from participation.petitions.models import HIDING_REASONS, Petition, RejectionReason

PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 50, 100, 10**6
COUNT_MAX_AGE = 1  # seconds; with the server's cache the count is at most 2 s behind


def when(value: datetime | None) -> str | None:
    """RFC 3339 in UTC, to the second."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def text_hidden(petition: Petition) -> bool:
    """Rejected as offensive or for personal data, or hidden by moderation: only the reason shows."""
    return petition.rejection_reason in HIDING_REASONS or petition.visibility != Visibility.VISIBLE.value


def _summary(petition: Petition, signature_count: int) -> dict:
    return {
        "id": petition.id,
        "title": None if text_hidden(petition) else petition.title,
        "state": petition.state,
        "signature_count": signature_count,
        "url": external_url("petitions.show", petition_id=petition.id),
    }


def _query_int(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    number = parse_int(raw, maximum=maximum)
    if number is None:
        abort(400, description=f"The query parameter {name} must be a whole number from 1 to {maximum}.")
    return number


@bp.get("/petitions")
def petitions():
    """Public petitions, newest first, a page at a time (`page`, `per_page`), optionally of one `state`."""
    page = _query_int("page", 1, MAX_PAGE)
    per_page = _query_int("per_page", PER_PAGE, MAX_PER_PAGE)
    states = sorted(live_count.PUBLIC_STATES)
    state = request.args.get("state")
    if state is not None:
        if state not in live_count.PUBLIC_STATES:
            abort(400, description=f"The query parameter state must be one of {', '.join(states)}.")
        states = [state]
    public = Petition.state.in_(states)
    total = db.session.scalar(select(func.count()).select_from(Petition).where(public))
    items = db.session.scalars(
        select(Petition).where(public).order_by(Petition.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    signature_counts = counts.totals_for([p.id for p in items])
    last_page = max(1, -(-total // per_page))

    def page_url(number: int) -> str | None:
        if not 1 <= number <= last_page:
            return None
        return external_url("petitions_api.petitions", page=number, per_page=per_page, state=state)

    return jsonify(
        petitions=[_summary(p, signature_counts.get(p.id, 0)) for p in items],
        page=page, per_page=per_page, total=total,
        next=page_url(page + 1), previous=page_url(min(page - 1, last_page)),
    )


def _load_public(petition_id: int) -> Petition:
    petition = db.session.get(Petition, petition_id)
    if petition is None or petition.state not in live_count.PUBLIC_STATES:
        abort(404)
    return petition


def _rejection(petition: Petition) -> dict | None:
    if petition.rejection_reason is None:
        return None
    duplicate_of = None
    if petition.rejection_reason == RejectionReason.DUPLICATE.value and petition.duplicate_of_id is not None:
        duplicate_of = external_url("petitions.show", petition_id=petition.duplicate_of_id)
    return {
        "reason": petition.rejection_reason,
        # the moderator's explanation may repeat what was hidden: it stays with the creator then
        "explanation": None if text_hidden(petition) else petition.rejection_explanation,
        "duplicate_of": duplicate_of,
    }


@bp.get("/petitions/<int:petition_id>")
def petition(petition_id: int):
    item = _load_public(petition_id)
    figures = live_count.cached(item.id)
    totals = figures.totals
    hidden = text_hidden(item)
    return jsonify(
        {
            **_summary(item, totals.total),
            "request": None if hidden else item.request,
            "background": None if hidden else item.background,
            "creator": None if hidden else item.author_name,
            "district": item.district,
            "geometry": None if hidden else item.geometry,
            "submitted_at": when(item.submitted_at),
            "decided_at": when(item.decided_at),
            "opened_at": when(item.opened_at),
            "closes_at": when(item.closes_at),
            "closed_at": when(item.closed_at),
            "answered_at": when(item.answered_at),
            "quorum": figures.quorum,
            "milestone_reached": item.milestone_reached,
            "for_quorum": totals.for_quorum,
            "signatures_in_municipality": totals.for_quorum,
            "signatures_outside": totals.outside,
            "online_signatures": totals.online,
            "paper_signatures": totals.paper,
            "rejection": _rejection(item),
            "response": item.response,
            "response_url": item.response_url,
            "by_district": [
                {"district": row.district, "online": row.online, "paper": row.paper, "total": row.total}
                for row in counts.by_district(item.id)
            ],
            "by_day": [
                {"date": row.day.isoformat(), "online": row.online, "paper": row.paper, "total": row.total}
                for row in counts.by_day(item.id)
            ],
            "count_url": external_url("petitions_api.count", petition_id=item.id),
        }
    )


def count_document(figures: live_count.CachedCount) -> dict:
    return {
        "id": figures.petition_id,
        "signature_count": figures.totals.total,
        "for_quorum": figures.totals.for_quorum,
        "quorum": figures.quorum,
        "updated_at": when(figures.updated_at),
    }


@bp.get("/petitions/<int:petition_id>/count")
def count(petition_id: int):
    """Mostly answered by fast_count.py before Flask sees the request; here with a query
    string, for HEAD, and for the 404 of petitions that are missing or not public."""
    figures = live_count.cached(petition_id)
    if not figures.is_public:
        abort(404)
    if request.if_none_match.contains_weak(figures.etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(count_document(figures))
    response.set_etag(figures.etag, weak=True)
    response.headers["Cache-Control"] = f"public, max-age={COUNT_MAX_AGE}"
    return response


def register(app: Flask) -> None:
    """Add the petitions' part to the OpenAPI document (called by init_app)."""
    from participation.petitions import openapi

    api_document.register(app, "petitions", paths=openapi.paths, schemas=openapi.schemas)
