"""The operator's details for the imprint and the accessibility statement, from the settings.

Nobody edits a template to fill these in: the IMPRINT_* and ACCESSIBILITY_* settings
(README, settings table) carry them. A development setup without them (`make run`) shows demo
values marked as such, so the demo looks complete; any other setup without them shows
visitors a neutral notice and admins what to set, never an invented address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from participation.settings import Settings


@dataclass(frozen=True)
class Imprint:
    operator: list[str]  # name first, then the postal address, one line each
    email: str
    representative: str = ""
    phone: str = ""
    responsible: list[str] | None = None
    demo: bool = False


@dataclass(frozen=True)
class EnforcementBody:
    name: str
    address: list[str]
    email: str = ""
    phone: str = ""
    url: str = ""


@dataclass(frozen=True)
class AccessibilityDetails:
    statement_date: date | None
    enforcement: EnforcementBody | None
    demo: bool = False


# Shown only in development, and marked as demo on the page: not facts about anyone.
DEMO_IMPRINT = Imprint(
    operator=["Stadt Leipzig (Demo)", "Referat Beteiligung (Demo)", "Beispielstraße 1", "04109 Leipzig"],
    email="beteiligung@example.org",
    representative="Die Oberbürgermeisterin (Demo)",
    phone="+49 341 000000",
    responsible=["Referat Beteiligung (Demo)", "Beispielstraße 1", "04109 Leipzig"],
    demo=True,
)
DEMO_ACCESSIBILITY = AccessibilityDetails(
    statement_date=date(2025, 1, 15),
    enforcement=EnforcementBody(
        name="Durchsetzungsstelle (Demo)",
        address=["Beispielweg 2", "01001 Dresden"],
        email="durchsetzungsstelle@example.org",
        phone="+49 351 000000",
    ),
    demo=True,
)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace("\n", "|").split("|") if line.strip()]


def imprint(settings: Settings) -> Imprint | None:
    """The configured imprint; demo values in development; None when it is missing."""
    operator = _lines(settings.imprint_operator)
    email = settings.imprint_email.strip()
    if operator and email:
        return Imprint(
            operator=operator,
            email=email,
            representative=settings.imprint_representative.strip(),
            phone=settings.imprint_phone.strip(),
            responsible=_lines(settings.imprint_responsible) or None,
        )
    if settings.env == "development" and not (operator or email):
        return DEMO_IMPRINT
    return None


def accessibility(settings: Settings) -> AccessibilityDetails:
    statement_date = statement_day(settings)
    name = settings.accessibility_enforcement_name.strip()
    enforcement = None
    if name:
        enforcement = EnforcementBody(
            name=name,
            address=_lines(settings.accessibility_enforcement_address),
            email=settings.accessibility_enforcement_email.strip(),
            phone=settings.accessibility_enforcement_phone.strip(),
            url=settings.accessibility_enforcement_url.strip(),
        )
    if settings.env == "development" and statement_date is None and enforcement is None:
        return DEMO_ACCESSIBILITY
    return AccessibilityDetails(statement_date=statement_date, enforcement=enforcement)


def statement_day(settings: Settings) -> date | None:
    value = settings.accessibility_statement_date.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(
            f"ACCESSIBILITY_STATEMENT_DATE: {value!r} is not a date like 2025-06-30"
        ) from error


def check(settings: Settings) -> None:
    """Stop the start on a value that could only be shown wrongly."""
    statement_day(settings)
    url = settings.accessibility_enforcement_url.strip()
    if url and urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValueError(f"ACCESSIBILITY_ENFORCEMENT_URL: {url!r} is not an address like https://…")
