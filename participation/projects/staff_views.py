"""Staff pages: write projects, post updates, add and remove images."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.core import geo, uploads
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.loading import owned_or_404
from participation.core.pagination import paginate
from participation.extensions import db
from participation.projects import maps, queries, services
from participation.projects.blueprint import bp
from participation.projects.forms import ImageForm, ProjectForm, UpdateForm
from participation.projects.models import Project, ProjectImage


def _load(slug: str) -> Project:
    return db.first_or_404(db.select(Project).where(Project.slug == slug))


@bp.get("/staff/projekte")
def manage():
    page = paginate(db.select(Project).order_by(Project.created_at.desc()), per_page=30)
    return render_template("projects/staff/manage.html", page=page)


def _project_form(project: Project | None, from_request: bool = True) -> ProjectForm:
    form = ProjectForm(obj=project) if from_request else ProjectForm(formdata=None, obj=project)
    if project is not None and not (from_request and form.is_submitted()):
        form.milestones.data = services.milestones_text(project)
        form.council_papers.data = "\n".join(project.council_papers or [])
        form.consultations.data = [link.consultation_id for link in project.consultation_links]
        form.district.data = project.district or ""
        form.topic.data = project.topic or ""
        if project.geometry:
            form.kind.data = "polygon" if project.geometry["type"] == "Polygon" else "point"
            form.positions.data = geo.positions_text(project.geometry, geographic=True)
    form.consultations.choices = queries.consultation_choices()
    return form


def _save(form: ProjectForm, project: Project | None) -> Project | None:
    try:
        with db.session.begin_nested():
            return services.save_project(
                project,
                author=current_user,
                title=form.title.data,
                summary=form.summary.data,
                body=form.body.data,
                status=form.status.data,
                district=form.district.data,
                topic=form.topic.data,
                location=services.parse_location(form.kind.data, form.positions.data),
                budget_eur=form.budget_eur.data,
                milestones=services.parse_milestones(form.milestones.data),
                consultation_ids=form.consultations.data or [],
                council_papers=(form.council_papers.data or "").splitlines(),
                contact_name=form.contact_name.data,
                contact_email=form.contact_email.data,
                published=form.published.data,
            )
    except services.ProjectInputError as error:
        getattr(form, error.field).errors = [str(error.message)]
    if project is not None:
        db.session.refresh(project)
    return None


@bp.route("/staff/projekte/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def create():
    form = _project_form(None)
    if form.validate_on_submit():
        project = _save(form, None)
        if project is not None:
            db.session.commit()
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.edit", slug=project.slug))
    return _edit_page(None, form, edit_form=form)


def _edit_page(project: Project | None, form, *, edit_form=None, update_form=None, image_form=None):
    """The staff page of a project; `form` is the one that was sent, if any."""
    return show_form(
        "projects/staff/edit.html",
        form,
        project=project,
        edit_form=edit_form or _project_form(project, from_request=False),
        update_form=update_form or UpdateForm(prefix="update", formdata=None),
        image_form=image_form or ImageForm(formdata=None),
        action_form=ActionForm(formdata=None),
        map=maps.placement_map(project),
    )


@bp.route("/staff/projekte/<slug>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit(slug: str):
    project = _load(slug)
    form = _project_form(project)
    if form.validate_on_submit():
        saved = _save(form, project)
        if saved is not None:
            db.session.commit()
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.edit", slug=saved.slug))
    return _edit_page(project, form, edit_form=form)


@bp.route("/staff/projekte/<slug>/updates", methods=["POST"])
@rerenders_on_csrf_error
def add_update(slug: str):
    project = _load(slug)
    form = UpdateForm(prefix="update")
    if form.validate_on_submit():
        services.add_update(project, current_user, form.title.data, form.body.data)
        db.session.commit()
        flash(_("The update has been published and followers have been told."), "success")
        return redirect(url_for("projects.show", slug=project.slug) + "#updates")
    return _edit_page(project, form, update_form=form)


@bp.route("/staff/projekte/<slug>/bilder", methods=["POST"])
@rerenders_on_csrf_error
def add_image(slug: str):
    project = _load(slug)
    form = ImageForm()
    if form.validate_on_submit():
        if not form.image.data:
            form.image.errors = [_("Please choose an image.")]
        else:
            try:
                with db.session.begin_nested():
                    services.add_image(
                        project, form.image.data.read(), form.description.data, actor=current_user
                    )
            except uploads.UploadError as error:
                form.image.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("The image has been added."), "success")
                return redirect(url_for("projects.edit", slug=project.slug) + "#images")
    return _edit_page(project, form, image_form=form)


@bp.post("/staff/projekte/<slug>/bilder/<int:image_id>/loeschen")
def delete_image(slug: str, image_id: int):
    project = _load(slug)
    image = owned_or_404(ProjectImage, image_id, project_id=project.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_image(image, actor=current_user)
    db.session.commit()
    flash(_("The image has been removed."), "success")
    return redirect(url_for("projects.edit", slug=project.slug) + "#images")
