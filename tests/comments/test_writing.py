"""Writing comments and replies: who may, what is refused and what the person is told."""

from datetime import timedelta

from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from tests.conftest import csrf_token, login


def _post(client, url, **data):
    token = csrf_token(client, "/barrierefreiheit")
    return client.post(url, data={"csrf_token": token, **data})


def _comments(app):
    with app.app_context():
        return list(db.session.scalars(select(Comment).order_by(Comment.id)))


def test_confirmed_resident_comments_and_lands_on_it_in_the_objects_page(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    response = _post(client, f"/kommentare/note/{note.id}", body="Mehr **Bäume**, bitte!", stance="for")
    assert response.status_code == 302
    [comment] = _comments(app)
    assert response.headers["Location"] == f"/notes/{note.id}#comment-{comment.id}"
    page = client.get(f"/kommentare/{comment.id}").get_data(as_text=True)
    assert "Mehr <strong>Bäume</strong>, bitte!" in page
    assert "Stance:" in page and "In favour" in page
    assert (comment.depth, comment.root_id, comment.stance) == (0, None, "for")


def test_guests_and_unconfirmed_accounts_cannot_comment(client, app, make_note, user_factory):
    note = make_note()
    anonymous = _post(client, f"/kommentare/note/{note.id}", body="x")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, user_factory(confirmed=False))
    unconfirmed = _post(client, f"/kommentare/note/{note.id}", body="Hallo")
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith("/account")
    assert _comments(app) == []
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert "Please confirm your email address before you comment." in page


