"""Rendered page fragments shared by every visitor, cached for a minute.

The home page's overview (open consultations, latest project updates, and what later
features add) is the same for everyone in one language, and the busiest page of the site:
it is rendered once a minute per language instead of on every request. The features whose
changes it shows name the events it is forgotten on (`forget_on`, a subscriber of
core.events), so with Redis (one cache for all workers) a change shows at once; with the
in-process cache of the embedded setup, other processes catch up within the timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from markupsafe import Markup

from participation.core import events
from participation.core.locale import LOCALES, current_locale
from participation.extensions import cache

TIMEOUT_SECONDS = 60
HOME_OVERVIEW = "home-overview"


def cached(name: str, render: Callable[[], str]) -> Markup:
    """The fragment `name` in the current language, rendered by `render` when not cached."""
    key = f"fragment:{name}:{current_locale()}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, timeout=TIMEOUT_SECONDS)
    return Markup(html)  # noqa: S704 - our own template's output


def forget_now(name: str) -> None:
    """Drop the fragment in every language."""
    if current_app:
        cache.delete_many(*(f"fragment:{name}:{locale}" for locale in LOCALES))


def forget_on(name: str, *kinds: str) -> None:
    """Drop the fragment whenever an event of one of `kinds` commits (dropped earlier, a
    request in between could cache the old state again; see core.events)."""
    for kind in kinds:
        events.subscribe(kind, _forgetter(name))


_forgetters: dict[str, Callable] = {}


def _forgetter(name: str) -> Callable:
    # One function per fragment, so subscribing twice (a second app in the tests) stays one.
    if name not in _forgetters:
        _forgetters[name] = lambda _event: forget_now(name)
    return _forgetters[name]
