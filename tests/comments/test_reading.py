"""Reading threads: sorting, pages of 20 with "load more", permalinks, counts, and a query
count that does not grow with the thread."""

import re

from sqlalchemy import select

from participation.comments import queries
from participation.comments.models import Comment, CommentVote, Sort
from participation.core.models import utcnow
from participation.extensions import db


def _seed_thread(app, note, users, top_level: int, replies_each: int = 0):
    """Many comments at once, straight into the tables (services would take a while)."""
    with app.app_context():
        now = utcnow()
        for n in range(top_level):
            top = Comment(
                target_type="note",
                target_id=note.id,
                author_id=users[n % len(users)].id,
                body=f"Kommentar {n}",
                created_at=now.replace(microsecond=0) - _seconds(top_level - n),
            )
            db.session.add(top)
            db.session.flush()
            parent = top
            for r in range(replies_each):
                depth = min(r + 1, 2)
                reply = Comment(
                    target_type="note",
                    target_id=note.id,
                    author_id=users[(n + r + 1) % len(users)].id,
                    body=f"Antwort {n}.{r}",
                    parent_id=parent.id if depth > 1 else top.id,
                    root_id=top.id,
                    depth=depth,
                    created_at=top.created_at,
                )
                db.session.add(reply)
                db.session.flush()
                parent = reply if depth < 2 else parent
            db.session.add(
                CommentVote(
                    comment_id=top.id, user_id=users[(n + 1) % len(users)].id, value=1 if n % 3 else -1
                )
            )
        db.session.commit()


def _seconds(n):
    from datetime import timedelta

    return timedelta(seconds=n)


def _titles(html):
    return re.findall(r"<p>Kommentar (\d+)</p>", html)


def test_sorting_newest_oldest_and_most_helpful(client, app, make_note, user_factory, write_comment):
    note = make_note()
    users = [user_factory() for _ in range(4)]
    _seed_thread(app, note, users, 3)
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert _titles(html) == ["2", "1", "0"]
    assert _titles(client.get(f"/kommentare/note/{note.id}?sort=oldest").get_data(as_text=True)) == [
        "0",
        "1",
        "2",
    ]
    helpful = _titles(client.get(f"/kommentare/note/{note.id}?sort=helpful").get_data(as_text=True))
    assert helpful == ["2", "1", "0"]  # +1, +1, -1: newest first among equals
    assert _titles(client.get(f"/kommentare/note/{note.id}?sort=nonsense").get_data(as_text=True)) == [
        "2",
        "1",
        "0",
    ]


def test_twenty_threads_per_page_and_load_more_by_htmx(client, app, make_note, user_factory):
    note = make_note()
    _seed_thread(app, note, [user_factory(), user_factory()], 45)
    first = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert len(_titles(first)) == 20
    assert f'href="/kommentare/note/{note.id}?sort=newest&amp;page=2"' in first
    more = client.get(f"/kommentare/note/{note.id}?sort=newest&page=2", headers={"HX-Request": "true"})
    assert "HX-Request" in more.headers["Vary"]
    html = more.get_data(as_text=True)
    assert "<html" not in html and len(_titles(html)) == 20 and "page=3" in html
    assert "20 more comments loaded." in html
    last = client.get(f"/kommentare/note/{note.id}?sort=newest&page=3", headers={"HX-Request": "true"})
    assert len(_titles(last.get_data(as_text=True))) == 5 and "page=4" not in last.get_data(as_text=True)
    # without JavaScript, the same link is a whole page
    assert "<html" in client.get(f"/kommentare/note/{note.id}?page=2").get_data(as_text=True)


def test_permalink_shows_the_whole_thread_and_marks_the_comment(
    client, app, make_note, user_factory, write_comment
):
    note = make_note(title="Parkbogen Ost")
    a, b = user_factory(), user_factory()
    top = write_comment(note, a, "Oben")
    reply = write_comment(note, b, "Darunter", parent=top)
    html = client.get(f"/kommentare/{reply}").get_data(as_text=True)
    assert "Oben" in html and "Darunter" in html
    assert f'class="comment comment-highlight" id="comment-{reply}"' in html
    assert "Comment on “Parkbogen Ost”" in html
    assert client.get("/kommentare/999999").status_code == 404


