"""Moderators decide on petitions (holding each while they do); staff see every petition and
publish the council's response."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import choices, show_form
from participation.core.pagination import paginate
from participation.core.settings_access import current_settings
from participation.extensions import db
from participation.petitions import counts, services
from participation.petitions.blueprint import bp
from participation.petitions.draft_views import put_on
from participation.petitions.models import (
    REJECTION_LABELS,
    STATE_LABELS,
    Petition,
    PetitionState,
)
from participation.petitions.staff_forms import ApproveForm, RejectForm, RespondForm

# Drafts are their creator's alone; every later state is listed for staff.
LISTED_STATES = [state for state in PetitionState if state is not PetitionState.DRAFT]


def register(app) -> None:
    """Nothing to plug in: the routes are on the blueprint."""


def _load(petition_id: int, *states: PetitionState) -> Petition:
    petition = db.get_or_404(Petition, petition_id)
    if petition.state not in {state.value for state in states}:
        abort(404)
    return petition


@bp.get("/petitionen/moderation")
def review_queue():
    waiting = db.session.scalars(
        select(Petition).where(Petition.state == PetitionState.IN_REVIEW.value)
        .order_by(Petition.submitted_at.asc().nulls_last(), Petition.id)
    ).all()
    return render_template("petitions/staff/queue.html", petitions=waiting,
                           held_by_other=services.held_by_other)


def _duplicate_choices(petition: Petition):
    """The public petitions this one may repeat, newest first."""
    others = db.session.scalars(
        select(Petition).where(Petition.id != petition.id,
                               Petition.state.in_([s.value for s in services.PUBLIC_STATES]),
                               Petition.state != PetitionState.REJECTED.value)
        .order_by(Petition.created_at.desc()).limit(500)
    ).all()
    return choices([("", _("Choose a petition"))] + [(p.id, f"{p.title} (#{p.id})") for p in others
                                                      if p.is_visible])


def _review_page(petition: Petition, approve_form=None, reject_form=None, *, holds: bool):
    """The full text and the decision forms; after a refused decision (a form was sent back
    filled in) with status 422."""
    site = current_settings()
    refused = approve_form is not None or reject_form is not None
    if approve_form is None:
        approve_form = ApproveForm(formdata=None, days_open=site.petition_days_open)
    reject_form = reject_form or RejectForm(formdata=None)
    reject_form.duplicate_of.choices = _duplicate_choices(petition)
    body = render_template(
        "petitions/staff/review.html", petition=petition, holds=holds, approve_form=approve_form,
        reject_form=reject_form, staff=services.is_staff(current_user), totals=counts.totals(petition.id),
        site_days=site.petition_days_open, site_quorum=site.petition_quorum,
        rejection_labels={r.value: label for r, label in REJECTION_LABELS.items()},
    )
    return (body, 422) if refused else body


@bp.get("/petitionen/<int:petition_id>/moderation")
def review(petition_id: int):
    """Opening a petition for a decision takes the hold (or renews one's own)."""
    petition = _load(petition_id, *services.PUBLIC_STATES, PetitionState.IN_REVIEW)
    holds = services.take_hold(petition, current_user)
    db.session.commit()
    return _review_page(petition, holds=holds)


def _decided(petition: Petition, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("petitions.review_queue"))


@bp.post("/petitionen/<int:petition_id>/freigeben")
@rerenders_on_csrf_error
def approve(petition_id: int):
    petition = _load(petition_id, PetitionState.IN_REVIEW)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                services.approve(petition, current_user, days_open=form.days_open.data,
                                 quorum=form.quorum.data)
            return _decided(petition, _("The petition is open for signatures now."))
        except services.PetitionRuleError as refused:
            put_on(form, refused)
            db.session.refresh(petition)
    return _review_page(petition, approve_form=form, holds=not services.held_by_other(petition, current_user))


@bp.post("/petitionen/<int:petition_id>/ablehnen")
@rerenders_on_csrf_error
def reject(petition_id: int):
    petition = _load(petition_id, PetitionState.IN_REVIEW)
    form = RejectForm()
    form.duplicate_of.choices = _duplicate_choices(petition)
    if form.validate_on_submit():
        chosen = form.duplicate_of.data or ""
        duplicate = db.session.get(Petition, int(chosen)) if chosen.isdigit() else None
        try:
            with db.session.begin_nested():
                services.reject(petition, current_user, reason=form.reason.data,
                                explanation=form.explanation.data, duplicate_of=duplicate)
            return _decided(petition, _("The petition has been rejected; its creator sees the reason."))
        except services.PetitionRuleError as refused:
            put_on(form, refused)
            db.session.refresh(petition)
    return _review_page(petition, reject_form=form, holds=not services.held_by_other(petition, current_user))


@bp.get("/staff/petitionen")
def manage():
    chosen = request.args.get("state", "")
    query = select(Petition).where(Petition.state != PetitionState.DRAFT.value)
    if chosen in {state.value for state in LISTED_STATES}:
        query = query.where(Petition.state == chosen)
    else:
        chosen = ""
    page = paginate(query.order_by(Petition.created_at.desc(), Petition.id.desc()), per_page=30)
    return render_template("petitions/staff/manage.html", page=page, chosen=chosen,
                           states=[(s.value, STATE_LABELS[s]) for s in LISTED_STATES])


@bp.route("/petitionen/<int:petition_id>/antwort", methods=["GET", "POST"])
@rerenders_on_csrf_error
def respond(petition_id: int):
    petition = _load(petition_id, PetitionState.AWAITING_RESPONSE, PetitionState.ANSWERED)
    form = RespondForm(formdata=None, response=petition.response, response_url=petition.response_url)
    if request.method == "POST":
        form = RespondForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                services.respond(petition, current_user, form.response.data, form.response_url.data)
            db.session.commit()
            flash(_("The council's response is published."), "success")
            return redirect(url_for("petitions.manage"))
        except services.PetitionRuleError as refused:
            put_on(form, refused)
            db.session.refresh(petition)
    return show_form("petitions/staff/respond.html", form, petition=petition)
