"""Comments on anything registered in core.targets: threads, stances, votes."""

from __future__ import annotations

from flask import Flask

COMMENTS_VERSION_GROUP = "comments"


def init_app(app: Flask) -> None:
    from participation.comments import personal_data, services, shared_threads, views
    from participation.comments.blueprint import bp
    from participation.comments.cli import comments_cli
    from participation.core import content, data_versions, events, viewer_pages

    events.declare_all(services.EVENTS)
    events.subscribe(content.CONTENT_APPROVED, services.on_content_approved)
    personal_data.register()
    # pages showing threads keep them for anonymous visitors until a comment, a vote or a name changes
    data_versions.watch(COMMENTS_VERSION_GROUP, "comment", "comment_vote", "user")
    app.add_template_global(views.comment_section)
    # in pages kept for signed-in viewers, the section is kept too, with a hole for the threads
    viewer_pages.fills(
        shared_threads.THREADS_HOLE,
        shared_threads.threads_in_kept_page,
        reads=shared_threads.viewer_parts_in_kept_page,
    )
    app.register_blueprint(bp)
    app.cli.add_command(comments_cli)
