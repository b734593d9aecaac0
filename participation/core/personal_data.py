"""Registry through which every feature contributes to a user's data export and erasure.

A feature registers an exporter (user -> records) with a title and labels for its fields,
and an eraser (user -> None) with a sentence saying what it erases; the account pages call
them all, so a new content type is exportable and deletable by adding two small functions,
not by editing the accounts package.

The export is for a person to read: exporters give titles with absolute links (`Link`)
instead of internal ids, the photos themselves (`Photo`, packed into the ZIP), labels in the
person's language (they run inside `force_locale`), and datetimes as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from participation.core.settings_access import current_settings


@dataclass(frozen=True)
class Link:
    """Something on the platform, by its title and its address."""

    title: str
    url: str


@dataclass(frozen=True)
class Photo:
    """An uploaded file, exported as `photos/<filename>` in the ZIP."""

    key: str  # in the upload storage
    filename: str
    description: str | None = None

    @property
    def path(self) -> str:
        return f"photos/{self.filename}"


@dataclass(frozen=True)
class Section:
    key: str
    exporter: Callable[[Any], Any]
    title: Any  # a (lazy) heading in the person's language
    labels: dict[str, Any] = field(default_factory=dict)  # field key -> (lazy) label
    position: int = 100


_sections: dict[str, Section] = {}
_erasers: list[Callable[[Any], None]] = []
_erasure_descriptions: dict[Callable[[Any], None], Any] = {}


def register_exporter(
    section: str,
    exporter: Callable[[Any], Any],
    *,
    title=None,
    labels: dict[str, Any] | None = None,
    position: int = 100,
) -> None:
    """`exporter(user)` returns a dict (one record) or a list of dicts, with English keys;
    `labels` names those keys for people; `position` orders the sections."""
    _sections[section] = Section(section, exporter, title or section, labels or {}, position)


def register_eraser(eraser: Callable[[Any], None], erases=None) -> None:
    """`erases`: a (lazy) sentence saying what goes, shown to the person after the deletion."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    if erases is not None:
        _erasure_descriptions[eraser] = erases


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.position)


def export_sections(user) -> dict[str, Any]:
    """Every section's records, with `Link`, `Photo` and datetime values as they are."""
    return {section.key: section.exporter(user) for section in sections()}


def erase_everywhere(user) -> None:
    for eraser in _erasers:
        eraser(user)


def erasure_descriptions() -> list:
    return [_erasure_descriptions[eraser] for eraser in _erasers if eraser in _erasure_descriptions]


def absolute(path: str) -> str:
    """An address on this site as an absolute link from BASE_URL (never the request's host)."""
    if path.startswith(("http://", "https://")):
        return path
    return current_settings().base_url.rstrip("/") + path


def to_json(value):
    """Records as JSON-able data: links as {title, link}, photos as {file, description},
    datetimes in ISO 8601, (lazy) translated strings as text."""
    if isinstance(value, Link):
        return {"title": value.title, "link": value.url}
    if isinstance(value, Photo):
        return {"file": value.path, "description": value.description}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy strings


def photos_in(value) -> Iterator[Photo]:
    if isinstance(value, Photo):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from photos_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from photos_in(item)
