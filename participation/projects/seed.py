"""Demo city projects from seeds/projects/projects.yaml, with milestones, updates, comment
threads, votes and follows (idempotent: a project whose slug exists is left alone)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from participation.accounts.models import User
from participation.comments.models import Comment, CommentVote
from participation.consultations.models import Consultation
from participation.core import geo
from participation.core.access import Role
from participation.core.models import utcnow
from participation.extensions import db
from participation.notifications.models import Follow, Kind, Notification
from participation.projects.models import Milestone, Project, ProjectConsultation, ProjectUpdate

# The demo resident follows these and finds notifications about them.
FOLLOWED_BY_RESIDENT = ("parkbogen-ost", "umgestaltung-lindenauer-markt")


def seed_projects(seeds_dir: Path) -> dict[str, int]:
    data = yaml.safe_load((seeds_dir / "projects" / "projects.yaml").read_text(encoding="utf-8"))
    password = yaml.safe_load((seeds_dir / "users.yaml").read_text(encoding="utf-8"))["demo_password"]
    people = _people(data["people"], password)
    counts = {"projects": 0, "project_updates": 0, "comments": 0}
    for entry in data["projects"]:
        if db.session.scalar(select(Project.id).where(Project.slug == entry["slug"])) is not None:
            continue
        project = _project(entry, people)
        counts["projects"] += 1
        counts["project_updates"] += len(entry.get("updates", []))
        for comment in entry.get("comments", []):
            counts["comments"] += _comment(
                project, comment, people, parent=None, days_ago=comment["days_ago"]
            )
        _follow_and_notify(project, people)
    db.session.flush()
    return counts


def _people(entries: list[dict], password: str) -> dict[str, User]:
    from participation.accounts import services

    people = {}
    for entry in entries:
        user = db.session.scalar(User.by_email(entry["email"]))
        if user is None:
            user = services.register(
                entry["display_name"], entry["email"], password, locale="de", confirmed=True
            )
        people[entry["email"]] = user
    for user in db.session.scalars(select(User).where(User.email.like("%@example.org"))):
        people.setdefault(user.email, user)
    db.session.flush()
    return people


def _location(entry: dict) -> dict | None:
    if "point" in entry:
        return geo.geometry_from_positions("point", [tuple(entry["point"])], geographic=True)
    if "area" in entry:
        return geo.geometry_from_positions("polygon", [tuple(p) for p in entry["area"]], geographic=True)
    return None


def _project(entry: dict, people: dict[str, User]) -> Project:
    staff = people.get("staff@example.org")
    now = utcnow()
    published_at = now - timedelta(days=max([u["days_ago"] for u in entry.get("updates", [])] + [30]) + 10)
    project = Project(
        slug=entry["slug"],
        title=entry["title"],
        summary=entry["summary"].strip(),
        body=entry["body"].strip(),
        status=entry["status"],
        district=entry.get("district"),
        topic=entry.get("topic"),
        budget_eur=entry.get("budget_eur"),
        contact_name=entry.get("contact_name"),
        contact_email=entry.get("contact_email"),
        council_papers=list(entry.get("council_papers", [])),
        published=True,
        published_at=published_at,
        created_at=published_at,
        created_by_id=staff.id if staff else None,
    )
    project.set_geometry(_location(entry))
    project.milestones = [
        Milestone(due=due if isinstance(due, date) else date.fromisoformat(due), title=title, done=done)
        for due, title, done in entry.get("milestones", [])
    ]
    db.session.add(project)
    db.session.flush()
    for slug in entry.get("consultations", []):
        consultation_id = db.session.scalar(select(Consultation.id).where(Consultation.slug == slug))
        if consultation_id is not None:  # demo consultations may be left out
            db.session.add(ProjectConsultation(project_id=project.id, consultation_id=consultation_id))
    for update in entry.get("updates", []):
        db.session.add(
            ProjectUpdate(
                project_id=project.id,
                title=update["title"],
                body=update["body"],
                author_id=staff.id if staff else None,
                created_at=now - timedelta(days=update["days_ago"]),
            )
        )
    return project


def _comment(
    project: Project, entry: dict, people: dict[str, User], parent: Comment | None, days_ago: float
) -> int:
    author = people[entry["author"]]
    created = utcnow() - timedelta(days=days_ago)
    comment = Comment(
        target_type="project",
        target_id=project.id,
        author_id=author.id,
        parent_id=parent.id if parent else None,
        root_id=(parent.root_id or parent.id) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        stance=entry.get("stance") if parent is None else None,
        is_official=author.role in (Role.STAFF.value, Role.ADMIN.value),
        created_at=created,
        updated_at=created,
    )
    comment.set_body(entry["body"].strip())
    db.session.add(comment)
    db.session.flush()
    votes = entry.get("votes", {})
    for value, key in ((1, "up"), (-1, "down")):
        for email in votes.get(key, []):
            db.session.add(CommentVote(comment_id=comment.id, user_id=people[email].id, value=value))
    written = 1
    for number, reply in enumerate(entry.get("replies", []), start=1):
        written += _comment(project, reply, people, comment, max(days_ago - 0.2 * number, 0.01))
    return written


def _follow_and_notify(project: Project, people: dict[str, User]) -> None:
    resident = people.get("resident@example.org")
    if resident is None or project.slug not in FOLLOWED_BY_RESIDENT:
        return
    db.session.add(Follow(user_id=resident.id, target_type="project", target_id=project.id))
    latest = db.session.scalar(
        select(ProjectUpdate)
        .where(ProjectUpdate.project_id == project.id)
        .order_by(ProjectUpdate.created_at.desc())
        .limit(1)
    )
    if latest is not None:
        staff = people.get("staff@example.org")
        db.session.add(
            Notification(
                user_id=resident.id,
                kind=Kind.UPDATE.value,
                target_type="project",
                target_id=project.id,
                actor_id=staff.id if staff else None,
                actor_name=staff.public_name if staff else None,
                title=project.title,
                link=f"/projekte/{project.slug}",
                excerpt=f"{latest.title}: {latest.body}"[:300],
                created_at=latest.created_at,
            )
        )
