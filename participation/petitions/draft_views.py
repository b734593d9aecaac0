"""Residents draft petitions: write, edit until the first supporter signs, start gathering
supporters through a private link, and follow their own petitions and signatures."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from participation.core import geo
from participation.core.content import Visibility
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.maps import MapParts, build_map
from participation.core.settings_access import current_settings
from participation.core.urls import external_url
from participation.extensions import db, limiter
from participation.petitions import counts, services
from participation.petitions.blueprint import bp
from participation.petitions.draft_forms import DraftForm
from participation.petitions.models import (
    REJECTION_LABELS,
    Petition,
    PetitionState,
    RejectionReason,
    Signature,
)

CITY = geo.BBox(12.24, 51.28, 12.50, 51.40)


def register(app) -> None:
    """Nothing to plug in: the routes are on the blueprint."""


def put_on(form, error: services.PetitionRuleError) -> None:
    """The service's refusal at its field, so the form comes back filled in and annotated."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


def _own(petition_id: int) -> Petition:
    """The signed-in creator's petition; anyone else's is not found (drafts are private)."""
    petition = db.get_or_404(Petition, petition_id)
    if not petition.is_author(current_user) or petition.visibility == Visibility.DELETED.value:
        abort(404)
    return petition


def _placement_map(petition: Petition | None) -> MapParts:
    """Click or press Enter on the map to add positions to the field (consultation-map.js)."""
    box = petition.bounds if petition is not None and petition.bounds is not None else CITY
    pad = 0.0 if box is CITY else 0.003
    shapes = [petition.geometry] if petition is not None and petition.geometry else []
    fit = [[box.min_y - pad, box.min_x - pad], [box.max_y + pad, box.max_x + pad]]
    return build_map(layers=[], fit=fit, shapes=shapes, height_class="map-medium")


def _form(petition: Petition | None) -> DraftForm:
    form = DraftForm()
    if petition is not None and not form.is_submitted():
        form.title.data, form.request.data = petition.title, petition.request
        form.background.data, form.district.data = petition.background, petition.district or ""
        if petition.geometry:
            form.kind.data = "polygon" if petition.geometry["type"] == "Polygon" else "point"
            form.positions.data = geo.positions_text(petition.geometry, geographic=True)
    return form


def _save(form: DraftForm, petition: Petition | None) -> Petition | None:
    """Save, or put the reason on the form and write nothing."""
    fields = {"title": form.title.data, "request": form.request.data, "background": form.background.data,
              "district": form.district.data or None}
    try:
        with db.session.begin_nested():
            place = services.place_from_positions(form.kind.data, form.positions.data)
            if petition is None:
                return services.create_draft(current_user, place=place, **fields)
            services.update_draft(petition, current_user, place=place, **fields)
            return petition
    except services.PetitionRuleError as refused:
        put_on(form, refused)
    if petition is not None:
        db.session.refresh(petition)
    return None


def _form_page(form: DraftForm, petition: Petition | None):
    return show_form("petitions/draft_form.html", form, petition=petition, map=_placement_map(petition))


@bp.route("/petitionen/neu", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@rerenders_on_csrf_error
def new():
    form = _form(None)
    if form.validate_on_submit():
        petition = _save(form, None)
        if petition is not None:
            db.session.commit()
            flash(_("Your draft is saved. Only you can see it. When it is ready, start gathering "
                    "supporters."), "success")
            return redirect(url_for("petitions.mine", _anchor=f"petition-{petition.id}"))
    return _form_page(form, None)


@bp.route("/petitionen/<int:petition_id>/bearbeiten", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit_draft(petition_id: int):
    petition = _own(petition_id)
    if not services.can_edit(petition, current_user):
        flash(_("Once supporters have signed, the text can no longer change."), "info")
        return redirect(url_for("petitions.mine", _anchor=f"petition-{petition.id}"))
    form = _form(petition)
    if form.validate_on_submit() and _save(form, petition) is not None:
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("petitions.mine", _anchor=f"petition-{petition.id}"))
    return _form_page(form, petition)


@bp.post("/petitionen/<int:petition_id>/unterstuetzer-sammeln")
def start_gathering(petition_id: int):
    petition = _own(petition_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.start_gathering(petition)
        # with no supporters needed (a site setting) it goes to moderation at once
        submitted = services.submit_when_supported(petition)
    except services.PetitionRuleError as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("petitions.mine"))
    db.session.commit()
    if submitted:
        flash(_("Your petition went to the moderators."), "success")
    else:
        flash(_("Share the private link below with your first supporters."), "success")
    return redirect(url_for("petitions.mine", _anchor=f"petition-{petition.id}"))


@bp.get("/petitionen/meine")
def mine():
    own = db.session.scalars(
        select(Petition)
        .where(Petition.author_id == current_user.id, Petition.visibility != Visibility.DELETED.value)
        .order_by(Petition.created_at.desc(), Petition.id.desc())
    ).all()
    supporters = {p.id: counts.totals(p.id).online for p in own if p.state == PetitionState.GATHERING.value}
    signed = db.session.execute(
        select(Petition, Signature.confirmed_at)
        .join(Signature, Signature.petition_id == Petition.id)
        .where(Signature.user_id == current_user.id, Signature.invalidated_at.is_(None))
        .order_by(Signature.created_at.desc())
    ).all()
    return render_template(
        "petitions/mine.html",
        petitions=own,
        supporters=supporters,
        supporters_needed=current_settings().petition_supporters_needed,
        supporter_link=lambda petition: external_url("petitions.support", key=petition.supporter_key),
        editable={p.id for p in own if services.can_edit(p, current_user)},
        signed=signed,
        rejection_labels={r.value: label for r, label in REJECTION_LABELS.items()},
        duplicate=RejectionReason.DUPLICATE.value,
        public=services.is_public,
        action_form=ActionForm(),
    )
