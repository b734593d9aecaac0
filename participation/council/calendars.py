"""The council's meetings as iCalendar (RFC 5545), for residents' calendar programs: all
meetings, one committee's, or one meeting.

Built with `icalendar`, which folds long lines and ends them with CRLF. Each event has a UID
that never changes (the meeting's id at this site's host), DTSTAMP (when the meeting last
changed, so programs see updates), times in the city's zone with its VTIMEZONE, and
STATUS:CANCELLED for a cancelled meeting, so a subscribed calendar crosses it out instead of
silently keeping it. Only the public agenda goes into the description.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from participation.core.settings_access import current_settings
from participation.core.urls import external_url
from participation.council import queries
from participation.council.models import Meeting

DEFAULT_LENGTH = timedelta(hours=3)  # a meeting without an end: what a session usually takes


def _uid(meeting: Meeting) -> str:
    host = urlsplit(current_settings().base_url).hostname or "localhost"
    return f"council-meeting-{meeting.id}@{host}"


def summary(meeting: Meeting) -> str:
    if meeting.name:
        return meeting.name
    names = [org.name for org in meeting.organizations if org.name and not org.deleted]
    return ", ".join(names) or "Sitzung"


def _location(meeting: Meeting) -> str | None:
    place = meeting.location
    if place is None or place.deleted:
        return None
    parts = [
        place.description or "",
        place.room or "",
        place.street_address or "",
        " ".join(part for part in (place.postal_code, place.locality) if part),
    ]
    return ", ".join(dict.fromkeys(part.strip() for part in parts if part and part.strip())) or None


def _description(meeting: Meeting) -> str:
    lines = [
        f"{item.number or ''} {item.name or ''}".strip()
        for item in queries.public_agenda_items(meeting.agenda_items)
    ]
    return "\n".join(line for line in lines if line)


def event_for(meeting: Meeting, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", meeting.modified)
    start = meeting.start.astimezone(zone)
    event.add("dtstart", start)
    event.add("dtend", (meeting.end or meeting.start + DEFAULT_LENGTH).astimezone(zone))
    event.add("summary", summary(meeting))
    if location := _location(meeting):
        event.add("location", location)
    if description := _description(meeting):
        event.add("description", description)
    event.add("url", external_url("council.meeting", meeting_id=meeting.id))
    event.add("last-modified", meeting.modified)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def calendar_of(meetings, *, name: str) -> bytes:
    zone = ZoneInfo(current_settings().timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//participation//Ratsinformation//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    for meeting in meetings:
        if meeting.start is not None and not meeting.deleted:
            calendar.add_component(event_for(meeting, zone))
    calendar.add_missing_timezones()
    return calendar.to_ical()
