"""Following things (projects, consultations, ideas ...) and the notifications that follow."""

from __future__ import annotations

from flask import Flask

FOLLOWS_VERSION_GROUP = "follows"


def init_app(app: Flask) -> None:
    """After the features whose events it listens to (their kinds must be declared)."""
    from participation.accounts import sessions
    from participation.core import data_versions, events, viewer_pages
    from participation.notifications import personal_data, queries, services, subscribers, views
    from participation.notifications.blueprint import bp
    from participation.notifications.cli import notifications_cli
    from participation.notifications.models import GENERAL_HEADLINES, declare_kind

    events.declare_all(services.EVENTS)
    for kind, headline in GENERAL_HEADLINES.items():
        declare_kind(kind, headline)
    personal_data.register()
    subscribers.init_app(app)
    # the header's unread count comes with the signed-in user, not in a query of its own
    sessions.read_along(queries.UNREAD_ALONG, queries.unread_of)
    app.add_template_global(views.unread_notifications)
    app.add_template_global(views.follow_state)
    # kept pages of signed-in viewers (core.viewer_pages): the header's count and the follow button are theirs
    viewer_pages.fills("unread-notifications", views.notifications_link)
    data_versions.watch(FOLLOWS_VERSION_GROUP, "follow")
    viewer_pages.chooses("following", views.following_choices, [FOLLOWS_VERSION_GROUP])
    app.add_template_global(views.follow_choice)
    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
