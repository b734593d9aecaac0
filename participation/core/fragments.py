"""Rendered page fragments shared by every visitor, cached for a minute.

The home page's overview (open consultations, latest project updates, and what later
features add) is the same for everyone in one language, and the busiest page of the site:
it is rendered once a minute per language instead of on every request. Services that change
what it shows call `forget()`, so with Redis (one cache for all workers) a change shows at
once; with the in-process cache of the embedded setup, other processes catch up within the
timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from participation.core.locale import LOCALES, current_locale
from participation.extensions import cache, db

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


def forget(name: str) -> None:
    """Drop the fragment in every language once the current transaction commits (dropped
    earlier, a request in between could cache the old state again)."""
    db.session.info.setdefault("forget_fragments", set()).add(name)


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    names = session.info.pop("forget_fragments", None)
    if names and current_app:
        cache.delete_many(*(f"fragment:{name}:{locale}" for name in names for locale in LOCALES))


@event.listens_for(Session, "after_rollback")
def _keep_after_rollback(session: Session) -> None:
    session.info.pop("forget_fragments", None)
