"""Public project pages: the list with filters and map, a project, and Atom feeds."""

from __future__ import annotations

from datetime import UTC

from flask import abort, make_response, render_template, request
from flask_login import current_user

from participation.comments import COMMENTS_VERSION_GROUP
from participation.consultations import VERSION_GROUP as CONSULTATIONS_VERSION_GROUP
from participation.core import data_versions
from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.maps import kept
from participation.core.models import utcnow
from participation.core.pagination import paginate
from participation.core.urls import external_url
from participation.core.viewer_pages import cached_for_viewers
from participation.council.page_cache import GROUP as COUNCIL_VERSION_GROUP
from participation.extensions import db
from participation.projects import VERSION_GROUP, maps, queries
from participation.projects.blueprint import bp
from participation.projects.models import DISTRICTS, STATUS_LABELS, TOPICS, Project

# what a project's page shows: its consultations, council papers and comments
SHOW_GROUPS = (VERSION_GROUP, CONSULTATIONS_VERSION_GROUP, COUNCIL_VERSION_GROUP, COMMENTS_VERSION_GROUP)


def latest_project_updates(limit: int = 5):
    """For the home page: the newest updates of published projects."""
    return queries.latest_updates(limit)


def atom_date(value) -> str:
    """RFC 3339 in UTC, as Atom wants it; now for an empty feed."""
    return (value or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_project(slug: str) -> Project:
    project = db.first_or_404(db.select(Project).where(Project.slug == slug))
    if not project.can_view(current_user):
        abort(404)  # unpublished projects do not exist for the public
    return project


@bp.get("/projekte")
@cached_for_anonymous([VERSION_GROUP, COMMENTS_VERSION_GROUP], args=("page", "status", "district", "topic"))
@cached_for_viewers([VERSION_GROUP, COMMENTS_VERSION_GROUP], args=("page", "status", "district", "topic"))
def index():
    filters = queries.ProjectFilters.from_args(request.args)
    page = paginate(queries.filtered(filters), per_page=20)
    located = queries.located(filters)
    from participation.comments.queries import counts_for

    ids = sorted(p.id for p in page.items)
    counts = data_versions.remembered(
        [COMMENTS_VERSION_GROUP], f"project-comment-counts:{ids}", lambda: counts_for("project", ids)
    )
    overview = kept(
        f"projects-overview:{sorted(filters.as_args().items())}",
        [VERSION_GROUP],
        lambda: maps.overview_map(located),
    )
    return render_template(
        "projects/index.html",
        page=page,
        filters=filters,
        counts=counts,
        map=overview,
        markers=maps.markers(located),
        status_labels=STATUS_LABELS,
        districts=DISTRICTS,
        topics=TOPICS,
    )


@bp.get("/projekte/<slug>")
@cached_for_anonymous(SHOW_GROUPS)
@cached_for_viewers(SHOW_GROUPS)
def show(slug: str):
    project = load_project(slug)
    return render_template(
        "projects/show.html",
        project=project,
        updates=list(db.session.scalars(queries.updates_of(project.id))),
        consultations=queries.related_consultations(project),
        map=maps.project_map(project),
    )


def _atom(template: str, **context):
    # feeds are read by other programs from a cache: their links come from BASE_URL, not the Host header
    response = make_response(render_template(template, external_url=external_url, **context))
    response.mimetype = "application/atom+xml"
    return response


@bp.get("/projekte/neu.atom")
def feed_projects():
    return _atom(
        "projects/projects.atom.xml",
        projects=queries.newest_projects(),
        self_url=external_url("projects.feed_projects"),
    )


@bp.get("/projekte/updates.atom")
def feed_updates():
    return _atom(
        "projects/updates.atom.xml",
        items=queries.latest_updates(50),
        project=None,
        self_url=external_url("projects.feed_updates"),
    )


@bp.get("/projekte/<slug>/updates.atom")
def project_feed(slug: str):
    project = load_project(slug)
    items = [(u, project) for u in db.session.scalars(queries.updates_of(project.id, 50))]
    return _atom(
        "projects/updates.atom.xml",
        items=items,
        project=project,
        self_url=external_url("projects.project_feed", slug=slug),
    )
