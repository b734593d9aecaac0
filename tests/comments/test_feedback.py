"""What a person is told after a plain-form action on a comment, and where they land."""

from __future__ import annotations

import re

from sqlalchemy import select

from participation.comments.models import PAGE_SIZE, REPLIES_SHOWN, Comment
from participation.extensions import db
from tests.conftest import csrf_token, login


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/barrierefreiheit"), **data})


def _news_at(html: str, comment_id: int) -> str | None:
    """The note shown inside the comment's own article, if any."""
    match = re.search(
        rf'<article class="[^"]*comment-highlight[^"]*" id="comment-{comment_id}"[^>]*>\s*'
        r'<p class="flash flash-success comment-news">([^<]*)</p>',
        html,
    )
    return match.group(1) if match else None


def test_a_reply_lands_on_itself_in_the_objects_page_with_a_message(
    client, app, make_note, user_factory, write_comment
):
    note = make_note()
    top = write_comment(note, user_factory(), "Wann geht es los?")
    login(client, user_factory())
    response = _post(client, f"/kommentare/{top}/antworten", body="Im Frühjahr.")
    [reply] = _replies_to(app, top)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/notes/{note.id}#comment-{reply}"
    # the note type has no page of its own here; its comment section is what that page embeds
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _news_at(page, reply) == "Your answer has been published."
    assert '<p class="flash flash-success">Your answer has been published.</p>' in page  # live region
    again = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _news_at(again, reply) is None and "Your answer has been published." not in again


def test_a_reply_the_objects_page_does_not_show_lands_on_its_permalink(
    client, app, make_note, user_factory, write_comment
):
    note = make_note()
    old = write_comment(note, user_factory(), "Alt", minutes_ago=50)
    for number in range(PAGE_SIZE - 2):  # with busy below: 19 threads newer than old
        write_comment(note, user_factory(), f"Neuer {number}", minutes_ago=40 - number)
    busy = write_comment(note, user_factory(), "Viel diskutiert", minutes_ago=5)  # the newest: page 1
    for number in range(REPLIES_SHOWN):
        write_comment(note, user_factory(), f"Antwort {number}", parent=busy)
    login(client, user_factory())
    shown = _post(client, f"/kommentare/{old}/antworten", body="Noch auf Seite 1")  # old is 20th newest
    assert shown.headers["Location"] == f"/notes/{note.id}#comment-{_replies_to(app, old)[-1]}"
    write_comment(note, user_factory(), "Der Neueste")  # now old is the 21st
    for parent, body in ((busy, "Die elfte Antwort"), (old, "Antwort auf Seite 2")):
        response = _post(client, f"/kommentare/{parent}/antworten", body=body)
        reply = _replies_to(app, parent)[-1]
        assert response.headers["Location"] == f"/kommentare/{reply}#comment-{reply}"
        page = client.get(f"/kommentare/{reply}").get_data(as_text=True)
        assert _news_at(page, reply) == "Your answer has been published."


def test_edits_and_plain_votes_say_so_at_the_comment(client, make_note, user_factory, write_comment):
    note = make_note()
    author, voter = user_factory(), user_factory()
    comment = write_comment(note, author, "Erst so")
    login(client, author)
    edited = _post(client, f"/kommentare/{comment}/bearbeiten", body="Dann so")
    assert edited.headers["Location"] == f"/notes/{note.id}#comment-{comment}"
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _news_at(page, comment) == "Your comment has been changed."
    login(client, voter)
    voted = _post(client, f"/kommentare/{comment}/stimme", value="up")
    assert voted.headers["Location"] == f"/notes/{note.id}#comment-{comment}"
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _news_at(page, comment) == "You voted this comment up."


def test_deleting_asks_first_and_works_without_javascript(
    client, app, make_note, user_factory, write_comment
):
    author = user_factory()
    note = make_note()
    comment = write_comment(note, author, "Doch nicht so gemeint")
    login(client, author)
    thread = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert f'<a href="/kommentare/{comment}/loeschen">Delete' in thread  # a link to a page that asks
    assert f'action="/kommentare/{comment}/loeschen"' not in thread
    question = client.get(f"/kommentare/{comment}/loeschen")
    assert question.status_code == 200
    html = question.get_data(as_text=True)
    assert "Delete your comment?" in html and "Doch nicht so gemeint" in html
    assert f'<form method="post" action="/kommentare/{comment}/loeschen"' in html
    assert 'name="csrf_token"' in html
    assert f'href="/kommentare/{comment}#comment-{comment}">Keep it</a>' in html
    assert _visibility(app, comment) == "visible"  # asking changes nothing
    assert client.post(f"/kommentare/{comment}/loeschen").status_code == 400  # not without the form's token
    assert _visibility(app, comment) == "visible"
    deleted = _post(client, f"/kommentare/{comment}/loeschen")
    assert deleted.status_code == 302
    assert deleted.headers["Location"] == f"/notes/{note.id}#comments"
    assert _visibility(app, comment) == "deleted"
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert '<p class="flash flash-success comment-news">Your comment has been deleted.</p>' in page
    assert client.get(f"/kommentare/{comment}/loeschen").status_code == 403  # nothing left to delete


def test_deleting_a_comment_with_answers_lands_on_its_placeholder(
    client, make_note, user_factory, write_comment
):
    author = user_factory()
    note = make_note()
    comment = write_comment(note, author, "Mit Antwort")
    write_comment(note, user_factory(), "Die Antwort", parent=comment)
    login(client, author)
    deleted = _post(client, f"/kommentare/{comment}/loeschen")
    assert deleted.headers["Location"] == f"/notes/{note.id}#comment-{comment}"
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _news_at(page, comment) == "Your comment has been deleted."


def test_only_the_author_is_asked_to_delete(client, make_note, user_factory, write_comment, login_as):
    comment = write_comment(make_note(), user_factory(), "Meins")
    assert client.get(f"/kommentare/{comment}/loeschen").status_code == 302  # to the sign-in page
    for role in ("resident", "moderator", "staff"):
        login_as(role)
        assert client.get(f"/kommentare/{comment}/loeschen").status_code == 403


def _replies_to(app, comment_id: int) -> list[int]:
    with app.app_context():
        query = select(Comment.id).where(Comment.parent_id == comment_id).order_by(Comment.id)
        return list(db.session.scalars(query))


def _visibility(app, comment_id: int) -> str:
    with app.app_context():
        return db.session.get(Comment, comment_id).visibility
