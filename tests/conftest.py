"""App, database and login fixtures shared by the whole suite.

One schema per test session; every test runs inside a transaction that is rolled back, so
tests never see each other's rows. With TEST_DATABASE_URL set the same suite runs on
PostgreSQL, otherwise on a SQLite file.
"""

from __future__ import annotations

import dataclasses
import email
import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from participation import create_app
from participation.accounts import services as account_services
from participation.accounts import sessions as account_sessions
from participation.accounts.models import User
from participation.core.access import Role
from participation.core.uploads import LocalStorage
from participation.extensions import db, limiter
from participation.settings import Settings

PASSWORD = "a long and secret passphrase"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    base = tmp_path_factory.mktemp("participation")
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{base / 'test.db'}"
    return Settings(
        env="testing",
        secret_key="test-secret-key",
        database_url=database_url,
        mail_outbox_dir=str(base / "mail"),
        base_url="http://localhost",
        jobs_mode="immediate",  # a job's result is there as soon as its request returned
        jobs_sqlite_path=str(base / "jobs.db"),  # for tests that switch to a queue
        argon2_time_cost=1,  # hashing at production cost would dominate the suite's run time
        argon2_memory_cost=8192,
    )


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app_factory(settings, tmp_path):
    """app_factory(**settings) -> an app of its own, e.g. `app_factory(jobs_mode="worker")`, whose
    jobs then wait in a SQLite queue of the test's own until the test runs them
    (`app.extensions["jobs"].run_pending()`). It shares the test's database session."""
    made = []

    def _make(**overrides):
        overrides.setdefault("jobs_sqlite_path", str(tmp_path / "jobs.db"))
        made.append(create_app(dataclasses.replace(settings, **overrides)))
        return made[-1]

    yield _make
    for app in made:
        app.extensions["jobs"].stop_consumer_threads()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def db_session(app) -> Iterator:
    """Bind the scoped session to one connection whose outer transaction is rolled back.

    No app context stays pushed during the test: each client request gets its own, as in
    production (a shared one would share `g`, and with it the signed-in user, across requests).
    Test code that touches the database directly wraps it in `with app.app_context():`.
    """
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own would ignore `bind` and pick the engine again.
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
    )
    limiter.reset()
    app.extensions["petition_count_cache"].clear()  # cached figures of rolled-back petitions (same ids)
    app.extensions["council_followable"].clear()  # and whether rolled-back meetings exist
    app.extensions["live_public_topics"].clear()  # the poll fast path's view of public topics, too
    try:
        yield db.session
    finally:
        with app.app_context():
            db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def english_client(app):
    """English pages, so assertions on text do not depend on the state of the catalogs."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def upload_storage(app, tmp_path):
    """Uploads go to the test's own folder (features that store files use it autouse)."""
    previous = app.extensions.get("upload_storage")
    store = LocalStorage(tmp_path / "uploads")
    app.extensions["upload_storage"] = store
    yield store
    app.extensions["upload_storage"] = previous


@pytest.fixture
def outbox(settings) -> Outbox:
    box = Outbox(Path(settings.mail_outbox_dir))
    box.clear()
    return box


class Outbox:
    """The .eml files the app wrote, as parsed messages."""

    def __init__(self, folder: Path):
        self.folder = folder

    def clear(self) -> None:
        if self.folder.exists():
            for path in self.folder.glob("*.eml"):
                path.unlink()

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(self.folder.glob("*.eml"))
        ]

    def last_link(self, to: str) -> str:
        mails = [m for m in self.messages if m["To"] == to]
        assert mails, f"no mail to {to}"
        body = mails[-1].get_content()
        match = re.search(r"https?://\S+", body)
        assert match, body
        return match.group(0)


def make_user(
    *,
    role: str | Role = Role.RESIDENT,
    confirmed: bool = True,
    email_address: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    locale: str | None = None,
) -> User:
    number = next(_counter)
    user = account_services.register(
        name or f"Testperson {number}",
        email_address or f"person{number}@example.org",
        password,
        locale=locale,
        confirmed=confirmed,
    )
    if Role(role) is not Role.RESIDENT:
        account_services.change_role(user, Role(role), changed_by=None)
    db.session.commit()
    db.session.refresh(user)  # load every column so the object stays usable after the context
    return user


@pytest.fixture
def user_factory(app):
    def _make(**options) -> User:
        with app.test_request_context():
            return make_user(**options)

    return _make


def login(client, user: User, remember: bool = False) -> str:
    """Sign `user` in on `client` the way the sign-in form would (a server-side session whose
    token goes into the session cookie), without a form round trip; returns the token."""
    with client.application.test_request_context():
        token = account_sessions.start(user, remember=remember)
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token


@pytest.fixture
def login_as(client, user_factory):
    def _login_as(role: str | Role | None, **user_options) -> User | None:
        if role is None:
            return None
        user = user_factory(role=role, **user_options)
        login(client, user)
        return user

    return _login_as


def csrf_token(client, url: str = "/login") -> str:
    """A valid CSRF token for the client's session, taken from a rendered form."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page
    )
    assert match, "no CSRF token on " + url
    return match.group(1)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside the `with` block: `with count_queries() as counter:`."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __call__(self, *args):
            self.count += 1

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter
