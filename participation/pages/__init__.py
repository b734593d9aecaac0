"""Home page, legal pages, accessibility statement with feedback, Leichte Sprache."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.core import features
    from participation.pages import legal, personal_data, views  # noqa: F401 - views puts the routes on bp
    from participation.pages.blueprint import bp

    legal.check(app.extensions["settings"])  # a typo in the imprint settings stops the start
    personal_data.register()
    app.add_template_global(features.available, "feature_available")
    app.add_template_global(features.registered, "installed_features")
    app.register_blueprint(bp)
