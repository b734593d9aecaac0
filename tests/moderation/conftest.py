"""A project with a comment to report, and helpers to report and decide through the pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from participation.comments import services as comments
from participation.comments.models import Comment
from participation.core import targets
from participation.extensions import db
from participation.moderation.models import ModerationCase
from participation.projects import services as projects
from tests.conftest import csrf_token, login


@dataclass(frozen=True)
class Posted:
    project_path: str
    comment_id: int
    author_id: int
    author_email: str


@pytest.fixture
def posted(app, user_factory) -> Posted:
    """A published project with one comment by a resident."""
    author = user_factory(name="Jana Krüger")
    with app.test_request_context():
        staff = db.session.merge(user_factory(role="staff"))
        project = projects.save_project(
            None,
            author=staff,
            title="Radweg Jahnallee",
            summary="Ein sicherer Radweg.",
            body="Text.",
            status="in_planning",
            district="Alt-West",
            topic="mobility",
            location={"type": "Point", "coordinates": [12.355, 51.343]},
            budget_eur=10_000,
            published=True,
            milestones=[],
            consultation_ids=[],
            council_papers=[],
            contact_name=None,
            contact_email=None,
        )
        comment = comments.add_comment(
            targets.resolve("project", project.id),
            db.session.merge(author),
            "Ihr seid alle Idioten, ehrlich.",
        )
        db.session.commit()
        return Posted(f"/projekte/{project.slug}", comment.id, author.id, author.email)


def report_form(reason: str = "insult", **extra) -> dict:
    return {"reason": reason, "explanation": "Das ist eine Beleidigung anderer Menschen.", **extra}


def send_report(client, comment_id: int, **data):
    url = f"/melden/comment/{comment_id}"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **report_form(**data)})


def the_case(app, comment_id: int) -> ModerationCase | None:
    with app.app_context():
        return db.session.scalar(
            select(ModerationCase).where(
                ModerationCase.target_type == "comment", ModerationCase.target_id == comment_id
            )
        )


def comment_state(app, comment_id: int) -> tuple[str, str | None]:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.visibility, comment.hidden_reason


def decide(client, case_id: int, **data):
    url = f"/moderation/faelle/{case_id}"
    form = {
        "action": "hide",
        "reason_category": "insult",
        "rule": "Nutzungsbedingungen § 4 (keine Beleidigungen)",
        "facts": "Der Kommentar beschimpft andere Teilnehmende.",
        **data,
    }
    return client.post(url, data={"csrf_token": csrf_token(client, url), **form})


def signed_in(app, user_factory, role="resident", **options):
    client = app.test_client()
    user = user_factory(role=role, **options)
    login(client, user)
    return client, user
