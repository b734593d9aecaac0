"""Which features this installation has, so that pages promise and link only what exists.

A feature (consultations, projects; petitions and the council later) registers itself in its
`init_app(app)` with `register(app, Feature(...))`. Templates ask
`feature_available("petitions")` before they show a card, a sentence or a link about it, and
the staff overview lists the registered features staff manage. A feature that is not
installed is then simply absent: no card that leads nowhere, no text that promises it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

EXTENSION_KEY = "features"


@dataclass(frozen=True)
class Feature:
    name: str  # "consultations", "projects", "petitions", "council"
    title: str  # lazy: the section's heading on the staff overview
    index_endpoint: str  # the public list
    # one whole sentence for the home page saying what people can do with it (translatable)
    promise: str | None = None
    manage_endpoint: str | None = None  # the staff list of everything of this kind
    manage_label: str | None = None
    create_endpoint: str | None = None  # the staff form for a new one
    create_label: str | None = None


def register(app: Flask, feature: Feature) -> None:
    app.extensions.setdefault(EXTENSION_KEY, {})[feature.name] = feature


def registered() -> list[Feature]:
    """The installed features, in the order create_app initialised them."""
    return list(current_app.extensions.get(EXTENSION_KEY, {}).values())


def available(name: str) -> bool:
    return name in current_app.extensions.get(EXTENSION_KEY, {})


def managed_by(user) -> list[Feature]:
    """The registered features with a staff list that `user` may open (by the access table)."""
    from participation.core.access import allows

    table = current_app.extensions["route_access"]
    return [
        feature
        for feature in registered()
        if feature.manage_endpoint in table and allows(table[feature.manage_endpoint], user)
    ]
