"""City projects: what the city builds and plans, with milestones, images and updates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

# Pages kept for anonymous visitors (core.anonymous_pages) follow these tables' version.
VERSION_GROUP = "projects"


def init_app(app: Flask) -> None:
    from participation.core import data_versions, events, features, fragments
    from participation.projects import commentable, services, staff_views, views  # noqa: F401 - routes on bp
    from participation.projects.blueprint import bp

    events.declare_all(services.EVENTS)
    data_versions.watch(VERSION_GROUP, "project", "project_")
    fragments.forget_on(fragments.HOME_OVERVIEW, services.PROJECT_SAVED, services.PROJECT_UPDATED)
    commentable.register()
    app.add_template_global(views.latest_project_updates)
    app.add_template_filter(views.atom_date)
    features.register(app, features.Feature(
        "projects",
        title=_l("City projects"),
        index_endpoint="projects.index",
        promise=_l("Follow and discuss city projects."),
        manage_endpoint="projects.manage",
        manage_label=_l("All projects"),
        create_endpoint="projects.create",
        create_label=_l("New project"),
    ))
    app.register_blueprint(bp)
