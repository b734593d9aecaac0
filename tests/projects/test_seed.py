from sqlalchemy import func, select

from participation.comments.models import Comment
from participation.extensions import db
from participation.projects.models import Project, ProjectUpdate


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_projects_with_milestones_updates_and_threads_load_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        first = (_count(Project), _count(ProjectUpdate), _count(Comment))
        projects = list(db.session.scalars(select(Project)))
        assert len(projects) >= 6
        assert all(p.milestones and p.published and p.geometry for p in projects)
        assert {"Umgestaltung Lindenauer Markt", "Parkbogen Ost", "Spielplatz Rabet"} <= {
            p.title for p in projects
        }
        radweg = next(p for p in projects if p.slug == "radweg-karl-heine-strasse")
        assert len(radweg.consultation_links) == 1  # the demo consultation in Plagwitz
        assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.depth == 2)) >= 2
        assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.is_official)) >= 3
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        assert (_count(Project), _count(ProjectUpdate), _count(Comment)) == first
