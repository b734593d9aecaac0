"""Writes for projects, milestones, images and updates. Services flush; views commit."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from participation.core import audit, events, geo, slugs, uploads
from participation.core.models import utcnow
from participation.extensions import db
from participation.projects.models import (
    Milestone,
    Project,
    ProjectConsultation,
    ProjectImage,
    ProjectStatus,
    ProjectUpdate,
)

PROJECT_SAVED = "project.saved"
PROJECT_STATUS_CHANGED = "project.status_changed"
PROJECT_UPDATED = "project.updated"
EVENTS = {  # declared by init_app
    PROJECT_SAVED: "staff created or edited a project",
    PROJECT_STATUS_CHANGED: "a published project has a new status; payload: status",
    PROJECT_UPDATED: "a project posted an update; payload: update_id, published (the project)",
}


# What the audit log keeps of a project: small fields as they are, the location only as its
# bounding box, the milestones as "date | title | done" lines, and of the long texts only that
# they changed.
AUDITED_FIELDS = (
    "title", "status", "district", "topic", "budget_eur", "published", "council_papers", "contact_name",
    "contact_email", "consultation_ids", "milestones", "location_bbox",
)
AUDITED_TEXTS = ("summary", "body")


def _audit_snapshot(project: Project | None) -> dict:
    if project is None:
        return {}
    values = {field: getattr(project, field) for field in (*AUDITED_FIELDS[:-3], *AUDITED_TEXTS)}
    values["council_papers"] = list(project.council_papers or [])
    values["consultation_ids"] = sorted(link.consultation_id for link in project.consultation_links)
    values["milestones"] = sorted(milestones_text(project).splitlines())
    values["location_bbox"] = project.bounds.as_list() if project.bounds else None
    return values



class ProjectInputError(ValueError):
    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def parse_milestones(text: str) -> list[tuple[date, str, bool]]:
    """ "2026-03-01 | Baubeginn | done" per line -> (date, title, done)."""
    result = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        try:
            due = date.fromisoformat(parts[0])
        except ValueError as error:
            raise ProjectInputError(
                "milestones", _l("Line %(line)d: please start with a date like 2026-03-01.", line=number)
            ) from error
        if len(parts) < 2 or not parts[1]:
            raise ProjectInputError(
                "milestones", _l("Line %(line)d: the milestone needs a title.", line=number)
            )
        if len(parts) > 3 or (len(parts) == 3 and parts[2].lower() not in ("", "done", "erledigt")):
            raise ProjectInputError(
                "milestones", _l("Line %(line)d: please write date | title | done.", line=number)
            )
        result.append((due, parts[1][:200], len(parts) == 3 and parts[2].lower() in ("done", "erledigt")))
    return result


def milestones_text(project: Project) -> str:
    return "\n".join(
        f"{m.due.isoformat()} | {m.title}" + (" | done" if m.done else "") for m in project.milestones
    )


def parse_location(kind: str, positions_text: str) -> dict | None:
    try:
        positions = geo.parse_positions(positions_text)
        if not positions:
            return None
        return geo.geometry_from_positions(kind, positions, geographic=True)
    except geo.GeometryError as error:
        raise ProjectInputError("positions", error.message) from error


def save_project(
    project: Project | None,
    *,
    author,
    title: str,
    summary: str,
    body: str,
    status: str,
    district: str | None,
    topic: str | None,
    location: dict | None,
    budget_eur: int | None,
    milestones: list[tuple[date, str, bool]],
    consultation_ids: list[int],
    council_papers: list[str],
    contact_name: str | None,
    contact_email: str | None,
    published: bool,
) -> Project:
    """Create or update a project; a new status tells its followers."""
    old_status = project.status if project is not None else None
    created, snapshot = project is None, _audit_snapshot(project)
    if project is None:
        project = Project(slug=slugs.unique_slug(Project, title, fallback="projekt"), created_by_id=author.id)
        db.session.add(project)
    project.title = title.strip()
    project.summary = (summary or "").strip()
    project.body = (body or "").strip()
    project.status = ProjectStatus(status).value
    project.district = district or None
    project.topic = topic or None
    project.set_geometry(location)
    project.budget_eur = budget_eur
    project.council_papers = [p.strip() for p in council_papers if p.strip()][:20]
    project.contact_name = (contact_name or "").strip() or None
    project.contact_email = (contact_email or "").strip() or None
    if published and not project.published:
        project.published_at = utcnow()
    project.published = published
    project.milestones = [Milestone(due=d, title=t, done=done) for d, t, done in milestones]
    project.consultation_links = [
        ProjectConsultation(consultation_id=i) for i in dict.fromkeys(consultation_ids)
    ]
    db.session.flush()
    before, after = audit.changes(snapshot, _audit_snapshot(project), AUDITED_FIELDS, AUDITED_TEXTS)
    if created:
        audit.record(author, "project.created", "project", project.id, after=after)
    else:  # also a save that changed nothing: staff saved the form
        audit.record(author, "project.updated", "project", project.id, before=before, after=after)
    events.emit(PROJECT_SAVED, actor=author, subject=project)
    if old_status is not None and old_status != project.status and project.published:
        events.emit(PROJECT_STATUS_CHANGED, actor=author, subject=project, status=project.status)
    return project


def add_update(project: Project, author, title: str, body: str) -> ProjectUpdate:
    update = ProjectUpdate(project=project, author_id=author.id, title=title.strip(), body=body.strip())
    db.session.add(update)
    db.session.flush()
    audit.record(
        author, "project.update_added", "project", project.id,
        after={"update_id": update.id, "title": update.title},
    )
    events.emit(
        PROJECT_UPDATED, actor=author, subject=project, update_id=update.id, published=project.published
    )
    return update


def add_image(project: Project, data: bytes, description: str, *, actor=None) -> ProjectImage:
    stored = uploads.store_image(data, f"projects/{project.id}", thumbnail_side=640)
    image = ProjectImage(
        project=project,
        key=stored.key,
        thumbnail_key=stored.thumbnail_key,
        description=description.strip(),
        position=len(project.images),
    )
    db.session.add(image)
    db.session.flush()
    audit.record(
        actor, "project.image_added", "project", project.id,
        after={"image_id": image.id, "description": image.description},
    )
    return image


def delete_image(image: ProjectImage, *, actor=None) -> None:
    audit.record(
        actor, "project.image_deleted", "project", image.project_id,
        before={"image_id": image.id, "description": image.description},
    )
    keys = [k for k in (image.key, image.thumbnail_key) if k]
    db.session.delete(image)
    db.session.flush()
    for key in keys:
        uploads.storage().delete(key)
