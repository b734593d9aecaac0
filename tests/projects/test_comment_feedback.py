"""A comment answered on a project's page, without JavaScript: back on that page, at the answer."""

import re

from sqlalchemy import select

from participation.comments import services as comments
from participation.comments.models import Comment
from participation.core import targets
from participation.extensions import db
from tests.conftest import csrf_token, login


def test_a_reply_lands_on_the_project_page_at_the_reply_with_a_message(
    client, app, make_project, user_factory
):
    project = make_project("Parkbogen Ost")
    with app.test_request_context():
        asker = db.session.merge(user_factory())
        top = comments.add_comment(targets.resolve("project", project.id), asker, "Wann geht es los?", None)
        db.session.commit()
        top_id = top.id
    login(client, user_factory())
    page_url = f"/projekte/{project.slug}"
    response = client.post(
        f"/kommentare/{top_id}/antworten", data={"csrf_token": csrf_token(client, page_url), "body": "Bald."}
    )
    with app.app_context():
        reply = db.session.scalar(select(Comment.id).where(Comment.parent_id == top_id))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{page_url}#comment-{reply}"
    html = client.get(page_url).get_data(as_text=True)
    assert re.search(
        rf'id="comment-{reply}"[^>]*>\s*'
        r'<p class="flash flash-success comment-news">Your answer has been published.</p>',
        html,
    )
    assert '<p class="flash flash-success">Your answer has been published.</p>' in html  # the live region
