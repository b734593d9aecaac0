"""Public and resident pages: consultations, the map, ideas, supports and exports."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from participation.comments import COMMENTS_VERSION_GROUP
from participation.consultations import VERSION_GROUP, exports, maps, queries, rules, services
from participation.consultations.blueprint import bp
from participation.consultations.forms import AnswerForm, IdeaForm
from participation.consultations.models import (
    IDEA_STATUS_LABELS,
    Consultation,
    Idea,
    IdeaStatus,
    State,
)
from participation.core import audit, data_versions, geo, uploads, viewer_pages
from participation.core.access import Role
from participation.core.anonymous_pages import cached_for_anonymous
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, choices, show_form
from participation.core.htmx import render_page_or_fragment
from participation.core.loading import owned_or_404
from participation.core.pagination import paginate, paginate_counted
from participation.core.viewer_pages import cached_for_viewers
from participation.extensions import db, limiter


def open_consultations(limit: int = 5) -> list[Consultation]:
    """For the home page: the newest consultations that accept ideas."""
    return list(db.session.scalars(Consultation.open_ones().limit(limit)))


def load_consultation(slug: str) -> Consultation:
    consultation = db.first_or_404(db.select(Consultation).where(Consultation.slug == slug))
    if not consultation.can_view(current_user):
        abort(404)  # drafts do not exist for the public
    return consultation


def load_idea(consultation: Consultation, idea_id: int) -> Idea:
    idea = owned_or_404(Idea, idea_id, consultation_id=consultation.id)
    if not idea.can_view(current_user):
        abort(404)
    return idea


@bp.get("/beteiligung")
@cached_for_anonymous([VERSION_GROUP], args=("page",))
@cached_for_viewers([VERSION_GROUP], args=("page",))
def index():
    page = paginate(
        Consultation.public().order_by(
            Consultation.state == State.EVALUATED.value, Consultation.created_at.desc()
        ),
        per_page=20,
    )
    ids = sorted(c.id for c in page.items)
    counts = data_versions.remembered(
        [VERSION_GROUP], f"idea-counts:{ids}", lambda: queries.consultation_idea_counts(ids)
    )
    return render_template("consultations/index.html", page=page, counts=counts)


@bp.get("/beteiligung/<slug>")
@cached_for_anonymous([VERSION_GROUP, COMMENTS_VERSION_GROUP], args=("page", "order", "category", "status"))
@cached_for_viewers([VERSION_GROUP, COMMENTS_VERSION_GROUP], args=("page", "order", "category", "status"))
def show(slug: str):
    consultation = load_consultation(slug)
    filters = queries.IdeaFilters.from_args(request.args)
    filters.bbox = None  # the list shows the whole area; the map asks the API by bbox
    order = request.args.get("order") if request.args.get("order") in queries.LIST_ORDERS else "newest"
    listed = queries.filtered_ideas(consultation, filters)
    total = data_versions.remembered(  # a count over every visible idea, the same for all
        [VERSION_GROUP],
        f"idea-total:{consultation.id}:{sorted(filters.category_ids)}:{sorted(filters.statuses)}",
        lambda: db.session.scalar(select(func.count()).select_from(listed.order_by(None).subquery())),
    )
    page = paginate_counted(queries.in_list_order(listed, order), total, per_page=20)
    ids = [idea.id for idea in page.items]
    return render_template(
        "consultations/show.html",
        consultation=consultation,
        page=page,
        filters=filters,
        order=order,
        counts=queries.support_counts(ids),
        supported=queries.supported_by(current_user, ids),
        status_labels=IDEA_STATUS_LABELS,
        map=maps.consultation_map(consultation),
        api_url=url_for("consultations_api.ideas", slug=consultation.slug, **filters.as_args()),
    )


@bp.get("/beteiligung/<slug>/ideen/<int:idea_id>")
@cached_for_anonymous([VERSION_GROUP, COMMENTS_VERSION_GROUP])
@cached_for_viewers([VERSION_GROUP, COMMENTS_VERSION_GROUP])
def idea(slug: str, idea_id: int):
    consultation = load_consultation(slug)
    idea = load_idea(consultation, idea_id)
    viewer_pages.owned_by(idea.author_id)  # its author may edit it, and not support it
    answer_form = None
    if idea.can_answer(current_user):
        answer_form = AnswerForm(status=idea.status, response=idea.response)
    return render_template(
        "consultations/idea.html",
        consultation=consultation,
        answer_form=answer_form,
        map=maps.idea_map(consultation, idea),
        **_supports_context(idea),
    )


def supported_choices(choices: list[tuple]) -> list[str]:
    """Whether the viewer supports each idea of a kept page (core.viewer_pages), in one query."""
    supported = queries.supported_by(current_user, [idea_id for idea_id, in choices])
    return ["yes" if idea_id in supported else "no" for idea_id, in choices]


def _supports_context(idea: Idea) -> dict:
    return {
        "support_count": queries.support_count(idea.id),
        "supported": idea.id in queries.supported_by(current_user, [idea.id]),
        # only for who may support: making the form puts a CSRF token in the session, and a
        # visitor's page with none is the same for all of them (core.anonymous_pages)
        "support_form": ActionForm() if idea.can_support(current_user) else None,
        "idea": idea,
    }


@bp.route("/beteiligung/<slug>/ideen/neu", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@rerenders_on_csrf_error
def new_idea(slug: str):
    consultation = load_consultation(slug)
    if not consultation.can_add_idea(current_user):
        abort(403)
    form = _idea_form(consultation)
    if form.validate_on_submit():
        saved = _save_idea_from(form, consultation, None)
        if saved is not None:
            db.session.commit()
            if saved.is_visible:
                flash(_("Thank you. Your idea has been published."), "success")
            else:
                flash(_("Thank you. Your idea waits for approval by the moderation."), "success")
            return redirect(url_for("consultations.idea", slug=slug, idea_id=saved.id))
    return show_form(
        "consultations/idea_form.html",
        form,
        consultation=consultation,
        idea=None,
        map=maps.placement_map(consultation),
    )


@bp.route("/beteiligung/<slug>/ideen/<int:idea_id>/bearbeiten", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit_idea(slug: str, idea_id: int):
    consultation = load_consultation(slug)
    idea = load_idea(consultation, idea_id)
    if not idea.can_edit(current_user):
        abort(403)
    form = _idea_form(consultation, idea)
    if form.validate_on_submit():
        saved = _save_idea_from(form, consultation, idea)
        if saved is not None:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("consultations.idea", slug=slug, idea_id=idea.id))
    return show_form(
        "consultations/idea_form.html",
        form,
        consultation=consultation,
        idea=idea,
        map=maps.placement_map(consultation),
    )


def _idea_form(consultation: Consultation, idea: Idea | None = None) -> IdeaForm:
    form = IdeaForm(obj=None)
    if idea is not None and not form.is_submitted():
        form.title.data, form.body.data = idea.title, idea.body
        form.category.data = str(idea.category_id or "")
        form.kind.data = idea.kind
        form.positions.data = geo.positions_text(idea.geometry, geographic=not consultation.is_plan)
        form.photo_description.data = idea.photo_description
    form.category.choices = choices(
        [("", _("No category"))] + [(c.id, c.name) for c in consultation.categories]
    )
    form.kind.choices = [c for c in form.kind.choices if c.value in consultation.allowed_kinds]
    if form.kind.data not in consultation.allowed_kinds:
        form.kind.data = consultation.allowed_kinds[0]
    if consultation.is_plan:
        form.positions.description = _(
            "One point per line: x, y in pixels of the plan, counted from its "
            "lower left corner. Or click on the plan."
        )
    else:
        form.positions.description = _(
            "One point per line: latitude, longitude, for example 51.3300, 12.3400. "
            "Or click on the map, or move the map and press “Add the map centre”."
        )
    return form


def _save_idea_from(form: IdeaForm, consultation: Consultation, idea: Idea | None) -> Idea | None:
    """Save, or put the reason on the form and write nothing."""
    # one byte more than allowed is enough to refuse a photo as too large
    photo = form.photo.data.read(uploads.PHOTO_MAX_BYTES + 1) if form.photo.data else None
    try:
        with db.session.begin_nested():
            return services.save_idea(
                idea,
                consultation,
                author=current_user,
                title=form.title.data,
                body=form.body.data,
                # checked in this order: the category, then the shape, then the photo
                category=rules.chosen_category(consultation, form.category.data),
                geometry=rules.idea_geometry(consultation, form.kind.data, form.positions.data),
                photo=photo,
                photo_description=form.photo_description.data,
                remove_photo=form.remove_photo.data,
            )
    except rules.ConsultationRuleError as refused:
        refused.put_on(form)
    if idea is not None:
        db.session.refresh(idea)
    return None


# Supporting and withdrawing are two actions, each idempotent: a double click, a second tab
# or a repeated request leaves the state the person asked for (a toggle would flip it back).
@bp.post("/beteiligung/<slug>/ideen/<int:idea_id>/unterstuetzen")
@limiter.limit("60 per minute")
def support(slug: str, idea_id: int):
    idea = _idea_to_support(slug, idea_id)
    services.add_support(idea, current_user)
    db.session.commit()
    return _supports_answer(idea, _("You support this idea."))


@bp.post("/beteiligung/<slug>/ideen/<int:idea_id>/unterstuetzen/zuruecknehmen")
@limiter.limit("60 per minute")
def withdraw_support(slug: str, idea_id: int):
    idea = _idea_to_support(slug, idea_id)
    services.withdraw_support(idea, current_user)
    db.session.commit()
    return _supports_answer(idea, _("You no longer support this idea."))


def _idea_to_support(slug: str, idea_id: int) -> Idea:
    idea = load_idea(load_consultation(slug), idea_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not idea.can_support(current_user):
        abort(403)
    return idea


def _supports_answer(idea: Idea, message: str):
    """Without JavaScript, back to the idea with the message; with htmx, the partial alone."""
    if not request.headers.get("HX-Request"):
        flash(message, "success")
        response = redirect(url_for("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id))
        response.vary.add("HX-Request")
        return response
    return render_page_or_fragment(
        "consultations/idea.html",
        "consultations/_supports.html",
        announcement=message,
        **_supports_context(idea),
    )


@bp.post("/beteiligung/<slug>/ideen/<int:idea_id>/antwort")
@rerenders_on_csrf_error
def answer(slug: str, idea_id: int):
    consultation = load_consultation(slug)
    idea = load_idea(consultation, idea_id)
    if not idea.can_answer(current_user):
        abort(403)
    form = AnswerForm()
    if form.validate_on_submit():
        services.answer_idea(
            idea, current_user, status=IdeaStatus(form.status.data), response=form.response.data
        )
        db.session.commit()
        flash(_("The answer has been saved and the author has been informed."), "success")
        return redirect(url_for("consultations.idea", slug=slug, idea_id=idea.id))
    return show_form(
        "consultations/idea.html",
        form,
        consultation=consultation,
        answer_form=form,
        map=maps.idea_map(consultation, idea),
        **_supports_context(idea),
    )


@bp.get("/beteiligung/<slug>/export.csv")
def export_csv(slug: str):
    consultation = load_consultation(slug)
    response = exports.csv_response(consultation)
    _audit_export(consultation, "csv")
    return response


@bp.get("/beteiligung/<slug>/export.geojson")
def export_geojson(slug: str):
    consultation = load_consultation(slug)
    response = exports.geojson_response(consultation)
    _audit_export(consultation, "geojson")
    return response


def _audit_export(consultation: Consultation, fmt: str) -> None:
    """The exports are public open data: anyone may download them, so an anonymous or a
    resident's download is no staff action and is not logged (it would only fill the log and
    record residents' reading). A download by staff or an administrator is, like every other
    staff action on a consultation."""
    if current_user.is_authenticated and current_user.has_role(Role.STAFF, Role.ADMIN):
        audit.record(
            current_user, "consultation.exported", "consultation", consultation.id, after={"format": fmt}
        )
        db.session.commit()

