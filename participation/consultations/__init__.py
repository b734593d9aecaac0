"""Consultations: questions asked on a map or a plan, answered with ideas and supports."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# Pages kept for anonymous visitors (core.anonymous_pages) follow these tables' version.
VERSION_GROUP = "consultations"


def init_app(app: Flask) -> None:
    from participation.consultations import (  # noqa: F401 - views, staff_views, fragment_views and api put routes on bp
        api,
        clusters,
        commentable,
        fragment_views,
        openapi,
        personal_data,
        services,
        staff_views,
        views,
    )
    from participation.consultations.blueprint import api_bp, bp
    from participation.core import data_versions, errors, events, features, fragments, viewer_pages
    from participation.core import openapi as api_document
    from participation.live import topics as live_topics

    events.declare_all(services.EVENTS)
    clusters.init_app()
    from participation.consultations.cli import consultations_cli

    app.cli.add_command(consultations_cli)
    # in kept pages of signed-in viewers; supports are in the group's tables (idea_support)
    viewer_pages.chooses("idea-supported", views.supported_choices, [VERSION_GROUP])
    data_versions.watch(VERSION_GROUP, "consultation", "consultation_", "idea", "idea_", "map_layer")
    fragments.forget_on(
        fragments.HOME_OVERVIEW, services.CONSULTATION_SAVED, services.CONSULTATION_STATE_CHANGED
    )
    commentable.register()
    personal_data.register()
    live_topics.register_kind("consultation", _may_follow)  # live updates of its ideas
    app.add_template_global(views.open_consultations)
    features.register(app, features.Feature(
        "consultations",
        title=_l("Consultations"),
        index_endpoint="consultations.index",
        promise=_l("Look at plans and place your ideas on the map."),
        manage_endpoint="consultations.manage",
        manage_label=_l("All consultations"),
        create_endpoint="consultations.create",
        create_label=_l("New consultation"),
    ))
    app.register_blueprint(bp)
    api_document.register(app, "consultations", paths=openapi.paths, schemas=openapi.schemas)
    app.register_blueprint(api_bp)
    errors.answer_json_under(app, api_bp.url_prefix)  # unknown paths and wrong methods included


def _may_follow(consultation_id: int, user) -> bool:
    """Its live topic has the consultation's own rule: a draft is no topic for the public."""
    from participation.consultations.models import Consultation
    from participation.extensions import db

    consultation = db.session.get(Consultation, consultation_id)
    return consultation is not None and consultation.can_view(user)
