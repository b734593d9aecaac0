"""Live updates: what changes reaches open pages at once (Server-Sent Events, polling as fallback).

Features announce what happened (core.events); subscribers.py publishes the public part of it
on the broker (broker.py: in-process by default, Redis with REDIS_URL); views.py streams it to
browsers. The browser side is static/js; the contract between them is in the README.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, current_app
from markupsafe import escape

from participation.core import errors, viewer_pages
from participation.live.broker import Broker, BrokerUnavailable, InProcessBroker
from participation.settings import Settings

logger = logging.getLogger(__name__)


def make_broker(settings: Settings) -> Broker:
    options = {
        "backlog_length": settings.live_backlog_length,
        "backlog_seconds": settings.live_backlog_seconds,
    }
    if settings.redis_url:
        from participation.live.redis_broker import RedisBroker

        return RedisBroker(settings.redis_url, prefix=settings.live_channel_prefix, **options)
    return InProcessBroker(**options)


def live_cursor() -> str:
    """For a page's first connect (`last_event_id`): where the events after this page begin."""
    try:
        return str(current_app.extensions["live_broker"].head())
    except BrokerUnavailable:
        return ""


def init_app(app: Flask) -> None:
    from participation.live import fast_poll, subscribers, views  # noqa: F401 - views adds the routes
    from participation.live.blueprint import bp

    settings: Settings = app.extensions["settings"]
    for name in ("live_heartbeat_seconds", "live_poll_seconds"):
        if getattr(settings, name) < 1:
            raise ValueError(f"{name.upper()}: at least 1")
    app.extensions["live_broker"] = make_broker(settings)
    app.register_blueprint(bp)
    fast_poll.install(app)  # unchanged anonymous polls answered before Flask (fast_poll.py)
    errors.answer_json_under(app, bp.url_prefix)
    subscribers.init_app(app)
    app.add_template_global(live_cursor)
    viewer_pages.fills("live-cursor", lambda: escape(live_cursor()))  # in kept pages of signed-in viewers
    cooperative_database_waits()


def cooperative_database_waits() -> None:
    """Under gevent, psycopg must wait for the database through the patched `select`, or one
    query stalls every stream of the worker. psycopg chooses when it is imported, so it
    chose wrongly if it was imported before gevent patched (gunicorn's --preload): fix it."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("select"):
        return
    import selectors

    from psycopg import waiting

    if waiting.wait is getattr(waiting, "wait_c", None):
        logger.warning("psycopg was imported before gevent patched it (--preload?); switching to wait_poll")
        waiting.wait = waiting.wait_poll
        waiting.DefaultSelector = selectors.DefaultSelector
