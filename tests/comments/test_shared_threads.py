"""A page of threads is rendered once for everybody and kept; each viewer's own parts (their
votes, their own comments' actions, their CSRF token) are put in per request, so every viewer
sees the page exactly as if it had been rendered for them alone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_caching.backends import SimpleCache

from participation.accounts.models import User
from participation.comments import shared_threads
from participation.comments.models import Comment, CommentVote
from participation.extensions import cache, db
from tests.conftest import csrf_token, login


@pytest.fixture
def caching(app, monkeypatch):
    monkeypatch.setitem(app.extensions["cache"], cache, SimpleCache())


def _client(app, user=None):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        login(client, user)
    return client


def _vote_row(app, comment_id, user, value):
    with app.app_context():
        db.session.add(CommentVote(comment_id=comment_id, user_id=user.id, value=value))
        db.session.commit()


def _pressed(html, comment_id):
    up = re.search(rf'id="vote-up-{comment_id}" aria-pressed="(\w+)"', html)
    down = re.search(rf'id="vote-down-{comment_id}" aria-pressed="(\w+)"', html)
    return (up.group(1), down.group(1)) if up and down else None


def _page_token(html):
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def _form_tokens(html):
    return set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html))


def _threads(html):
    """The thread list of a page: what the shared render makes, with the page's CSRF token as
    TOKEN (a token carries the second it was made, so two requests may differ in it)."""
    threads = html[html.index('<ol class="comment-list"') : html.index("</ol>\n  \n  \n</section>")]
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    return threads.replace(token.group(1), "TOKEN") if token else threads


def test_two_viewers_of_the_same_kept_page_see_their_own_votes_comments_and_tokens(
    app, caching, make_note, user_factory, write_comment, count_queries
):
    note = make_note()
    anna, ben = user_factory(name="Anna"), user_factory(name="Ben")
    by_other = write_comment(note, user_factory(name="Clara"), "Von Clara")
    by_anna = write_comment(note, anna, "Von Anna")
    _vote_row(app, by_other, anna, 1)
    url = f"/kommentare/note/{note.id}"
    anna_page = _client(app, anna).get(url).get_data(as_text=True)
    ben_client = _client(app, ben)
    with app.app_context(), count_queries() as first:
        ben_page = ben_client.get(url).get_data(as_text=True)
    with app.app_context(), count_queries() as again:
        assert _threads(ben_client.get(url).get_data(as_text=True)) == _threads(ben_page)
    # the page was kept: the request's savepoint in the tests, who Ben is (with his unread
    # notifications) and his votes on it, which are kept as well
    assert (first.count, again.count) == (3, 2)

    assert _pressed(anna_page, by_other) == ("true", "false")
    assert _pressed(ben_page, by_other) == ("false", "false")
    # Anna's own comment: no vote buttons and no "Report" for her, but "Edit" and "Delete"
    assert _pressed(anna_page, by_anna) is None and _pressed(ben_page, by_anna) == ("false", "false")
    for path in (f"/kommentare/{by_anna}/bearbeiten", f"/kommentare/{by_anna}/loeschen"):
        assert f'href="{path}"' in anna_page and f'href="{path}"' not in ben_page
    report = f'href="/melden/comment/{by_anna}"'
    assert report not in anna_page and report in ben_page
    # every form (the new comment's too) carries the viewer's own token, and no marker is left
    assert 'class="comment-form stack"' in anna_page and 'class="comment-form stack"' in ben_page
    assert _form_tokens(anna_page) == {_page_token(anna_page)}
    assert _form_tokens(ben_page) == {_page_token(ben_page)}
    assert _page_token(anna_page) != _page_token(ben_page)
    assert "\x00" not in anna_page + ben_page


def test_the_kept_page_is_what_rendering_for_the_viewer_alone_gives(
    app, caching, make_note, user_factory, write_comment, monkeypatch
):
    """The same threads for every kind of viewer, through the kept page and rendered directly."""
    open_note, closed_note = make_note(), make_note()
    author, voter, unconfirmed = user_factory(), user_factory(), user_factory()
    for note in (open_note, closed_note):
        top = write_comment(note, author, "Oben **fett**", stance="for")
        old = write_comment(note, author, "Schon alt", minutes_ago=30)
        answer = write_comment(note, voter, "Eine Antwort", parent=top)
        write_comment(note, unconfirmed, "Bevor die Adresse sich änderte", parent=answer)
        _vote_row(app, top, voter, -1)
        _vote_row(app, old, voter, 1)
    closed_note.open = False
    with app.app_context():
        db.session.get(User, unconfirmed.id).email_confirmed_at = None
        db.session.commit()
    viewers = [None, author, voter, unconfirmed, user_factory(role="staff")]

    def direct(target, sort, page, news, now):
        return shared_threads.render_for_viewer(target, sort, page, news, now)

    for note in (open_note, closed_note):
        for viewer in viewers:
            client = _client(app, viewer)
            url = f"/kommentare/note/{note.id}?sort=oldest"
            client.get(url)
            kept = client.get(url).get_data(as_text=True)  # from the kept page
            with monkeypatch.context() as patched:
                patched.setattr(shared_threads, "section_threads", direct)
                alone = client.get(url).get_data(as_text=True)
            assert _threads(kept) == _threads(alone), (note.open, viewer and viewer.id)


def test_a_new_vote_or_comment_shows_at_once(app, caching, make_note, user_factory, write_comment):
    note = make_note()
    first = write_comment(note, user_factory(), "Erster")
    voter = user_factory()
    client = _client(app, voter)
    url = f"/kommentare/note/{note.id}"
    assert _pressed(client.get(url).get_data(as_text=True), first) == ("false", "false")
    token = csrf_token(client, url)
    client.post(f"/kommentare/{first}/stimme", data={"csrf_token": token, "value": "up"})
    html = client.get(url).get_data(as_text=True)
    assert _pressed(html, first) == ("true", "false") and "1 helpful, 0 not helpful" in html
    write_comment(note, user_factory(), "Zweiter")
    html = _client(app, voter).get(url).get_data(as_text=True)
    assert "Zweiter" in html and "2 comments" in html


def test_a_comment_waiting_for_approval_shows_only_to_its_author(
    app, caching, make_note, user_factory, write_comment
):
    note = make_note()
    top = write_comment(note, user_factory(), "Sichtbar")
    author = user_factory()
    waiting = write_comment(note, author, "Wartet noch", parent=top)
    with app.app_context():
        db.session.get(Comment, waiting).visibility = "pending"
        db.session.commit()
    url = f"/kommentare/note/{note.id}"
    other = _client(app, user_factory()).get(url).get_data(as_text=True)
    mine = _client(app, author).get(url).get_data(as_text=True)
    assert "Wartet noch" not in other
    assert "Wartet noch" in mine and "Waiting for moderation" in mine


def test_the_edit_link_goes_when_the_15_minutes_are_over(
    app, caching, make_note, user_factory, write_comment, monkeypatch
):
    note = make_note()
    author = user_factory()
    comment = write_comment(note, author, "Frisch")
    client = _client(app, author)
    url = f"/kommentare/note/{note.id}"
    assert f'href="/kommentare/{comment}/bearbeiten"' in client.get(url).get_data(as_text=True)
    with app.app_context():
        created = db.session.get(Comment, comment).created_at
    from participation.comments import views

    # the kept page stays as it is; only the time moves on
    monkeypatch.setattr(views, "utcnow", lambda: created + timedelta(minutes=16))
    html = client.get(url).get_data(as_text=True)
    assert f'href="/kommentare/{comment}/bearbeiten"' not in html
    assert f'href="/kommentare/{comment}/loeschen"' in html


def test_visitors_get_the_threads_without_forms_tokens_or_a_session(
    app, caching, make_note, user_factory, write_comment
):
    note = make_note()
    comment = write_comment(note, user_factory(), "Für alle")
    url = f"/kommentare/note/{note.id}"
    _client(app, user_factory()).get(url)  # a signed-in person's page is kept first
    for _ in range(2):
        response = _client(app).get(url, headers={"HX-Request": "true"})
        html = response.get_data(as_text=True)
        assert "Für alle" in html and "Set-Cookie" not in response.headers
        assert "csrf_token" not in html and "vote-up-" not in html and "\x00" not in html
        assert f'href="/melden/comment/{comment}"' in html  # "Report" is for everybody
