"""Petitions: residents start them, others sign, the council answers once a quorum is reached.

So far the data model and who counts as the same signer (identity.py); pages follow.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.core import events
    from participation.petitions import models, personal_data, services  # noqa: F401 - models: the tables

    events.declare_all(services.EVENTS)
    personal_data.register()
