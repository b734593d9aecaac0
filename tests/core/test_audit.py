"""The audit log: one append-only record of what staff and administrators did."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from participation import create_app
from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.core import audit, personal_data
from participation.core.audit import AuditEntry
from participation.extensions import db
from participation.settings import PROJECT_ROOT
from tests.conftest import PASSWORD, csrf_token
from tests.test_migrations import empty_database_url  # noqa: F401 (a fixture)


def entries(**where) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEntry, column) == value)
    return list(db.session.scalars(query))


def change_role(client, user, role):
    token = csrf_token(client, "/admin/users")
    return client.post(f"/admin/users/{user.id}/role", data={"csrf_token": token, f"u{user.id}-role": role})


def test_a_role_change_writes_one_entry(client, app, login_as, user_factory):
    admin = login_as("admin")
    resident = user_factory()
    change_role(client, resident, "staff")
    with app.app_context():
        (entry,) = entries(action="role.changed", object_id=resident.id)
        assert (entry.actor_id, entry.object_type, entry.reason) == (admin.id, "user", None)
        assert (entry.before, entry.after) == ({"role": "resident"}, {"role": "staff"})
        assert entry.created_at.tzinfo is not None


def test_a_failed_request_writes_no_entry(client, app, login_as, user_factory, monkeypatch):
    """The entry is part of the action's transaction: when the request fails, neither stays."""
    login_as("admin")
    resident = user_factory()
    original = account_services.change_role

    def change_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(account_services, "change_role", change_then_fail)
    with pytest.raises(RuntimeError):
        change_role(client, resident, "staff")
    with app.app_context():
        assert entries(object_id=resident.id) == []
        assert db.session.get(User, resident.id).role == "resident"


def test_account_deletion_is_recorded_as_a_fact(client, app, login_as):
    user = login_as("resident")
    token = csrf_token(client, "/account/delete")
    client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    with app.app_context():
        (entry,) = entries(action="account.deleted")
        assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "user", user.id)
        assert (entry.before, entry.after, entry.reason) == (None, None, None)  # nothing of what was erased
        assert entry.actor.is_deleted  # the entry points to the erased account, no name copied


def test_the_data_export_lists_ones_role_changes_from_the_log(app, user_factory):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        user = db.session.merge(user_factory())
        account_services.change_role(user, account_services.Role.MODERATOR, changed_by=None)
        account = personal_data.export_sections(user)["account"]
        (change,) = account["role_changes"]
        assert (str(change["old_role"]), str(change["new_role"])) == ("Resident", "Moderator")


def _an_entry() -> AuditEntry:
    entry = audit.record(None, "role.changed", "user", 1, before={"role": "resident"}, after={"role": "x"})
    db.session.flush()
    return entry


@pytest.mark.parametrize("how", ["update", "delete"])
def test_the_application_never_changes_an_entry(app, how):
    with app.app_context():
        entry = _an_entry()
        if how == "update":
            entry.after = {"role": "resident"}
        else:
            db.session.delete(entry)
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_no_code_path_updates_or_deletes_entries_in_bulk():
    """Bulk UPDATE/DELETE statements bypass the ORM's refusal; the code has none for the log."""
    pattern = re.compile(r"(update|delete)\(\s*AuditEntry|audit_entry\s+(SET|WHERE)|DELETE FROM audit_entry",
                         re.I)
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "participation").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"])
def test_the_database_refuses_changes_on_postgresql(app, statement):
    with app.app_context():
        _an_entry()
        if db.engine.dialect.name != "postgresql":
            # SQLite has no trigger language to refuse them; there the guard is the application
            # (the two tests above). This test checks the trigger on PostgreSQL runs of the suite.
            assert db.engine.dialect.name == "sqlite"
            return
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement))
        assert len(entries()) == 1


@pytest.mark.parametrize("role,status", [("staff", 403), ("moderator", 403), (None, 302)])
def test_the_audit_log_is_for_admins_only(client, login_as, role, status):
    login_as(role)
    assert client.get("/admin/audit-log").status_code == status
    token = csrf_token(client, "/barrierefreiheit")
    assert client.post("/admin/audit-log/export", data={"csrf_token": token}).status_code == status


