"""Posting the signing form as a browser would, for the tests of signing and abuse checks."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.petitions.models import Signature, counted_signatures
from tests.conftest import csrf_token

SIGNER = {"name": "Anna Schreiber", "postcode": "04277", "name_shown": "full", "privacy_consent": "y"}


def sign_form_token(client, url: str) -> str:
    """The CSRF token of the client's session, read once from the form at `url`."""
    token = getattr(client, "_sign_token", None)
    if token is None:
        token = client._sign_token = csrf_token(client, url)
    return token


def post_signature(client, url: str, email: str, **fields):
    data = {**SIGNER, "email": email, **fields}
    if "csrf_token" not in data:
        data["csrf_token"] = sign_form_token(client, url)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def sign_url(petition_id: int) -> str:
    return f"/petitionen/{petition_id}/unterschreiben"


def signatures(app, petition_id: int) -> list[Signature]:
    with app.app_context():
        rows = db.session.scalars(
            select(Signature).where(Signature.petition_id == petition_id).order_by(Signature.id)
        ).all()
        db.session.expunge_all()
        return rows


def counted(app, petition_id: int) -> int:
    with app.app_context():
        return db.session.scalar(counted_signatures(petition_id))


def confirm_by_mail(client, outbox, to: str):
    """Follow the last mailed link, then press the button on the page it opens."""
    link = outbox.last_link(to).replace("http://localhost", "")
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    return client.post(link, data={"csrf_token": token.group(1)})


@pytest.fixture
def site_settings(app, monkeypatch):
    """site_settings(**changes): the app's settings changed for this test only."""

    def _change(**changes):
        changed = dataclasses.replace(app.extensions["settings"], **changes)
        monkeypatch.setitem(app.extensions, "settings", changed)

    return _change


@pytest.fixture(autouse=True, scope="session")
def petition_pages(app):
    """The petition page and list (petitions.show, .index) come from views.py, written on
    another branch; where it is not there yet, the signing pages' links to them need a
    stand-in. Once views.py provides them, this does nothing."""
    stand_ins = {"petitions.show": "/petitionen/<int:petition_id>", "petitions.index": "/petitionen/"}
    missing = {endpoint: rule for endpoint, rule in stand_ins.items() if endpoint not in app.view_functions}
    if missing:
        started, app._got_first_request = app._got_first_request, False
        try:
            for endpoint, rule in missing.items():
                app.add_url_rule(rule, endpoint=endpoint, view_func=lambda **_: "stand-in")
        finally:
            app._got_first_request = started
