"""Public petition pages: the list with filters and map, a petition, and its count alone.

The count block (`_count.html`) is one partial: the page includes it, and
`count_fragment` returns it alone for live updates and polling, cacheable for a second.
"""

from __future__ import annotations

import math

from flask import Flask, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participation.core import features, fragments, targets
from participation.core.districts import DISTRICTS
from participation.core.models import utcnow
from participation.core.pagination import paginate
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions import chart, counts, lifecycle, live_count, maps, queries, services
from participation.petitions.blueprint import bp
from participation.petitions.forms import signature_form
from participation.petitions.models import REJECTION_LABELS, STATE_LABELS, Petition, PetitionState

PER_PAGE = 20


def register(app: Flask) -> None:
    """The feature card, the home page's list and the template helpers (called by init_app)."""
    # Opening, rejecting and closing change the home page's card. A new signature does not
    # drop the cached overview (that would be many times a second): the card's counts are
    # as fresh as the fragment cache allows, a minute at most (core.fragments.TIMEOUT_SECONDS).
    fragments.forget_on(fragments.HOME_OVERVIEW, *services.EVENTS)
    app.add_template_global(queries.open_petitions)
    app.add_template_global(lifecycle.state_date, "petition_state_date")
    features.register(app, features.Feature(
        "petitions",
        title=_l("Petitions"),
        index_endpoint="petitions.index",
        promise=_l("Start a petition to the city council or sign one."),
        manage_endpoint="petitions.manage",
        manage_label=_l("All petitions"),
        create_endpoint="petitions.new",
        create_label=_l("Start a petition"),
    ))


def load_petition(petition_id: int) -> Petition:
    petition = db.get_or_404(Petition, petition_id)
    if not queries.can_view(petition, current_user):
        abort(404)  # before moderation a petition does not exist for the public
    return petition


@bp.get("/petitionen")
def index():
    filters = queries.PetitionFilters.from_args(request.args)
    page = paginate(queries.filtered(filters), per_page=PER_PAGE)
    located = queries.located(filters)
    totals = counts.totals_for(list({p.id for p in [*page.items, *located]}))
    return render_template(
        "petitions/index.html",
        page=page,
        filters=filters,
        totals=totals,
        map=maps.overview_map(located) if located else None,
        markers=maps.markers(located, totals),
        located=located,
        districts=DISTRICTS,
        state_labels={state: STATE_LABELS[state] for state in queries.PUBLIC_STATES},
        rejection_labels=REJECTION_LABELS,
        text_hidden=queries.text_hidden,
        sorts=queries.SORTS,
    )


def count_context(petition: Petition, *, exact: bool = True) -> dict:
    """What `_count.html` needs: the totals, the quorum and the days left while open. The page
    counts exactly (someone who just signed looks for their signature); the fragment, which
    every open page fetches after each live update, takes the figures of the count cache, at
    most a second old, so thousands of readers cost one query a second."""
    totals = counts.totals(petition.id) if exact else live_count.cached_totals(petition.id)
    quorum = petition.quorum_for(current_settings().petition_quorum)
    days_left = None
    if petition.state == PetitionState.OPEN.value and petition.closes_at is not None:
        seconds = (petition.closes_at - utcnow()).total_seconds()
        days_left = max(0, math.ceil(seconds / 86400))
    return {"petition": petition, "totals": totals, "quorum": quorum, "days_left": days_left}


@bp.get("/petitionen/<int:petition_id>")
def show(petition_id: int):
    petition = load_petition(petition_id)
    hidden = queries.text_hidden(petition)
    counted = PetitionState(petition.state) in queries.COUNTED_STATES
    context = count_context(petition) if counted else {"petition": petition}
    if counted:
        end = (petition.closed_at or min(petition.closes_at or utcnow(), utcnow())).date()
        start = (petition.opened_at or petition.created_at).date()
        days = counts.by_day(petition.id)
        context.update(
            chart=chart.build(days, start=start, end=end),
            days=days,
            districts=counts.by_district(petition.id),
            names=counts.shown_names(petition.id),
        )
    if petition.state == PetitionState.OPEN.value:
        context["sign_form"] = signature_form()
    duplicate = db.session.get(Petition, petition.duplicate_of_id) if petition.duplicate_of_id else None
    return render_template(
        "petitions/show.html",
        hidden=hidden,
        text_hidden=queries.text_hidden,
        counted=counted,
        public=queries.is_public(petition),
        steps=lifecycle.steps(petition),
        rejection_label=REJECTION_LABELS.get(petition.rejection_reason or ""),
        duplicate=duplicate if duplicate is not None and queries.is_public(duplicate) else None,
        response_link=_safe_link(petition.response_url),
        response_target=_linked_page(petition.response_url),
        map=None if hidden else maps.petition_map(petition),
        **context,
    )


def _safe_link(url: str | None) -> str | None:
    """The council link as a link only when it is a web address or a page of this site (never
    `javascript:`)."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return url if url.lower().startswith(("https://", "http://")) else None


def _linked_page(url: str | None) -> targets.Target | None:
    """The council meeting or paper (or any object with a public page) the response links to
    on this site, to name it by its title; None for other links or what the visitor may not see."""
    target = targets.resolve_link(url, current_settings().base_url)
    return target if target is not None and target.can_view(current_user) else None


@bp.get("/petitionen/<int:petition_id>/_count")
def count_fragment(petition_id: int):
    petition = load_petition(petition_id)
    response = make_response(render_template("petitions/_count.html", **count_context(petition, exact=False)))
    if queries.is_public(petition):
        response.headers["Cache-Control"] = "public, max-age=1"
    else:  # a draft's count is for its creator and moderators only
        response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("HX-Request")
    response.vary.add("Accept-Language")  # the words around the numbers are translated
    return response
