"""participation: an e-participation platform for cities."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from participation import (
    accounts,
    comments,
    consultations,
    core,
    council,
    live,
    moderation,
    notifications,
    pages,
    petitions,
    projects,
)
from participation.access_table import ROUTE_ACCESS
from participation.core import access, errors, inputs, locale, security
from participation.core.sanitize import render_markdown
from participation.extensions import babel, cache, csrf, db, htmx, limiter, login_manager, migrate
from participation.seed import seed_cli
from participation.settings import PROJECT_ROOT, Settings

# The explicit list of what this installation is made of (see _init_features).
FEATURES = (
    core, pages, accounts, consultations, projects, petitions, council, comments,
    moderation,  # before notifications, which tell authors of its decisions
    notifications, live,
)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(settings.flask_config())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the embedded SQLite lives here
    app.extensions["settings"] = settings
    app.extensions["route_access"] = ROUTE_ACCESS
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies, x_host=settings.trusted_proxies)

    # before_request hooks run in the order they are registered, so this order is the point:
    # malformed input (NUL bytes) is refused first, then the route's access rule is applied,
    # and only then do the extensions (CSRF, rate limits) look at the request. The CSRF error
    # handler re-renders forms; nobody the access rule refuses may ever reach it.
    inputs.init_app(app)  # also bounds <int:...> ids, so it must come before any route
    app.before_request(access.enforce_access)
    _init_extensions(app)
    _init_features(app)
    security.init_security(app)
    errors.init_error_pages(app)
    _init_templates(app)

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # noqa: BLE001 - any failure means the database is not usable
            database = "unavailable"
        status = 200 if database == "ok" else 503
        return jsonify(status="ok" if status == 200 else "degraded", database=database), status

    return app


def _init_extensions(app: Flask) -> None:
    from participation.accounts import passwords
    from participation.core import database, jobs

    settings: Settings = app.extensions["settings"]
    passwords.configure(settings.argon2_time_cost, settings.argon2_memory_cost)
    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=locale.select_locale)
    locale.install_template_gettext(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    cache.init_app(app)
    jobs.init_app(app)  # the background job queue (core/jobs.py)


def _init_features(app: Flask) -> None:
    """Each feature plugs itself in: blueprint, targets, event kinds and subscribers, template
    globals, CLI. The order matters: a feature's kinds are declared before others subscribe to
    them (notifications listens to comments, consultations and projects), and the installed
    features are listed in this order (home page, staff overview)."""
    for feature in FEATURES:
        feature.init_app(app)
    app.cli.add_command(seed_cli)


def _init_templates(app: Flask) -> None:
    from participation.core.access import ROLE_LABELS
    from participation.core.dates import html_datetime
    from participation.core.form_rendering import render_input
    from participation.core.viewer_pages import viewer_choice, viewer_hole, viewer_page_shared

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_locale=locale.current_locale,
        text_direction=locale.text_direction,
        plural_samples=locale.plural_samples,
        city_text=locale.city_text,
        available_locales=locale.LOCALES,
        role_labels=ROLE_LABELS,
        render_input=render_input,
        viewer_page_shared=viewer_page_shared,
        viewer_hole=viewer_hole,
        viewer_choice=viewer_choice,
    )
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["html_datetime"] = html_datetime
    app.jinja_env.filters["bdi"] = locale.isolate
