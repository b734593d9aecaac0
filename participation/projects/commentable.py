"""Projects take part in comments and follows through the registry in core.targets."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from participation.core import targets
from participation.core.targets import TargetType
from participation.extensions import db
from participation.projects.models import Project


def register() -> None:
    """Projects take comments and followers (called by init_app)."""
    targets.register(
        TargetType(
            key="project",
            load=lambda project_id: db.session.get(Project, project_id),
            title=lambda project: project.title,
            url=lambda project: url_for("projects.show", slug=project.slug),
            can_view=lambda project, user: project.can_view(user),
            is_open=lambda project: project.comments_open,
            stances=lambda project: True,
            authors=lambda project: [project.created_by_id],  # who published it hears about comments
            label=_l("project"),
            page=("projects.show", "slug"),
            id_for_slug=lambda slug: db.session.scalar(select(Project.id).where(Project.slug == slug)),
        )
    )
