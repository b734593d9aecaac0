from flask import current_app

from participation.settings import Settings


def current_settings() -> Settings:
    return current_app.extensions["settings"]
