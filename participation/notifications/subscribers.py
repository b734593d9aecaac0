"""Notifications listen to what features announce (core.events), after it is committed.

The feature that owns an event declares it; here the notifications decide who hears about
it. Each handler is a background job (core/jobs.py): one job per event, run by the worker in
its own transaction, which the job commits. A job may run twice; the event's id, kept on each
notification, makes the second run notify nobody again.
"""

from __future__ import annotations

from flask import Flask

from participation.accounts.models import User
from participation.core import events, jobs, targets
from participation.core.content import Visibility
from participation.extensions import db
from participation.notifications import services
from participation.notifications.models import Kind


def _actor(event: events.Event) -> User | None:
    return db.session.get(User, event.actor_id) if event.actor_id is not None else None


def comment_created(event: events.Event) -> None:
    from participation.comments.models import Comment

    target = targets.resolve(event["target_type"], event["target_id"])
    comment = db.session.get(Comment, event.subject_id)
    if target is None or comment is None or comment.visibility == Visibility.DELETED.value:
        return  # withdrawn before the job ran: nobody needs to hear of it
    parent = db.session.get(Comment, event["parent_id"]) if event["parent_id"] is not None else None
    services.comment_written(target, comment, parent, event_id=event.id)


def comment_deleted(event: events.Event) -> None:
    services.comment_withdrawn(event.subject_id)


def idea_answered(event: events.Event) -> None:
    from participation.consultations.models import Idea

    idea = db.session.get(Idea, event.subject_id)
    if idea is None:
        return
    services.target_event(  # the author had a mail of their own from the consultation
        "idea",
        idea.id,
        Kind.RESPONSE if event["answered"] else Kind.STATUS,
        actor=_actor(event),
        excerpt=idea.response or str(idea.status_label),
        already_mailed={event["author_id"]} - {None},
        event_id=event.id,
    )


def project_status_changed(event: events.Event) -> None:
    from participation.projects.models import STATUS_LABELS, ProjectStatus

    services.target_event(
        "project",
        event.subject_id,
        Kind.STATUS,
        actor=_actor(event),
        excerpt=str(STATUS_LABELS[ProjectStatus(event["status"])]),
        event_id=event.id,
    )


def project_updated(event: events.Event) -> None:
    from participation.projects.models import ProjectUpdate

    update = db.session.get(ProjectUpdate, event["update_id"])
    if not event["published"] or update is None:
        return
    excerpt = f"{update.title}: {update.body}"
    services.target_event(
        "project", event.subject_id, Kind.UPDATE, actor=_actor(event), excerpt=excerpt, event_id=event.id
    )


def init_app(app: Flask) -> None:
    # The owners declared these kinds in their init_app, which create_app calls first.
    from participation.comments import services as comments
    from participation.consultations import services as consultations
    from participation.notifications import council, moderation, petitions
    from participation.projects import services as projects

    jobs.subscribe(comments.COMMENT_CREATED, comment_created)
    jobs.subscribe(comments.COMMENT_DELETED, comment_deleted)
    jobs.subscribe(consultations.IDEA_ANSWERED, idea_answered)
    jobs.subscribe(projects.PROJECT_STATUS_CHANGED, project_status_changed)
    jobs.subscribe(projects.PROJECT_UPDATED, project_updated)
    petitions.init_app()
    council.init_app()
    moderation.init_app()
