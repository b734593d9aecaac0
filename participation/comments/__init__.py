"""Comments on anything registered in core.targets: threads, stances, votes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.comments import personal_data, services, views
    from participation.comments.blueprint import bp
    from participation.comments.cli import comments_cli
    from participation.core import events

    events.declare_all(services.EVENTS)
    personal_data.register()
    app.add_template_global(views.comment_section)
    app.register_blueprint(bp)
    app.cli.add_command(comments_cli)