def test_empty_and_over_long_comments_get_a_clear_message(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    empty = _post(client, f"/kommentare/note/{note.id}", body="   ")
    assert empty.status_code == 422
    assert "Please fill in this field." in empty.get_data(as_text=True)
    long_text = "x" * 2001
    too_long = _post(client, f"/kommentare/note/{note.id}", body=long_text)
    assert too_long.status_code == 422
    html = too_long.get_data(as_text=True)
    assert "Please use at most 2000 characters." in html
    assert long_text in html  # the text is kept for shortening
    assert _post(client, f"/kommentare/note/{note.id}", body="y" * 2000).status_code == 302
    assert len(_comments(app)) == 1


def test_html_and_script_are_rendered_harmless(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    _post(
        client,
        f"/kommentare/note/{note.id}",
        body="<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) https://leipzig.de",
    )
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "onerror" not in html and "javascript:alert" not in html
    assert '<a href="https://leipzig.de" rel="nofollow ugc noopener">https://leipzig.de</a>' in html


def test_writing_is_closed_on_closed_items_but_reading_stays(
    client, app, make_note, login_as, user_factory, write_comment
):
    note = make_note()
    first = write_comment(note, user_factory(), "Vor dem Schluss")
    note.open = False
    login_as("resident")
    refused = _post(client, f"/kommentare/note/{note.id}", body="Zu spät")
    assert refused.status_code == 422
    assert "Comments are closed here. You can still read them." in refused.get_data(as_text=True)
    reply = _post(client, f"/kommentare/{first}/antworten", body="Auch zu spät")
    assert reply.status_code == 422
    page = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert "Vor dem Schluss" in page and "Publish the comment" not in page and "Answer</summary>" not in page
    assert len(_comments(app)) == 1


def test_threads_go_three_levels_deep(client, app, make_note, login_as, user_factory, write_comment):
    note = make_note()
    other = user_factory()
    top = write_comment(note, other, "Ebene 1")
    second = write_comment(note, other, "Ebene 2", parent=top)
    third = write_comment(note, other, "Ebene 3", parent=second)
    login_as("resident")
    refused = _post(client, f"/kommentare/{third}/antworten", body="Ebene 4")
    assert refused.status_code == 422
    assert "Threads go three levels deep." in refused.get_data(as_text=True)
    comments = {c.id: c for c in _comments(app)}
    assert (comments[third].depth, comments[third].root_id, comments[third].parent_id) == (2, top, second)
    page = client.get(f"/kommentare/{second}").get_data(as_text=True)
    assert page.count('class="reply-box"') == 2  # levels 1 and 2 take answers, level 3 does not


def test_a_reply_to_a_deleted_comment_is_refused(
    client, app, make_note, login_as, user_factory, write_comment
):
    author = user_factory()
    note = make_note()
    top = write_comment(note, author, "Gleich weg")
    login(client, author)
    assert _post(client, f"/kommentare/{top}/loeschen").status_code == 302
    login_as("resident")
    refused = _post(client, f"/kommentare/{top}/antworten", body="Antwort")
    assert refused.status_code == 422
    assert "This comment has been deleted; it cannot be answered any more." in refused.get_data(as_text=True)


def test_stances_only_where_the_parent_enables_them(client, app, make_note, login_as):
    without = make_note(stances=False)
    login_as("resident")
    page = client.get(f"/kommentare/note/{without.id}").get_data(as_text=True)
    assert 'name="stance"' not in page
    refused = _post(client, f"/kommentare/note/{without.id}", body="Mit Haltung", stance="against")
    assert refused.status_code == 422 and "Stances are not asked for here." in refused.get_data(as_text=True)
    with_stances = make_note()
    bad = _post(client, f"/kommentare/note/{with_stances.id}", body="x", stance="maybe")
    assert bad.status_code == 422
    assert _comments(app) == []


def test_comments_by_staff_carry_the_official_badge(client, app, make_note, login_as):
    note = make_note()
    login_as("staff")
    _post(client, f"/kommentare/note/{note.id}", body="Die Stadt antwortet.")
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert 'class="comment comment-official' in html and "Official</span>" in html


def test_edit_within_15_minutes_is_shown_as_edited(client, app, make_note, user_factory, write_comment):
    author = user_factory()
    note = make_note()
    comment = write_comment(note, author, "Tippfeler")
    login(client, author)
    assert client.get(f"/kommentare/{comment}/bearbeiten").status_code == 200
    response = _post(client, f"/kommentare/{comment}/bearbeiten", body="Tippfehler")
    assert response.status_code == 302
    html = client.get(f"/kommentare/{comment}").get_data(as_text=True)
    assert "Tippfehler" in html and "(edited)" in html


def test_no_edit_after_15_minutes(client, app, make_note, user_factory, write_comment):
    author = user_factory()
    note = make_note()
    comment = write_comment(note, author, "Alt", minutes_ago=16)
    login(client, author)
    assert _post(client, f"/kommentare/{comment}/bearbeiten", body="Neu").status_code == 403
    assert (
        "Edit"
        not in client.get(f"/kommentare/{comment}").get_data(as_text=True).split("comment-actions")[1][:300]
    )
    assert _comments(app)[0].body == "Alt"


def test_nobody_edits_or_deletes_another_persons_comment(
    client, app, make_note, user_factory, write_comment, login_as
):
    note = make_note()
    comment = write_comment(note, user_factory(), "Meins")
    for role in ("resident", "moderator", "staff"):
        login_as(role)
        assert _post(client, f"/kommentare/{comment}/bearbeiten", body="Deins").status_code == 403
        assert _post(client, f"/kommentare/{comment}/loeschen").status_code == 403
    [stored] = _comments(app)
    assert (stored.body, stored.visibility) == ("Meins", "visible")


def test_deleting_leaves_a_placeholder_only_where_replies_exist(
    client, app, make_note, user_factory, write_comment
):
    author = user_factory()
    note = make_note()
    with_reply = write_comment(note, author, "Mit Antwort")
    write_comment(note, user_factory(), "Die Antwort", parent=with_reply)
    alone = write_comment(note, author, "Allein")
    login(client, author)
    _post(client, f"/kommentare/{with_reply}/loeschen")
    _post(client, f"/kommentare/{alone}/loeschen")
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert "Mit Antwort" not in html and "Allein" not in html
    assert html.count("This comment has been deleted by its author.") == 1
    assert "Die Antwort" in html
    assert "1 comment</h2>" in html  # only visible comments are counted


def test_comments_and_answers_share_the_budget_of_ten_a_minute(
    client, app, make_note, login_as, user_factory, write_comment
):
    note = make_note()
    top = write_comment(note, user_factory(), "Oben")
    login_as("resident")
    statuses = [_post(client, f"/kommentare/note/{note.id}", body=f"Nr. {n}").status_code for n in range(6)]
    statuses += [
        _post(client, f"/kommentare/{top}/antworten", body=f"Antwort {n}").status_code for n in range(5)
    ]
    assert statuses == [302] * 10 + [429]
    assert client.get(f"/kommentare/{top}/antworten").status_code == 200  # reading is not limited
    login_as("resident")  # another account has its own budget
    assert _post(client, f"/kommentare/note/{note.id}", body="Ich auch").status_code == 302


def test_rate_limit_ten_comments_a_minute_per_account(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    statuses = [_post(client, f"/kommentare/note/{note.id}", body=f"Nr. {n}").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert len(_comments(app)) == 10


def test_htmx_comment_returns_the_section_with_an_announcement(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    token = csrf_token(client, f"/kommentare/note/{note.id}")
    response = client.post(
        f"/kommentare/note/{note.id}",
        data={"body": "Per htmx"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="comments" id="comments"')
    assert "Per htmx" in html and "data-announce>Your comment has been published.</p>" in html
    assert "<html" not in html


def test_edit_deadline_is_15_minutes(app, make_note, user_factory, write_comment):
    note = make_note()
    comment_id = write_comment(note, user_factory(), "x", minutes_ago=14)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        author = comment.author
        assert comment.can_edit(author)
        assert not comment.can_edit(author, now=comment.created_at + timedelta(minutes=15, seconds=1))


def test_htmx_errors_come_back_as_a_swappable_section(client, app, make_note, login_as):
    note = make_note()
    login_as("resident")
    token = csrf_token(client, f"/kommentare/note/{note.id}")
    response = client.post(
        f"/kommentare/note/{note.id}", data={"body": ""}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and "Please fill in this field." in html and "<html" not in html
