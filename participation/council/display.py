"""How council data is written on pages: moments in Leipzig's time, files with kind and size.

The database keeps moments in UTC; a meeting at 15:00 in Leipzig is on the day it has in
Leipzig, whatever the visitor's language. Flask-Babel's filters (`datetimeformat`,
`dateformat`, `timeformat`) already convert to the city's time zone (setting `timezone`);
what the pages compute themselves (the calendar's days, the start of today) uses the same
zone through `city_zone`. Flask-Babel hands out a pytz zone, whose `tzinfo=` gives the
zone's first offset in history (+0:53 for Berlin), so the name is looked up in zoneinfo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.units import format_unit
from flask import current_app

from participation.core.locale import current_locale
from participation.council.models import File

_UNITS = ((1024**3, "digital-gigabyte"), (1024**2, "digital-megabyte"), (1024, "digital-kilobyte"))
_KINDS = {
    "application/pdf": "PDF",
    "text/html": "HTML",
    "text/plain": "TXT",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local(moment: datetime) -> datetime:
    """`moment` in Leipzig's time (naive values are UTC, as the database stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(city_zone())


def local_date(moment: datetime | None) -> date | None:
    return local(moment).date() if moment is not None else None


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in Leipzig, as a UTC moment (for queries)."""
    return datetime.combine(day, time.min, tzinfo=city_zone()).astimezone(UTC)


def today() -> date:
    return datetime.now(city_zone()).date()


def file_kind(file: File) -> str | None:
    """"PDF", "DOCX" …: what a reader needs to know before opening a link to a file."""
    if file.mime_type in _KINDS:
        return _KINDS[file.mime_type]
    name = file.file_name or ""
    if "." in name:
        return name.rsplit(".", 1)[1].upper()[:8] or None
    return None


def file_size(size: int | None) -> str | None:
    """The size in the page's language ("1,2 kB"), or None when unknown."""
    if not size or size < 0:
        return None
    for factor, unit in _UNITS:
        if size >= factor:
            return format_unit(round(size / factor, 1), unit, length="short", locale=current_locale())
    return format_unit(size, "digital-byte", length="short", locale=current_locale())
