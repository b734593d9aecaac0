"""Moderation: anyone reports content, moderators decide with a statement of reasons, authors
appeal, and everybody sees the figures (notice and action under the Digital Services Act)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.core import content, data_versions, events
    from participation.moderation import (  # noqa: F401
        mails,
        models,
        personal_data,
        screening,
        services,
        settings_views,
        transparency_views,
        views,
    )
    from participation.moderation.blueprint import bp

    events.declare_all(services.EVENTS)
    content.register_premoderation(screening.is_premoderated)
    events.subscribe(content.CONTENT_CREATED, screening.on_content_created)
    mails.register()
    personal_data.register()
    data_versions.watch(transparency_views.VERSION_GROUP, "moderation_")  # the public report's figures
    app.add_template_global(views.hidden_label, "moderation_hidden_label")
    app.add_template_global(screening.describe, "flag_description")
    app.register_blueprint(bp)
