"""Petitions: residents start them, others sign, the council answers once a quorum is reached.

Each module that plugs something in has a `register(app)`, called from here in this order:
the event kinds first (others subscribe to them), then targets, subscribers, template
globals, CLI and jobs, and the blueprints last.
"""

from __future__ import annotations

from flask import Flask

# Pages kept for anonymous visitors follow the petitions' own table (their states and texts);
# signatures arrive all the time and are counted by the live count, not by this version.
VERSION_GROUP = "petitions"


def init_app(app: Flask) -> None:
    from participation.core import data_versions, errors, events
    from participation.petitions import (  # noqa: F401 - models: the tables
        api,
        cli,
        commentable,
        draft_views,
        fast_count,
        live_count,
        mails,
        models,
        personal_data,
        services,
        signature_views,
        signing,
        signing_intake,
        signing_views,
        staff_views,
        views,
    )
    from participation.petitions.blueprint import api_bp, bp

    events.declare_all(services.EVENTS)
    events.declare_all(signing.EVENTS)
    data_versions.watch(VERSION_GROUP, "petition")
    personal_data.register()
    mails.register()  # the signing mails, composed when delivered
    signing_intake.register()  # signatures taken in batches by a job, with Redis
    commentable.register()
    views.register(app)  # the feature card, the home page's list, template globals
    live_count.register(app)  # cached counts, live updates and milestones after each confirmation
    api.register(app)  # the API's part of the OpenAPI document
    fast_count.install(app)  # the count endpoint answered from the cache, before Flask's per-request work
    cli.register(app)  # `flask petitions ...` and the scheduled jobs
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    errors.answer_json_under(app, api_bp.url_prefix)
