"""Follows and notifications: who hears about what, in the app and by mail."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from participation.accounts.models import User
from participation.comments import services as comment_services
from participation.core import targets
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Follow, Notification, declare_kind
from tests.conftest import csrf_token, login


def _notes_of(app, user):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
            )
        )


def _follow(client, note, follow=True, htmx=False):
    token = csrf_token(client, "/barrierefreiheit")
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post(
        f"/folgen/note/{note.id}",
        data={"csrf_token": token, "follow": "1" if follow else "0"},
        headers=headers,
    )


def test_a_reply_notifies_the_parents_author_in_app_and_by_mail(
    client, app, make_note, user_factory, write_comment, outbox
):
    asker = user_factory(name="Anna")
    note = make_note(title="Radweg Karl-Heine-Straße")
    top = write_comment(note, asker, "Wann geht es los?")
    outbox.clear()
    write_comment(note, user_factory(name="Bernd"), "Im Frühjahr.", parent=top)
    [note_row] = _notes_of(app, asker)
    assert note_row.kind == "reply"
    assert note_row.headline == "Bernd answered your comment on “Radweg Karl-Heine-Straße”"
    [mail] = [m for m in outbox.messages if m["To"] == asker.email]
    with app.test_request_context(), force_locale("de"):  # mail speaks the recipient's language
        german = "Bernd hat auf Ihren Kommentar zu „Radweg Karl-Heine-Straße“ geantwortet"
        assert mail["Subject"] == note_row.headline == german
    assert "Im Frühjahr." in mail.get_content()
    assert f"http://localhost/kommentare/{note_row.comment_id}" in mail.get_content()


def test_every_mail_has_a_one_click_unsubscribe(client, app, make_note, user_factory, write_comment, outbox):
    follower = user_factory()
    note = make_note(authors=[follower.id])
    write_comment(note, user_factory(), "Neu hier")
    [mail] = [m for m in outbox.messages if m["To"] == follower.email]
    link = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.get_content()
    path = link.removeprefix("http://localhost")
    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200
    with app.app_context():
        assert db.session.get(User, follower.id).notification_mail == "immediately"
    one_click = client.post(
        path, data={"List-Unsubscribe": "One-Click"}
    )  # no CSRF token, as mail programs do
    assert one_click.status_code == 200
    with app.app_context():
        assert db.session.get(User, follower.id).notification_mail == "never"
    assert client.post("/abmelden/forged-token").status_code == 404


def test_followers_hear_about_new_comments_but_not_about_their_own(
    client, app, make_note, user_factory, write_comment
):
    note = make_note()
    follower, writer = user_factory(), user_factory()
    login(client, follower)
    assert _follow(client, note).status_code == 302
    write_comment(note, writer, "Guter Plan")
    write_comment(note, follower, "Finde ich auch")
    kinds = [(n.kind, n.excerpt) for n in _notes_of(app, follower)]
    assert kinds == [("comment", "Guter Plan")]
    # the writer now follows the thread, so the follower's comment reached them
    assert [n.excerpt for n in _notes_of(app, writer)] == ["Finde ich auch"]


def test_a_reply_is_not_notified_twice_to_a_following_author(app, make_note, user_factory, write_comment):
    note = make_note()
    asker = user_factory()
    top = write_comment(note, asker, "Frage")  # asker follows the note from now on
    write_comment(note, user_factory(), "Antwort", parent=top)
    assert [n.kind for n in _notes_of(app, asker)] == ["reply"]


def test_authors_follow_their_own_content_until_they_unfollow(
    client, app, make_note, user_factory, write_comment
):
    author = user_factory()
    note = make_note(authors=[author.id])
    write_comment(note, user_factory(), "Erster Kommentar")
    assert len(_notes_of(app, author)) == 1
    login(client, author)
    page = _follow(client, note, follow=False, htmx=True)
    assert "Follow</button>" in page.get_data(as_text=True).replace("\n", "").replace("  ", "")
    write_comment(note, user_factory(), "Zweiter Kommentar")
    assert len(_notes_of(app, author)) == 1


def test_status_changes_and_answers_reach_followers(app, make_note, user_factory):
    note = make_note(title="Spielplatz Rabet")
    follower, staff = user_factory(), user_factory(role="staff")
    with app.test_request_context():
        target = targets.resolve("note", note.id)
        services.set_following(db.session.merge(follower), target, True)
        count = services.target_event(
            "note", note.id, "status", actor=db.session.merge(staff), excerpt="Im Bau"
        )
        db.session.commit()
    assert count == 1
    [row] = _notes_of(app, follower)
    assert row.headline == "New status for “Spielplatz Rabet”" and row.link == f"/notes/{note.id}"
    assert _notes_of(app, staff) == []


def test_the_header_counts_unread_notifications_and_they_can_be_marked_read(
    client, app, make_note, user_factory, write_comment
):
    author = user_factory()
    note = make_note(authors=[author.id])
    write_comment(note, user_factory(), "Eins")
    write_comment(note, user_factory(), "Zwei")
    login(client, author)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="counter" aria-hidden="true">2</span>' in html and "(2 unread)" in html
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert page.count('class="notification notification-unread"') == 2
    first = _notes_of(app, author)[0]
    token = csrf_token(client, "/benachrichtigungen")
    client.post(f"/benachrichtigungen/{first.id}/gelesen", data={"csrf_token": token})
    assert "(1 unread)" in client.get("/").get_data(as_text=True)
    client.post("/benachrichtigungen/gelesen", data={"csrf_token": token})
    html = client.get("/").get_data(as_text=True)
    # none unread: the counter stays in the page for live updates, hidden and without a name
    assert '<span class="counter" aria-hidden="true" hidden>0</span>' in html
    assert '<span class="visually-hidden counter-label"></span>' in html


def test_nobody_marks_another_persons_notification(client, app, make_note, user_factory, write_comment):
    author = user_factory()
    note = make_note(authors=[author.id])
    write_comment(note, user_factory(), "Eins")
    [row] = _notes_of(app, author)
    login(client, user_factory())
    token = csrf_token(client, "/benachrichtigungen")
    assert client.post(f"/benachrichtigungen/{row.id}/gelesen", data={"csrf_token": token}).status_code == 404
    assert _notes_of(app, author)[0].read_at is None


def test_daily_digest_collects_everything_in_one_mail(
    client, app, make_note, user_factory, write_comment, outbox
):
    reader = user_factory()
    with app.app_context():
        db.session.get(User, reader.id).notification_mail = "daily"
        db.session.commit()
    note = make_note(title="Sanierung Stadtbad", authors=[reader.id])
    write_comment(note, user_factory(), "Eins")
    write_comment(note, user_factory(), "Zwei")
    assert [m for m in outbox.messages if m["To"] == reader.email] == []
    result = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    [digest] = [m for m in outbox.messages if m["To"] == reader.email]
    body = digest.get_content()
    assert "Eins" in body and "Zwei" in body and "Sanierung Stadtbad" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    again = app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert "0 person(s)" in again.output


def test_never_means_no_mail_but_still_in_app(app, make_note, user_factory, write_comment, outbox):
    reader = user_factory()
    with app.app_context():
        db.session.get(User, reader.id).notification_mail = "never"
        db.session.commit()
    note = make_note(authors=[reader.id])
    write_comment(note, user_factory(), "Eins")
    app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert [m for m in outbox.messages if m["To"] == reader.email] == []
    assert len(_notes_of(app, reader)) == 1


def test_people_who_may_not_see_the_item_are_not_told(app, make_note, user_factory, write_comment):
    follower = user_factory()
    note = make_note(authors=[follower.id])
    note.public = False
    write_comment(note, user_factory(), "Intern")
    assert _notes_of(app, follower) == []


def test_follow_button_works_without_javascript_and_with_htmx(client, app, make_note, user_factory):
    note = make_note()
    user = user_factory()
    login(client, user)
    response = _follow(client, note, htmx=True)
    html = response.get_data(as_text=True)
    assert f'id="follow-button-note-{note.id}" aria-pressed="true"' in html
    assert "data-announce>" in html and "HX-Request" in response.headers["Vary"]
    plain = _follow(client, note, follow=False)
    assert plain.status_code == 302 and plain.headers["Location"] == f"/notes/{note.id}"
    with app.app_context():
        assert db.session.scalar(select(Follow.active).where(Follow.user_id == user.id)) is False


def test_erasure_removes_follows_votes_and_notifications_but_keeps_comments(
    client, app, make_note, user_factory, write_comment
):
    from participation.accounts import services as accounts
    from participation.comments.models import Comment, CommentVote
    from participation.core import personal_data

    leaving = user_factory()
    note = make_note(authors=[leaving.id])
    own = write_comment(note, leaving, "Bleibt stehen")
    other = write_comment(note, user_factory(), "Anderer")
    with app.test_request_context():
        db.session.add(CommentVote(comment_id=other, user_id=leaving.id, value=1))
        db.session.commit()
        export = personal_data.export_sections(db.session.get(User, leaving.id))
        assert export["comments"][0]["text"] == "Bleibt stehen"
        assert export["comment_votes"][0]["comment"].url.endswith(f"/kommentare/{other}")
        assert export["notifications"] and export["follows"]
        accounts.delete_account(db.session.get(User, leaving.id))
        db.session.commit()
        assert db.session.scalars(select(CommentVote).where(CommentVote.user_id == leaving.id)).all() == []
        assert db.session.scalars(select(Follow).where(Follow.user_id == leaving.id)).all() == []
        assert db.session.scalars(select(Notification).where(Notification.user_id == leaving.id)).all() == []
        assert db.session.get(Comment, own).body == "Bleibt stehen"
    html = client.get(f"/kommentare/{own}").get_data(as_text=True)
    assert "deleted user" in html and "Bleibt stehen" in html


def test_mail_is_written_in_the_recipients_language(app, make_note, user_factory, write_comment, outbox):
    german, english = user_factory(locale="de", name="Gerda"), user_factory(locale="en", name="Ed")
    note = make_note(authors=[german.id, english.id])
    write_comment(note, user_factory(), "Neu")
    mails = {m["To"]: m.get_content() for m in outbox.messages}
    assert mails[german.email].startswith("Hallo Gerda,")
    assert mails[english.email].startswith("Hello Ed,")


def test_people_the_feature_mailed_itself_get_no_second_mail(app, make_note, user_factory, outbox):
    author = user_factory()
    note = make_note(authors=[author.id])
    with app.test_request_context():
        services.target_event(
            "note", note.id, "response", excerpt="Wird umgesetzt.", already_mailed={author.id}
        )
        db.session.commit()
    [row] = _notes_of(app, author)
    assert row.kind == "response" and row.mail_state == "none"
    assert [m for m in outbox.messages if m["To"] == author.email] == []


def test_a_deleted_comment_leaves_the_notifications_too(client, app, make_note, user_factory, write_comment):
    follower, writer = user_factory(), user_factory()
    note = make_note(authors=[follower.id])
    comment = write_comment(note, writer, "Das nehme ich zurück")
    login(client, writer)
    client.post(
        f"/kommentare/{comment}/loeschen", data={"csrf_token": csrf_token(client, "/barrierefreiheit")}
    )
    [row] = _notes_of(app, follower)
    assert row.excerpt == ""
    login(client, follower)
    assert "Das nehme ich zurück" not in client.get("/benachrichtigungen").get_data(as_text=True)


def test_a_comment_that_is_rolled_back_notifies_nobody(app, make_note, user_factory, outbox):
    follower = user_factory()
    note = make_note(authors=[follower.id])
    with app.test_request_context():
        target = targets.resolve("note", note.id)
        comment_services.add_comment(target, db.session.merge(user_factory()), "Doch nicht")
        db.session.rollback()
    assert _notes_of(app, follower) == []
    assert [m for m in outbox.messages if m["To"] == follower.email] == []


def test_a_subscriber_declares_its_own_notification_kind(app, make_note, user_factory):
    """A feature adds a kind of notification without editing the notifications package."""
    declare_kind("test-reminder", "Reminder about “%(title)s”")
    follower = user_factory()
    note = make_note(title="Parkbank", authors=[follower.id])
    with app.test_request_context():
        services.target_event("note", note.id, "test-reminder")
        db.session.commit()
    [row] = _notes_of(app, follower)
    assert row.headline == "Reminder about “Parkbank”"
    with app.test_request_context(), pytest.raises(LookupError):
        services.target_event("note", note.id, "test-never-declared")
