"""One month of the meeting calendar: its weeks (Monday first, as calendars in Leipzig are),
its bounds as UTC moments for the query, and the months before and after it.

The month comes from the query string as `monat=2026-11`; anything else is this month. The
years are bounded so that a link built from a month (one before, one after) is a month too.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from participation.council import display

FIRST_YEAR, LAST_YEAR = 1990, 2200
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str | None, default: date) -> Month:
        match = _MONTH.fullmatch(raw or "")
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
                return cls(year, month)
        return cls(default.year, default.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def key(self) -> str:
        """The month as the query string writes it."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def previous(self) -> Month | None:
        if self.month == 1:
            return Month(self.year - 1, 12) if self.year > FIRST_YEAR else None
        return Month(self.year, self.month - 1)

    @property
    def next(self) -> Month | None:
        if self.month == 12:
            return Month(self.year + 1, 1) if self.year < LAST_YEAR else None
        return Month(self.year, self.month + 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """From midnight on the 1st in Leipzig to midnight on the 1st of the next month."""
        following = date(self.year + 1, 1, 1) if self.month == 12 else date(self.year, self.month + 1, 1)
        return display.day_start(self.first_day), display.day_start(following)

    def weeks(self) -> list[list[date | None]]:
        """The month's weeks, Monday to Sunday; None for the days of the months around it."""
        return [
            [day if day.month == self.month else None for day in week]
            for week in _WEEKS.monthdatescalendar(self.year, self.month)
        ]


def by_day(meetings) -> dict[date, list]:
    """The meetings of each day (in Leipzig's time), in the order given."""
    days: dict[date, list] = {}
    for meeting in meetings:
        day = display.local_date(meeting.start)
        if day is not None:
            days.setdefault(day, []).append(meeting)
    return days
