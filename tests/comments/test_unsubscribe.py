"""One-click unsubscribe links (RFC 8058) work while a mail is current, then expire."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from participation.accounts.models import User
from participation.extensions import db
from participation.notifications.tokens import UNSUBSCRIBE_LINK_MAX_AGE

BASE = "http://localhost"


def _mail_link(outbox, user) -> str:
    [mail] = [m for m in outbox.messages if m["To"] == user.email]
    link = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert link in mail.get_content()
    return link.removeprefix(BASE)


def _mail_sent(monkeypatch, make_note, user_factory, write_comment, outbox, *, days_ago: float):
    """A follower gets a notification mail that was written `days_ago`; returns them and its link."""
    follower = user_factory()
    note = make_note(authors=[follower.id])
    sent_at = time.time() - days_ago * 86400
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(sent_at))
        write_comment(note, user_factory(), "Neu hier")
    return follower, _mail_link(outbox, follower)


def _mail_setting(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).notification_mail


@pytest.mark.parametrize("days_ago", [0, UNSUBSCRIBE_LINK_MAX_AGE.days - 1])
def test_the_link_of_a_current_mail_unsubscribes_with_one_click(
    client, app, monkeypatch, make_note, user_factory, write_comment, outbox, days_ago
):
    follower, link = _mail_sent(
        monkeypatch, make_note, user_factory, write_comment, outbox, days_ago=days_ago
    )
    assert client.get(link).status_code == 200
    assert _mail_setting(app, follower) == "immediately"  # a link scanner's GET changes nothing
    one_click = client.post(link, data={"List-Unsubscribe": "One-Click"})  # no CSRF token, as mail programs
    assert one_click.status_code == 200
    assert "You will no longer receive notification mails." in one_click.get_data(as_text=True)
    assert _mail_setting(app, follower) == "never"


def test_an_expired_link_says_so_and_points_to_the_settings(
    client, app, monkeypatch, make_note, user_factory, write_comment, outbox
):
    days = UNSUBSCRIBE_LINK_MAX_AGE.days + 1
    follower, link = _mail_sent(monkeypatch, make_note, user_factory, write_comment, outbox, days_ago=days)
    for response in (client.get(link), client.post(link, data={"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert (
            f"This link has expired: links to stop mails work for {UNSUBSCRIBE_LINK_MAX_AGE.days} days"
            in page
        )
        assert 'href="/account#settings-heading"' in page
    assert _mail_setting(app, follower) == "immediately"


def test_links_from_before_expiry_existed_no_longer_work(client, app, user_factory):
    """The first links never expired; they are refused, like forged ones."""
    from itsdangerous import URLSafeSerializer

    follower = user_factory()
    with app.app_context():
        old = URLSafeSerializer(app.config["SECRET_KEY"], salt="participation.unsubscribe").dumps(
            {"uid": follower.id}
        )
    response = client.post(f"/abmelden/{old}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert "This link is not valid." in response.get_data(as_text=True)
    assert _mail_setting(app, follower) == "immediately"
