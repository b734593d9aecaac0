"""Dates and times for machines: the `datetime` attribute of <time> (the `html_datetime` filter)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def html_datetime(value: date | datetime | None) -> str:
    """A valid value for <time datetime>: a date as YYYY-MM-DD, a moment in UTC to the second.

    `datetime.isoformat()` writes microseconds, and HTML allows at most three digits of a
    fraction of a second; a value without an offset would be a "floating" local time, so a
    moment is always written in UTC with its `Z`. Naive datetimes are taken to be UTC, as the
    database stores them (core.models.UTCDateTime).
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
