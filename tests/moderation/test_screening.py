"""Pre-moderation where staff switch it on, and the automated checks (watch words in every
language, many links) that put new posts into the queue while they stay visible."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.comments.models import Comment
from participation.extensions import db
from participation.moderation.models import ModerationCase
from tests.conftest import csrf_token
from tests.consultations.conftest import make_consultation, make_idea  # noqa: F401 (fixtures)
from tests.moderation.conftest import decide, signed_in

SETTINGS = "/moderation/einstellungen"


def post_comment(client, project_path: str, body: str):
    page = client.get(project_path).get_data(as_text=True)
    project_id = int(page.split('action="/kommentare/project/', 1)[1].split('"', 1)[0])
    url = f"/kommentare/project/{project_id}"
    return client.post(url, data={"csrf_token": csrf_token(client, project_path), "body": body})


def newest_comment(app) -> Comment:
    with app.app_context():
        return db.session.scalar(select(Comment).order_by(Comment.id.desc()))


def case_of(app, comment_id: int) -> ModerationCase | None:
    with app.app_context():
        return db.session.scalar(
            select(ModerationCase).where(
                ModerationCase.target_type == "comment", ModerationCase.target_id == comment_id
            )
        )


def staff_post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, SETTINGS), **data})


@pytest.fixture
def staff(app, user_factory):
    return signed_in(app, user_factory, role="staff")[0]


def test_comments_on_a_premoderated_project_wait_for_approval(app, user_factory, posted, staff):
    switched = staff_post(
        staff, f"{SETTINGS}/vormoderation", page_url=f"http://localhost{posted.project_path}"
    )
    assert switched.status_code == 302
    assert "Radweg Jahnallee" in staff.get(SETTINGS).get_data(as_text=True)
    author, _ = signed_in(app, user_factory)
    answer = post_comment(author, posted.project_path, "Bitte mit Tempo 30 vor der Schule.")
    comment = newest_comment(app)
    assert comment.visibility == "pending"
    landing = author.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Bitte mit Tempo 30 vor der Schule." in landing  # its author sees it, marked as waiting
    assert "Wartet auf Moderation" in landing
    assert "Bitte mit Tempo 30" not in app.test_client().get(posted.project_path).get_data(as_text=True)
    assert "Bitte mit Tempo 30" not in app.test_client().get(f"/kommentare/{comment.id}").get_data(
        as_text=True
    )
    case = case_of(app, comment.id)
    assert case is not None and case.origin == "pre_moderation" and case.state == "open"
    moderator = signed_in(app, user_factory, role="moderator")[0]
    assert "Bitte mit Tempo 30" in moderator.get("/moderation/").get_data(as_text=True)
    assert (
        decide(moderator, case.id, action="dismiss", reason_category="").status_code == 422
    )  # approve or hide
    assert (
        decide(moderator, case.id, action="approve", reason_category="", facts="Sachlich.").status_code == 302
    )
    assert "Bitte mit Tempo 30" in app.test_client().get(posted.project_path).get_data(as_text=True)


def test_switching_off_lets_new_comments_appear_at_once(app, user_factory, posted, staff):
    staff_post(staff, f"{SETTINGS}/vormoderation", page_url=posted.project_path)
    page = staff.get(SETTINGS).get_data(as_text=True)
    place_id = int(page.split("/vormoderation/", 1)[1].split("/aus", 1)[0])
    assert staff_post(staff, f"{SETTINGS}/vormoderation/{place_id}/aus").status_code == 302
    author, _ = signed_in(app, user_factory)
    post_comment(author, posted.project_path, "Jetzt sofort sichtbar.")
    assert newest_comment(app).visibility == "visible"


def test_a_wrong_address_is_refused_and_kept(staff):
    response = staff_post(staff, f"{SETTINGS}/vormoderation", page_url="https://example.com/irgendwas")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "https://example.com/irgendwas" in body  # nothing typed is lost
    assert 'aria-invalid="true"' in body or "error-summary" in body


def test_watch_words_put_a_new_comment_into_the_queue_but_leave_it_visible(app, user_factory, posted, staff):
    saved = staff_post(staff, f"{SETTINGS}/woerter", words_de="Vollidiot\nLügenpresse", words_en="moron")
    assert saved.status_code == 302
    assert "lügenpresse" in staff.get(SETTINGS).get_data(as_text=True)  # kept in lower case
    author, _ = signed_in(app, user_factory)
    post_comment(author, posted.project_path, "Nur ein MORON plant so eine Kreuzung.")
    flagged = newest_comment(app)
    assert flagged.visibility == "visible"
    case = case_of(app, flagged.id)
    assert case.origin == "automated" and "moron" in case.flag_reason
    post_comment(author, posted.project_path, "Eine sachliche Frage zur Ampelschaltung.")
    assert case_of(app, newest_comment(app).id) is None  # nothing found, nothing queued
    moderator = signed_in(app, user_factory, role="moderator")[0]
    decide(moderator, case.id, facts="Beleidigend.")
    with app.app_context():
        from participation.moderation.models import Decision

        assert db.session.scalar(select(Decision).where(Decision.case_id == case.id)).automated


def test_many_links_put_a_new_comment_into_the_queue(app, user_factory, posted):
    author, _ = signed_in(app, user_factory)
    links = " ".join(f"https://billig-{n}.example.com/angebot" for n in range(4))
    post_comment(author, posted.project_path, f"Super Angebote: {links}")
    case = case_of(app, newest_comment(app).id)
    assert case is not None and case.flag_reason == "links:4"


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_only_staff_change_the_settings(app, user_factory, role):
    client = signed_in(app, user_factory, role=role)[0]
    assert client.get(SETTINGS).status_code == 403


def test_a_premoderated_consultation_holds_back_new_ideas_and_comments_on_its_ideas(
    app, user_factory, staff, make_consultation, make_idea  # noqa: F811 (the imported fixtures)
):
    consultation = make_consultation()
    idea = make_idea(consultation)
    assert (
        staff_post(
            staff, f"{SETTINGS}/vormoderation", page_url=f"/beteiligung/{consultation.slug}"
        ).status_code
        == 302
    )
    resident = user_factory()
    with app.test_request_context():
        from participation.comments import services as comments
        from participation.consultations import services as consultations
        from participation.core import targets

        author = db.session.merge(resident)
        new_idea = consultations.save_idea(
            None,
            db.session.merge(consultation),
            author=author,
            title="Sitzbänke am Karl-Heine-Kanal",
            body="Bitte mehr Bänke am Ufer.",
            category=None,
            geometry={"type": "Point", "coordinates": [12.325, 51.330]},
            photo=None,
            photo_description=None,
        )
        comment = comments.add_comment(targets.resolve("idea", idea.id), author, "Gute Idee, ich bin dafür.")
        db.session.commit()
        assert (new_idea.visibility, comment.visibility) == ("pending", "pending")
        new_idea_id = new_idea.id
    assert app.test_client().get(f"/beteiligung/{consultation.slug}/ideen/{new_idea_id}").status_code == 404
    page = signed_in(app, user_factory, role="moderator")[0].get("/moderation/").get_data(as_text=True)
    assert "Sitzbänke am Karl-Heine-Kanal" in page and "Gute Idee, ich bin dafür." in page
