"""Moderation: anyone reports content, moderators decide with a statement of reasons, authors
appeal, and everybody sees the figures (notice and action under the Digital Services Act)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.core import data_versions, events
    from participation.moderation import mails, models, services, transparency_views, views  # noqa: F401
    from participation.moderation.blueprint import bp

    events.declare_all(services.EVENTS)
    mails.register()
    data_versions.watch(transparency_views.VERSION_GROUP, "moderation_")  # the public report's figures
    app.add_template_global(views.hidden_label, "moderation_hidden_label")
    app.register_blueprint(bp)
