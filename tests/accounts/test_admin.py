from sqlalchemy import select

from participation.accounts.models import User
from participation.core.audit import AuditEntry
from participation.extensions import db
from tests.conftest import csrf_token


def change_role(client, user, role):
    token = csrf_token(client, "/admin/users")
    return client.post(f"/admin/users/{user.id}/role", data={"csrf_token": token, f"u{user.id}-role": role})


def test_admin_assigns_a_role_and_the_change_is_recorded(client, app, login_as, user_factory):
    admin = login_as("admin")
    resident = user_factory(role="resident")
    assert change_role(client, resident, "moderator").status_code == 302
    with app.app_context():
        assert db.session.get(User, resident.id).role == "moderator"
        change = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "user", AuditEntry.object_id == resident.id)
        ).one()
        assert (change.action, change.actor_id) == ("role.changed", admin.id)
        assert (change.before, change.after) == ({"role": "resident"}, {"role": "moderator"})
        assert change.created_at is not None
    old_page = client.get("/admin/role-changes")
    assert old_page.status_code == 301
    assert old_page.headers["Location"] == "/admin/audit-log?action=role.changed"
    log = client.get(old_page.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert admin.display_name in log and f"user {resident.id}" in log and "role: resident → moderator" in log


def test_admin_can_search_accounts(client, login_as, user_factory):
    login_as("admin")
    user_factory(name="Karla Kolumna")
    user_factory(name="Benjamin Blümchen")
    page = client.get("/admin/users?q=kolumna").get_data(as_text=True)
    assert "Karla Kolumna" in page and "Benjamin Blümchen" not in page


def test_unknown_role_is_refused(client, app, login_as, user_factory):
    login_as("admin")
    resident = user_factory()
    change_role(client, resident, "superuser")
    with app.app_context():
        assert db.session.get(User, resident.id).role == "resident"


def test_last_admin_cannot_lose_the_role(client, app, login_as):
    admin = login_as("admin")
    change_role(client, admin, "resident")
    with app.app_context():
        assert db.session.get(User, admin.id).role == "admin"


def test_staff_cannot_change_roles(client, app, login_as, user_factory):
    login_as("staff")
    resident = user_factory()
    token = csrf_token(client, "/account")
    response = client.post(
        f"/admin/users/{resident.id}/role", data={"csrf_token": token, f"u{resident.id}-role": "admin"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, resident.id).role == "resident"


def test_cli_creates_accounts_with_a_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "cli-admin@example.org",
            "--role",
            "admin",
            "--password",
            "a long cli passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(User.by_email("cli-admin@example.org"))
        assert user.role == "admin" and user.email_confirmed
    again = runner.invoke(
        args=["users", "create", "cli-admin@example.org", "--password", "a long cli passphrase"]
    )
    assert again.exit_code != 0 and "exists" in again.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--password", "short"])
    assert short.exit_code != 0


def test_an_admin_removing_their_own_role_is_told_why_it_did_not_happen(app, client, login_as, user_factory):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the message is translated when it is sent
    admin = login_as("admin")
    user_factory(role="admin")  # not the last one: the change itself would be possible
    response = change_role(client, admin, "resident")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200  # still an admin, so the list still opens
    message = "You cannot change your own role. Ask another administrator to do it."
    assert message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).role == "admin"


def test_the_own_row_offers_no_role_form(client, login_as, user_factory):
    admin = login_as("admin")
    other = user_factory()
    page = client.get("/admin/users", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'action="/admin/users/{other.id}/role"' in page
    assert f'action="/admin/users/{admin.id}/role"' not in page
    assert "your own account" in page
