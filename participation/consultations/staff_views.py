"""Staff pages: create and edit consultations, their categories, layers and state."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.consultations import maps, queries, services
from participation.consultations.blueprint import bp
from participation.consultations.forms import CategoryForm, ConsultationForm, LayerForm, StateForm
from participation.consultations.models import (
    TRANSITION_LABELS,
    Category,
    Consultation,
    LayerKind,
    MapLayer,
    State,
)
from participation.core import geo, uploads
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.loading import owned_or_404
from participation.core.pagination import paginate
from participation.core.security import is_allowed_tile_url, tile_origins
from participation.extensions import db


def load_for_staff(slug: str) -> Consultation:
    return db.first_or_404(db.select(Consultation).where(Consultation.slug == slug))


@bp.get("/staff/beteiligung")
def manage():
    page = paginate(db.select(Consultation).order_by(Consultation.created_at.desc()), per_page=30)
    return render_template("consultations/staff/manage.html", page=page)


@bp.route("/staff/beteiligung/neu", methods=["GET", "POST"])
@rerenders_on_csrf_error
def create():
    form = ConsultationForm()
    if form.validate_on_submit():
        area = _area_from(form, None)
        if area is not False:
            consultation = services.save_consultation(
                None,
                title=form.title.data,
                summary=form.summary.data,
                description=form.description.data,
                map_mode=form.map_mode.data,
                allowed_kinds=form.allowed_kinds.data,
                area=area,
                keep_area=area is None,
                author=current_user,
                results=form.results.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
            db.session.commit()
            flash(_("The consultation has been created as a draft."), "success")
            return redirect(url_for("consultations.edit", slug=consultation.slug))
    return show_form("consultations/staff/edit.html", form, consultation=None)


@bp.route("/staff/beteiligung/<slug>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit(slug: str):
    consultation = load_for_staff(slug)
    form = ConsultationForm(obj=consultation)
    if form.validate_on_submit():
        area = _area_from(form, consultation)
        if form.map_mode.data != consultation.map_mode and queries.has_ideas(consultation):
            # the stored ideas' coordinates would change their meaning
            form.map_mode.errors = [_("The kind of map cannot change once there are ideas.")]
            area = False
        if area is not False:
            services.save_consultation(
                consultation,
                title=form.title.data,
                summary=form.summary.data,
                description=form.description.data,
                map_mode=form.map_mode.data,
                allowed_kinds=form.allowed_kinds.data,
                area=area,
                keep_area=area is None and not form.clear_area.data,
                author=current_user,
                results=form.results.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("consultations.edit", slug=consultation.slug))
    return show_form(
        "consultations/staff/edit.html",
        form,
        consultation=consultation,
        category_form=CategoryForm(formdata=None),
        action_form=ActionForm(),
        state_form=StateForm(formdata=None),
        transition_labels=TRANSITION_LABELS,
        map=maps.placement_map(consultation),
    )


def _area_from(form: ConsultationForm, consultation: Consultation | None) -> dict | None | bool:
    """The new participation area; None to keep the old one; False after an error on the form."""
    geographic = form.map_mode.data != "plan"
    try:
        if form.area_file.data:
            raw = form.area_file.data.read(2_000_000)
            return geo.normalise(raw, geographic=geographic, area=True)
        if (form.area_positions.data or "").strip():
            positions = geo.parse_positions(form.area_positions.data)
            polygon = geo.geometry_from_positions("polygon", positions, geographic=geographic)
            return geo.normalise(polygon, geographic=geographic, area=True)
    except geo.GeometryError as error:
        target = form.area_file if form.area_file.data else form.area_positions
        target.errors = [str(error)]
        return False
    return None


# Changes that end something: asked once more on a page of their own (works without JavaScript).
CONFIRMED_STATES = {State.CLOSED, State.EVALUATED}


def _confirm_page(consultation: Consultation, *, heading, text, button, action, hidden=None):
    return render_template(
        "consultations/staff/confirm.html",
        consultation=consultation,
        form=ActionForm(formdata=None),
        heading=heading,
        text=text,
        button=button,
        action=action,
        hidden=hidden or {},
    )


def _confirm_state(consultation: Consultation, target: State):
    if target is State.CLOSED:
        heading = _("Close “%(title)s”?", title=consultation.title)
        text = _(
            "Residents can then no longer add ideas, support them or comment. You can open the "
            "consultation again later."
        )
        button = _("Yes, close the consultation")
    else:
        heading = _("Publish the results of “%(title)s”?", title=consultation.title)
        text = _(
            "The results appear on the public page and the consultation takes no more ideas. "
            "This cannot be undone."
        )
        button = _("Yes, publish the results")
    return _confirm_page(
        consultation,
        heading=heading,
        text=text,
        button=button,
        action=url_for("consultations.change_state", slug=consultation.slug),
        hidden={"target": target.value, "confirmed": "yes"},
    )


@bp.route("/staff/beteiligung/<slug>/status", methods=["GET", "POST"])
def change_state(slug: str):
    consultation = load_for_staff(slug)
    if request.method == "GET":
        try:
            target = State(request.args.get("target", ""))
        except ValueError:
            abort(404)
        if target not in CONFIRMED_STATES or target not in consultation.next_states():
            abort(404)
        return _confirm_state(consultation, target)
    form = StateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        target = State(form.target.data)
        if target in CONFIRMED_STATES and form.confirmed.data != "yes":
            return redirect(url_for("consultations.change_state", slug=slug, target=target.value))
        if target is State.OPEN and consultation.is_plan and consultation.plan_layer is None:
            flash(_("A plan-only consultation needs its plan image before it can open."), "error")
            return redirect(url_for("consultations.edit", slug=slug))
        services.change_state(consultation, target, actor=current_user)
    except services.ResultsMissing:
        flash(
            _("Please write the results in the field “Results” and save them before you publish them."),
            "error",
        )
        return redirect(url_for("consultations.edit", slug=slug))
    except (ValueError, services.InvalidTransition):
        flash(_("This change of state is not possible."), "error")
        return redirect(url_for("consultations.edit", slug=slug))
    db.session.commit()
    flash(_("The consultation is now: %(state)s", state=consultation.state_label), "success")
    return redirect(url_for("consultations.edit", slug=slug))


@bp.post("/staff/beteiligung/<slug>/kategorien")
@rerenders_on_csrf_error
def add_category(slug: str):
    consultation = load_for_staff(slug)
    category_form = CategoryForm()
    if category_form.validate_on_submit():
        services.add_category(
            consultation, category_form.name.data, category_form.color.data, actor=current_user
        )
        db.session.commit()
        flash(_("The category has been added."), "success")
        return redirect(url_for("consultations.edit", slug=slug))
    form = ConsultationForm(obj=consultation, formdata=None)
    body = render_template(
        "consultations/staff/edit.html",
        form=form,
        consultation=consultation,
        category_form=category_form,
        action_form=ActionForm(),
        state_form=StateForm(formdata=None),
        transition_labels=TRANSITION_LABELS,
        map=maps.placement_map(consultation),
    )
    return body, 422


@bp.route("/staff/beteiligung/<slug>/kategorien/<int:category_id>/loeschen", methods=["GET", "POST"])
def delete_category(slug: str, category_id: int):
    consultation = load_for_staff(slug)
    category = owned_or_404(Category, category_id, consultation_id=consultation.id)
    if request.method == "GET":
        return _confirm_page(
            consultation,
            heading=_("Remove the category “%(name)s”?", name=category.name),
            text=_("Its ideas stay where they are, without a category. This cannot be undone."),
            button=_("Yes, remove the category"),
            action=url_for("consultations.delete_category", slug=slug, category_id=category.id),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_category(category, actor=current_user)
    db.session.commit()
    flash(_("The category has been removed."), "success")
    return redirect(url_for("consultations.edit", slug=slug))


@bp.route("/staff/beteiligung/<slug>/ebenen", methods=["GET", "POST"])
@rerenders_on_csrf_error
def add_layer(slug: str):
    consultation = load_for_staff(slug)
    form = LayerForm()
    if form.validate_on_submit() and _layer_from(form, consultation):
        db.session.commit()
        flash(_("The layer has been added."), "success")
        return redirect(url_for("consultations.edit", slug=slug))
    return show_form("consultations/staff/layer.html", form, consultation=consultation)


def _layer_from(form: LayerForm, consultation: Consultation) -> MapLayer | None:
    kind = LayerKind(form.kind.data)
    common = {
        "name": form.name.data,
        "is_base": form.is_base.data,
        "shown_by_default": form.shown_by_default.data,
        "opacity": form.opacity.data,
        "attribution": form.attribution.data,
    }
    if kind is LayerKind.IMAGE:
        if not form.image.data:
            form.image.errors = [_("Please choose an image file.")]
            return None
        undescribed = not (form.description.data or "").strip()
        if undescribed:  # said together with any other mistake below
            form.description.errors = [
                _("Please describe what the image shows, for people who cannot see it.")
            ]
        corners = None
        if not consultation.is_plan:
            values = [form.south.data, form.west.data, form.north.data, form.east.data]
            if any(v is None for v in values):
                form.south.errors = [_("Please give both corners: south-west and north-east.")]
                return None
            if form.south.data >= form.north.data or form.west.data >= form.east.data:
                form.south.errors = [
                    _("The south-west corner must lie south and west of the north-east corner.")
                ]
                return None
            corners = geo.BBox(form.west.data, form.south.data, form.east.data, form.north.data)
        elif consultation.plan_layer is not None:
            form.image.errors = [_("A plan-only consultation has exactly one plan image.")]
            return None
        if undescribed:
            return None
        try:
            return services.add_image_layer(
                consultation,
                data=form.image.data.read(),
                corners=corners,
                description=form.description.data,
                actor=current_user,
                **common,
            )
        except uploads.UploadError as error:
            form.image.errors = [str(error)]
            return None
    url = (form.url.data or "").strip()
    if not is_allowed_tile_url(url):
        # The CSP admits images from this site and the operator's MAP_TILE_ORIGINS only.
        origins = tile_origins()
        if origins:
            form.url.errors = [
                _(
                    "This host is not allowed. Please give an address on this website (starting "
                    "with “/”) or on one of these hosts: %(origins)s. An administrator must allow "
                    "any other host first.",
                    origins=", ".join(origins),
                )
            ]
        else:
            form.url.errors = [
                _(
                    "Please give an address on this website, starting with “/”. Other hosts must "
                    "first be allowed by an administrator."
                )
            ]
        return None
    if kind is LayerKind.XYZ and not all(p in url for p in ("{z}", "{x}", "{y}")):
        form.url.errors = [_("A tile address needs the placeholders {z}, {x} and {y}.")]
        return None
    if kind is LayerKind.WMS and not form.wms_layers.data:
        form.wms_layers.errors = [_("Please name at least one WMS layer.")]
        return None
    return services.add_service_layer(
        consultation,
        kind=kind,
        url=url,
        wms_layers=form.wms_layers.data,
        wms_format=form.wms_format.data,
        actor=current_user,
        **common,
    )


@bp.route("/staff/beteiligung/<slug>/ebenen/<int:layer_id>/loeschen", methods=["GET", "POST"])
def delete_layer(slug: str, layer_id: int):
    consultation = load_for_staff(slug)
    layer = owned_or_404(MapLayer, layer_id, consultation_id=consultation.id)
    if request.method == "GET":
        return _confirm_page(
            consultation,
            heading=_("Remove the layer “%(name)s”?", name=layer.name),
            text=_(
                "It disappears from the map at once; an uploaded image is deleted. This cannot "
                "be undone."
            ),
            button=_("Yes, remove the layer"),
            action=url_for("consultations.delete_layer", slug=slug, layer_id=layer.id),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_layer(layer, actor=current_user)
    db.session.commit()
    flash(_("The layer has been removed."), "success")
    return redirect(url_for("consultations.edit", slug=slug))