def test_comments_on_hidden_targets_are_not_shown(client, make_note, user_factory, write_comment):
    note = make_note()
    comment = write_comment(note, user_factory(), "Geheim")
    note.public = False
    assert client.get(f"/kommentare/note/{note.id}").status_code == 404
    assert client.get(f"/kommentare/{comment}").status_code == 404
    assert client.get("/kommentare/unknown/1").status_code == 404


def test_counts_for_lists_come_from_one_grouped_query(
    app, make_note, user_factory, write_comment, count_queries
):
    a, b = make_note(), make_note()
    author = user_factory()
    write_comment(a, author)
    write_comment(a, author)
    write_comment(b, author)
    with app.app_context():
        db.session.execute(select(1))  # the transaction's BEGIN is not part of the count
        with count_queries() as counter:
            counts = queries.counts_for("note", [a.id, b.id, 999])
    assert counts == {a.id: 2, b.id: 1}
    assert counter.count == 1


def _first_page_queries(app, note, count_queries, viewer_id):
    with app.test_request_context():
        from participation.accounts.models import User

        viewer = db.session.get(User, viewer_id)
        with count_queries() as counter:
            page = queries.thread_page("note", note.id, sort=Sort.NEWEST, page=1, viewer=viewer)
        return counter.count, page


def test_the_first_page_costs_the_same_queries_for_5_and_200_comments(
    app, make_note, user_factory, count_queries
):
    users = [user_factory() for _ in range(6)]
    small, big = make_note(), make_note()
    _seed_thread(app, small, users, 1, replies_each=4)  # 5 comments
    _seed_thread(app, big, users, 40, replies_each=4)  # 200 comments
    small_count, small_page = _first_page_queries(app, small, count_queries, users[0].id)
    big_count, big_page = _first_page_queries(app, big, count_queries, users[0].id)
    assert sum(1 + _descendants(n) for n in small_page.threads) == 5
    assert sum(1 + _descendants(n) for n in big_page.threads) == 100  # 20 threads of 5
    assert small_count == big_count == 5  # top level, replies, votes, authors, total


def test_the_rendered_page_costs_the_same_queries_for_5_and_200_comments(
    client, app, make_note, user_factory, count_queries
):
    from tests.conftest import login

    users = [user_factory() for _ in range(6)]
    small, big = make_note(), make_note()
    _seed_thread(app, small, users, 1, replies_each=4)
    _seed_thread(app, big, users, 40, replies_each=4)
    login(client, users[0])
    counts = []
    for note in (small, big):
        with app.app_context(), count_queries() as counter:
            assert client.get(f"/kommentare/note/{note.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def _descendants(node):
    return sum(1 + _descendants(r) for r in node.replies)


def test_a_busy_thread_shows_its_first_ten_answers_and_links_to_all(
    client, app, make_note, user_factory, write_comment
):
    note = make_note()
    users = [user_factory(), user_factory()]
    top = write_comment(note, users[0], "Oben")
    for n in range(12):
        write_comment(note, users[1], f"Antwort Nummer {n}", parent=top)
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert (
        html.count("Antwort Nummer") == 10 and "Antwort Nummer 9<" in html and "Antwort Nummer 10" not in html
    )
    assert f'href="/kommentare/{top}#comment-{top}">Show all 12 answers' in html
    assert client.get(f"/kommentare/{top}").get_data(as_text=True).count("Antwort Nummer") == 12


def test_the_section_sums_up_the_stances_taken(client, make_note, user_factory, write_comment):
    note = make_note()
    for stance in ("for", "for", "against", None):
        write_comment(note, user_factory(), "Meinung", stance=stance)
    html = client.get(f"/kommentare/note/{note.id}").get_data(as_text=True)
    assert "4 comments</h2>" in html
    assert "In favour: 2</span>" in html and "Neutral: 0</span>" in html and "Against: 1</span>" in html
    without = make_note(stances=False)
    write_comment(without, user_factory(), "Ohne")
    assert "Stances taken:" not in client.get(f"/kommentare/note/{without.id}").get_data(as_text=True)
