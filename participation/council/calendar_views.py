"""Subscribable meeting calendars (calendars.py): all meetings, a committee's, one meeting."""

from __future__ import annotations

from flask import abort, make_response
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from participation.council import calendars, queries
from participation.council.blueprint import bp
from participation.council.models import Meeting, Organization
from participation.extensions import db

CACHE_SECONDS = 300  # calendar programs poll; five minutes late is fine for a meeting date


def _answer(meetings, name: str, filename: str):
    response = make_response(calendars.calendar_of(meetings, name=name))
    response.mimetype = "text/calendar"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _meetings(query):
    return db.session.scalars(
        query.options(
            selectinload(Meeting.agenda_items),
            selectinload(Meeting.location),
            selectinload(Meeting.organizations),
        )
    ).all()


def _content_name(text: str) -> str:
    with force_locale("de"):  # the calendar's name, in the language of the council's content
        return gettext(text)


@bp.get("/council/meetings.ics")
def meetings_calendar():
    query = select(Meeting).where(Meeting.deleted.is_(False)).order_by(Meeting.start, Meeting.id)
    return _answer(_meetings(query), _content_name("City council meetings"), "sitzungen.ics")


@bp.get("/council/organizations/<int:organization_id>/meetings.ics")
def organization_calendar(organization_id: int):
    organization = db.session.get(Organization, organization_id)
    if organization is None or organization.deleted:
        abort(404)
    query = (
        queries.meetings_of_organization(organization_id).order_by(None).order_by(Meeting.start, Meeting.id)
    )
    return _answer(
        _meetings(query),
        organization.name or _content_name("City council meetings"),
        f"gremium-{organization_id}.ics",
    )


@bp.get("/council/meetings/<int:meeting_id>.ics")
def meeting_calendar(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted or meeting.start is None:
        abort(404)
    return _answer([meeting], calendars.summary(meeting), f"sitzung-{meeting_id}.ics")
