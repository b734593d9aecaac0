import click
from flask.cli import AppGroup
from sqlalchemy import select

from participation.consultations import clusters
from participation.consultations.models import Consultation
from participation.extensions import db

consultations_cli = AppGroup("consultations", help="Consultations.")


@consultations_cli.command("rebuild-clusters")
@click.argument("slug", required=False)
def rebuild_clusters(slug: str | None) -> None:
    """Count the cluster pyramid again (all consultations, or the one of SLUG): after ideas were
    loaded with plain SQL, which announces nothing."""
    query = select(Consultation).order_by(Consultation.id)
    if slug:
        query = query.where(Consultation.slug == slug)
    for consultation in db.session.scalars(query).all():
        cells = clusters.rebuild(consultation)
        db.session.commit()
        click.echo(f"{consultation.slug}: {cells} cells")
