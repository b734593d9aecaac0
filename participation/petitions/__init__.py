"""Petitions: residents start them, others sign, the council answers once a quorum is reached.

So far the data model and who counts as the same signer (identity.py); pages follow.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from participation.petitions import models  # noqa: F401 - the tables, for migrations and the suite
