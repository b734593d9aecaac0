"""WSGI entry point for the benchmark: the real app plus a bare Flask app under /_bare.

Both live in the same gunicorn process, so the bare endpoint shares worker count, worker
class, interpreter and machine with the real pages. Its figure is the ceiling of the setup
itself; the pages are judged relative to it instead of against absolute numbers, which
would depend on the machine running the benchmark.
"""

from __future__ import annotations

from flask import Flask, redirect, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from participation import create_app

BARE_PREFIX = "/_bare"
BARE_PATH = BARE_PREFIX + "/"
BARE_POST_PATH = BARE_PREFIX + "/submit"


def create_bare_app() -> Flask:
    """A Flask app with nothing but two routes: no extensions, hooks, templates or database."""
    bare = Flask("bare")

    @bare.get("/")
    def hello() -> str:
        return "ok"

    @bare.post("/submit")
    def submit():
        # The ceiling of a form POST: parse the body as the signing form's would be, answer
        # with the redirect a signing answers with (bench/petitions_signing.py).
        request.form.get("email")
        return redirect(BARE_PATH, 303)

    return bare


def create_application() -> DispatcherMiddleware:
    """gunicorn calls this factory in each worker; nothing is built at import time, so the
    harness can import BARE_PATH without creating an app."""
    app = create_app()  # settings from the environment that bench.server prepares
    return DispatcherMiddleware(app, {BARE_PREFIX: create_bare_app()})

