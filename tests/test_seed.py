import dataclasses

from sqlalchemy import func, select

from participation import create_app
from participation.accounts.models import User
from participation.accounts.services import authenticate
from participation.extensions import db

ROLE_ACCOUNTS = {
    "resident@example.org": "resident",
    "moderator@example.org": "moderator",
    "staff@example.org": "staff",
    "admin@example.org": "admin",
}


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_demo_seed_creates_one_account_per_role_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    with app.test_request_context():
        roles = {email: db.session.scalar(User.by_email(email)).role for email in ROLE_ACCOUNTS}
        assert roles == ROLE_ACCOUNTS
        assert authenticate("staff@example.org", "leipzig-demo-2026") is not None
        before = _user_count()  # the role accounts and the demo residents who wrote ideas
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    with app.test_request_context():
        assert _user_count() == before


def test_demo_seed_is_refused_in_production(settings):
    app = create_app(dataclasses.replace(settings, env="production", secret_key="x" * 32))
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "production" in result.output
