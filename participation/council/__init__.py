"""The city council online: OParl 1.1 data (bodies, organisations, persons, meetings, agenda
items, papers, files): its public pages below /rat, its read-only OParl API, meeting
calendars (iCalendar), live sessions and the OParl importer."""

from __future__ import annotations

from flask import Flask

OPARL_PREFIX = "/oparl/1.1"


def init_app(app: Flask) -> None:
    from participation.core import errors

    # the tables, and the routes on bp: pages, calendars (iCalendar), the staff pages
    from participation.council import (  # noqa: F401
        calendar_views,
        commentable,
        live_setup,
        meeting_views,
        models,
        oparl_views,
        page_cache,
        staff_file_views,
        staff_meeting_views,
        staff_people_views,
        staff_views,
        views,
    )
    from participation.council.blueprint import bp, oparl_bp

    views.register(app)  # the feature card, the home page's next meeting
    staff_views.register(app)  # the staff pages' OParl import, run as a background job
    commentable.register()  # papers take comments; papers, meetings, organisations followers
    page_cache.register()  # council writes move the version of the cached page parts on
    live_setup.register(app)  # live sessions: events, the live topic, the JSON API
    app.register_blueprint(bp)
    app.register_blueprint(oparl_bp)
    errors.answer_json_under(app, OPARL_PREFIX, oparl_views.error_document)

    @app.after_request
    def allow_every_origin(response):
        """OParl clients run in browsers on other sites (spec 2.6): every answer of the API,
        errors included, may be read from any origin. Nothing here uses cookies."""
        from flask import request

        if request.path == OPARL_PREFIX or request.path.startswith(OPARL_PREFIX + "/"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    from participation.council import cli  # `flask council import-oparl`

    cli.register(app)
