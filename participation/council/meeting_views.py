"""The council's meetings: upcoming and past, a month's calendar, and one meeting with its
public agenda and documents.

"Upcoming" starts at midnight of today in Leipzig, so a meeting this morning is still on
the list of today's and later meetings; what began before today is past.
"""

from __future__ import annotations

from babel.dates import get_day_names
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.inputs import int_arg
from participation.core.locale import current_locale
from participation.core.pagination import paginate
from participation.council import display, loading, page_cache, page_queries, queries
from participation.council.blueprint import bp
from participation.council.models import Meeting, Organization
from participation.council.month import Month, by_day
from participation.extensions import db

PER_PAGE = 20
UPCOMING, PAST = "kommend", "vergangen"  # ?zeitraum=
PERIOD_HEADINGS = {
    UPCOMING: _l("Upcoming meetings"),
    PAST: _l("Past meetings"),
}


def _organization_filter() -> tuple[list[Organization], Organization | None]:
    """The organisations one may filter by, and the one chosen (?gremium=), if it is one of them."""
    choices = list(db.session.scalars(page_queries.organizations_with_meetings()))
    wanted = int_arg("gremium")
    chosen = next((organization for organization in choices if organization.id == wanted), None)
    return choices, chosen


@bp.get("/rat/sitzungen")
def meetings():
    period = PAST if request.args.get("zeitraum") == PAST else UPCOMING
    choices, chosen = _organization_filter()
    organization_id = chosen.id if chosen else None
    since = display.day_start(display.today())
    if period == PAST:
        query = page_queries.past_meetings(since, organization_id)
    else:
        query = page_queries.upcoming_meetings(since, organization_id)
    filters = {"zeitraum": period} if period == PAST else {}
    if chosen is not None:
        filters["gremium"] = chosen.id
    return render_template(
        "council/meetings.html",
        page=paginate(query, per_page=PER_PAGE),
        period=period,
        period_heading=PERIOD_HEADINGS[period],
        choices=choices,
        chosen=chosen,
        filters=filters,
    )


@bp.get("/rat/sitzungen/kalender")
def calendar():
    month = Month.parse(request.args.get("monat"), default=display.today())
    choices, chosen = _organization_filter()
    start, end = month.bounds()
    found = db.session.scalars(page_queries.meetings_between(start, end, chosen.id if chosen else None))
    keep = {"gremium": chosen.id} if chosen is not None else {}
    return render_template(
        "council/calendar.html",
        month=month,
        weeks=month.weeks(),
        weekdays=_weekdays(),
        days=by_day(found),
        today=display.today(),
        choices=choices,
        chosen=chosen,
        keep=keep,
    )


def _weekdays() -> list[tuple[str, str]]:
    """Monday to Sunday: (the name, its abbreviation) in the page's language."""
    names = get_day_names("wide", locale=current_locale())
    short = get_day_names("abbreviated", locale=current_locale())
    return [(names[number], short[number]) for number in range(7)]  # babel counts from Monday


@bp.get("/rat/sitzungen/<int:meeting_id>")
@cached_for_anonymous([page_cache.GROUP])
def meeting(meeting_id: int):
    found = loading.shown_or_gone(select(Meeting).where(Meeting.id == meeting_id))
    parts = page_cache.sections("meeting", found.id, lambda: _meeting_sections(meeting_id))
    return render_template(
        "council/meeting.html", meeting=found, meeting_head=parts["head"], meeting_body=parts["body"]
    )


def _meeting_sections(meeting_id: int) -> dict[str, str]:
    """The meeting page's public parts, loaded in full and rendered (page_cache keeps them)."""
    found = db.session.scalars(page_queries.meeting_page(meeting_id)).one()
    documents = [
        (label, queries.public_file(file))
        for label, file in (
            (_l("Invitation"), found.invitation),
            (_l("Results protocol"), found.results_protocol),
            (_l("Verbatim protocol"), found.verbatim_protocol),
        )
    ]
    context = {
        "meeting": found,
        "organizations": loading.listed(found.organizations),
        "agenda": queries.public_agenda_items(found.agenda_items),
        "documents": [(label, file) for label, file in documents if file is not None],
        "auxiliary_files": queries.public_files(found.auxiliary_files),
        "participants": loading.listed(found.participants),
    }
    return {
        "head": render_template("council/_meeting_head.html", **context),
        "body": render_template("council/_meeting_body.html", **context),
    }