@pytest.fixture
def logged(app, user_factory):
    """Three entries by two actors on two days."""
    with app.app_context():
        karla = db.session.merge(user_factory(name="Karla Kolumna", role="admin"))
        benjamin = db.session.merge(user_factory(name="Benjamin Blümchen", role="staff"))
        rows = [
            (karla, "role.changed", "user", 11, datetime(2026, 3, 1, 10, tzinfo=UTC)),
            (benjamin, "idea.answered", "idea", 12, datetime(2026, 3, 5, 10, tzinfo=UTC)),
            (karla, "account.deleted", "user", 13, datetime(2026, 3, 9, 10, tzinfo=UTC)),
        ]
        for actor, action, obj_type, obj_id, at in rows:
            audit.record(actor, action, obj_type, obj_id, reason=f"Grund {obj_id}").created_at = at
        db.session.commit()
        return karla


def shown(client, query: str = "") -> list[str]:
    page = client.get(f"/admin/audit-log{query}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return re.findall(r"Grund (\d+)", page)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ["13", "12", "11"]),  # newest first
        ("?actor=kolumna", ["13", "11"]),
        ("?action=idea.answered", ["12"]),
        ("?object_type=user", ["13", "11"]),
        ("?object_type=user&object_id=11", ["11"]),
        ("?from=2026-03-05", ["13", "12"]),
        ("?to=2026-03-05", ["12", "11"]),
        ("?from=2026-03-02&to=2026-03-08", ["12"]),
        ("?from=not-a-date&object_id=x", ["13", "12", "11"]),  # malformed filters are ignored
    ],
)
def test_the_filters(client, logged, login_as, query, expected):
    login_as("admin")
    assert shown(client, query) == expected


def test_the_page_is_accessible_markup(client, logged, login_as):
    login_as("admin")
    page = client.get("/admin/audit-log?to=2026-03-31", headers={"Accept-Language": "en"})
    page = page.get_data(as_text=True)
    assert '<caption id="audit-caption">3 entries, newest first</caption>' in page
    assert '<th scope="col">Action</th>' in page
    assert '<td dir="auto">Karla Kolumna</td>' in page
    assert '<time datetime="2026-03-09T10:00:00Z">' in page
    assert '<label for="audit-actor">' in page and 'id="audit-actor"' in page


def test_the_csv_export_holds_the_filtered_entries_and_is_logged(client, app, logged, login_as):
    admin = login_as("admin")
    token = csrf_token(client, "/admin/audit-log")
    response = client.post(
        "/admin/audit-log/export", data={"csrf_token": token, "object_type": "user", "to": "2026-03-31"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["object_id"] for row in rows] == ["13", "11"]
    assert rows[0]["actor"] == "Karla Kolumna" and rows[0]["action"] == "account.deleted"
    assert rows[0]["created_at"] == "2026-03-09T10:00:00Z" and rows[0]["reason"] == "Grund 13"
    with app.app_context():
        (export,) = entries(action="audit.exported")
        assert export.actor_id == admin.id and export.object_type == "audit_log"
        assert export.after == {"filters": {"object_type": "user", "to": "2026-03-31"}, "entries": 2}


def test_csv_cells_cannot_become_formulas(client, app, login_as):
    login_as("admin")
    with app.app_context():
        audit.record(None, "role.changed", "user", 1, reason="=HYPERLINK(1)")
        db.session.commit()
    token = csrf_token(client, "/admin/audit-log")
    body = client.post("/admin/audit-log/export", data={"csrf_token": token}).get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body


def test_the_migration_moves_role_changes_into_the_log_and_back(settings, empty_database_url):  # noqa: F811
    app = create_app(dataclasses.replace(settings, database_url=empty_database_url))
    at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="b7e1a2c30002")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO \"user\" (id, email, role, notification_mail, created_at, updated_at) "
                "VALUES (1, 'a@example.org', 'admin', 'never', :at, :at), "
                "(2, 'b@example.org', 'staff', 'never', :at, :at)"
            ), {"at": at})
            connection.execute(text(
                "INSERT INTO role_change (user_id, changed_by_id, old_role, new_role, created_at) "
                "VALUES (2, 1, 'resident', 'staff', :at)"
            ), {"at": at})
        upgrade()
        with db.engine.connect() as connection:  # db.session belongs to the suite's own database
            (entry,) = connection.execute(select(AuditEntry.__table__)).all()
        assert (entry.actor_id, entry.action, entry.object_type) == (1, "role.changed", "user")
        assert entry.object_id == 2
        assert (entry.before, entry.after, entry.created_at) == ({"role": "resident"}, {"role": "staff"}, at)
        if db.engine.dialect.name == "postgresql":  # the migration created the trigger too
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(text("DELETE FROM audit_entry"))
        downgrade(revision="b7e1a2c30002")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT user_id, changed_by_id, old_role, new_role FROM role_change")
            ).all()
        assert [tuple(row) for row in rows] == [(2, 1, "resident", "staff")]
        assert "audit_entry" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
