"""Mail links come from BASE_URL: whoever writes the comment cannot choose where followers' mail points."""

from __future__ import annotations

import re

from participation.accounts import sessions as account_sessions
from participation.extensions import db
from tests.hostile_host import absolute_urls, assert_all_from_base_url, proxied_app, with_hostile_headers


def _signed_in_client(app, user, headers):
    """A client signed in on the host the hostile request names (cookies belong to a host)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.test_request_context():
        token = account_sessions.start(user)
        db.session.commit()
    host = headers.get("Host", "localhost")
    with client.session_transaction(base_url=f"http://{host}") as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def _csrf(client, headers) -> str:
    page = client.get("/barrierefreiheit", headers=headers).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def _post(client, url, headers, **data):
    return client.post(url, data={"csrf_token": _csrf(client, headers), **data}, headers=headers)


@with_hostile_headers
def test_a_comment_sent_with_another_host_mails_links_to_base_url_only(
    settings, hostile_headers, make_note, user_factory, write_comment, outbox
):
    follower, asker, writer = user_factory(), user_factory(), user_factory()
    note = make_note(title="Parken für Lastenräder", authors=[follower.id])
    top = write_comment(note, asker, "Wo genau?")
    outbox.clear()
    client = _signed_in_client(proxied_app(settings), writer, hostile_headers)
    comment = _post(client, f"/kommentare/note/{note.id}", hostile_headers, body="Am **Markt**.")
    reply = _post(client, f"/kommentare/{top}/antworten", hostile_headers, body="Vor der Post.")
    assert comment.status_code == reply.status_code == 302
    mails = outbox.messages
    assert {m["To"] for m in mails} == {follower.email, asker.email}
    for mail in mails:
        body = mail.get_content()
        assert "evil.example" not in mail.as_string()
        assert_all_from_base_url(absolute_urls(body))
        unsubscribe = str(mail["List-Unsubscribe"]).strip()
        assert unsubscribe.startswith("<") and unsubscribe.endswith(">")
        assert_all_from_base_url([unsubscribe[1:-1]])
        assert unsubscribe[1:-1] in body
