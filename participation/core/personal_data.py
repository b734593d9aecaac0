"""Registry through which every feature contributes to a user's data export and erasure.

A feature registers an exporter (user -> JSON-able data) and an eraser (user -> None);
the account pages call them all, so a new content type is exportable and deletable by
adding two small functions, not by editing the accounts package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_exporters: dict[str, Callable[[Any], Any]] = {}
_erasers: list[Callable[[Any], None]] = []
_erasure_descriptions: dict[Callable[[Any], None], Any] = {}


def register_exporter(section: str, exporter: Callable[[Any], Any]) -> None:
    _exporters[section] = exporter


def register_eraser(eraser: Callable[[Any], None], erases=None) -> None:
    """`erases`: a (lazy) sentence saying what goes, shown to the person after the deletion."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    if erases is not None:
        _erasure_descriptions[eraser] = erases


def erasure_descriptions() -> list:
    return [_erasure_descriptions[eraser] for eraser in _erasers if eraser in _erasure_descriptions]


def export_sections(user) -> dict[str, Any]:
    return {section: exporter(user) for section, exporter in _exporters.items()}


def erase_everywhere(user) -> None:
    for eraser in _erasers:
        eraser(user)
