"""Up and down votes: one per person, never on one's own comment, sums derived from rows."""

from sqlalchemy import func, select

from participation.comments.models import CommentVote
from participation.extensions import db
from tests.conftest import csrf_token, login


def _vote(client, comment_id, value, htmx=False):
    token = csrf_token(client, "/barrierefreiheit")
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post(
        f"/kommentare/{comment_id}/stimme", data={"csrf_token": token, "value": value}, headers=headers
    )


def _votes(app, comment_id):
    with app.app_context():
        return list(
            db.session.execute(
                select(CommentVote.user_id, CommentVote.value).where(CommentVote.comment_id == comment_id)
            )
        )


def test_vote_up_switch_and_take_back(client, app, make_note, user_factory, write_comment):
    note = make_note()
    comment = write_comment(note, user_factory())
    voter = user_factory()
    login(client, voter)
    assert _vote(client, comment, "up").status_code == 302
    assert _votes(app, comment) == [(voter.id, 1)]
    _vote(client, comment, "down")
    assert _votes(app, comment) == [(voter.id, -1)]  # still one vote per person
    _vote(client, comment, "down")
    assert _votes(app, comment) == []


def test_sums_count_every_person_once(client, app, make_note, user_factory, write_comment):
    note = make_note()
    comment = write_comment(note, user_factory())
    for value in ("up", "up", "down"):
        login(client, user_factory())
        _vote(client, comment, value)
    html = client.get(f"/kommentare/{comment}").get_data(as_text=True)
    assert "2 helpful, 1 not helpful" in html


def test_no_votes_on_ones_own_comment(client, app, make_note, user_factory, write_comment):
    author = user_factory()
    comment = write_comment(make_note(), author)
    login(client, author)
    response = _vote(client, comment, "up", htmx=True)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "data-announce>You cannot vote on your own comment.</p>" in response.get_data(as_text=True)
    assert _vote(client, comment, "up").status_code == 302
    assert _votes(app, comment) == []
    assert 'id="vote-up-' not in client.get(f"/kommentare/{comment}").get_data(as_text=True)


def test_no_votes_on_closed_items_or_deleted_comments(client, app, make_note, user_factory, write_comment):
    note = make_note()
    comment = write_comment(note, user_factory())
    login(client, user_factory())
    note.open = False
    response = _vote(client, comment, "up")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Comments are closed here. You can still read them." in follow
    assert _votes(app, comment) == []


def test_htmx_vote_answers_with_the_buttons_and_keeps_their_ids(
    client, app, make_note, user_factory, write_comment
):
    comment = write_comment(make_note(), user_factory())
    login(client, user_factory())
    response = _vote(client, comment, "up", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith(f'<div class="comment-votes" id="votes-{comment}">')
    assert f'id="vote-up-{comment}" aria-pressed="true"' in html
    assert "data-announce>You voted this comment up.</p>" in html


def test_a_bad_vote_value_is_refused(client, app, make_note, user_factory, write_comment):
    comment = write_comment(make_note(), user_factory())
    login(client, user_factory())
    assert _vote(client, comment, "sideways").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 0


def test_a_vote_racing_another_tab_of_the_same_person_does_not_fail(
    app, make_note, user_factory, write_comment, monkeypatch
):
    from participation.comments import services
    from participation.comments.models import Comment
    from participation.core import targets

    note = make_note()
    comment_id = write_comment(note, user_factory())
    voter = user_factory()
    with app.test_request_context():
        comment = db.session.get(Comment, comment_id)
        person = db.session.merge(voter)
        target = targets.resolve("note", note.id)
        db.session.add(CommentVote(comment_id=comment_id, user_id=voter.id, value=1))
        db.session.flush()
        # the other tab's row arrived after this request looked: its lookup finds nothing
        monkeypatch.setattr(db.session, "scalar", lambda *args, **kwargs: None)
        assert services.vote(target, comment, person, -1) == -1
        monkeypatch.undo()
        db.session.commit()
    assert _votes(app, comment_id) == [(voter.id, -1)]
