"""Staff pages: create and edit consultations, their categories, layers and state."""

from __future__ import annotations

import contextlib

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participation.consultations import maps, rules, services
from participation.consultations.blueprint import bp
from participation.consultations.forms import (
    PLACEMENT_UTM33,
    PLACEMENT_WORLD_FILE,
    WORLD_FILE_MAX_BYTES,
    CategoryForm,
    ConsultationForm,
    LayerForm,
    LayerSettingsForm,
    StateForm,
)
from participation.consultations.models import (
    TRANSITION_LABELS,
    Category,
    Consultation,
    LayerKind,
    MapLayer,
    State,
)
from participation.core import geo, georef, uploads
from participation.core.errors import rerenders_on_csrf_error
from participation.core.forms import ActionForm, show_form
from participation.core.loading import owned_or_404
from participation.core.pagination import paginate
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
        consultation = _save_consultation_from(form, None)
        if consultation is not None:
            db.session.commit()
            flash(_("The consultation has been created as a draft."), "success")
            return redirect(url_for("consultations.edit", slug=consultation.slug))
    return show_form("consultations/staff/edit.html", form, consultation=None)


@bp.route("/staff/beteiligung/<slug>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit(slug: str):
    consultation = load_for_staff(slug)
    form = ConsultationForm(obj=consultation)
    if form.validate_on_submit() and _save_consultation_from(form, consultation) is not None:
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


def _save_consultation_from(form: ConsultationForm, consultation: Consultation | None) -> Consultation | None:
    """Create (`consultation` None) or save, or put the reasons on the form and write nothing."""
    area_file = form.area_file.data.read(2_000_000) if form.area_file.data else None
    clear_area = consultation is not None and form.clear_area.data
    try:
        area = rules.area_from_input(
            consultation, map_mode=form.map_mode.data, file_data=area_file, positions=form.area_positions.data
        )
        return services.save_consultation(
            consultation,
            title=form.title.data,
            summary=form.summary.data,
            description=form.description.data,
            map_mode=form.map_mode.data,
            allowed_kinds=form.allowed_kinds.data,
            area=area,
            keep_area=area is None and not clear_area,
            author=current_user,
            results=form.results.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
    except rules.ConsultationRuleError as refused:
        refused.put_on(form)
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
    target = form.target.data  # a State's value: StrEnum members equal and hash like their values
    if target in CONFIRMED_STATES and form.confirmed.data != "yes":
        return redirect(url_for("consultations.change_state", slug=slug, target=target))
    try:
        services.change_state(consultation, target, actor=current_user)
    except rules.ConsultationRuleError as refused:
        flash(str(refused), "error")
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
    """Add the layer, or put the reasons on the form and write nothing."""
    kind = LayerKind(form.kind.data)
    common = {
        "name": form.name.data,
        "is_base": form.is_base.data,
        "shown_by_default": form.shown_by_default.data,
        "opacity": form.opacity.data,
        "attribution": form.attribution.data,
        "actor": current_user,
    }
    try:
        if kind is LayerKind.IMAGE:
            data = form.image.data.read() if form.image.data else None
            return services.add_image_layer(
                consultation,
                data=data,
                description=form.description.data,
                **_image_bounds(form, consultation, data),
                **common,
            )
        return services.add_service_layer(
            consultation,
            kind=kind,
            url=form.url.data,
            wms_layers=form.wms_layers.data,
            wms_format=form.wms_format.data,
            **common,
        )
    except rules.ConsultationRuleError as refused:
        refused.put_on(form)
        return None


def _image_bounds(form: LayerForm, consultation: Consultation, data: bytes | None) -> dict:
    """south/west/north/east of an image layer, read from the fields of the way of giving its
    corners that staff chose; WGS 84 degrees go to the rules as they are. An image placed in
    UTM metres, or turned by its world file, also brings where it lies (its footprint): it is
    warped north-up when stored. A
    mistake in the placement is told together with the other mistakes of the image part of the
    form."""
    method = form.placement.data
    if consultation.is_plan or method not in (PLACEMENT_UTM33, PLACEMENT_WORLD_FILE):
        return {
            "south": form.south.data,
            "west": form.west.data,
            "north": form.north.data,
            "east": form.east.data,
        }
    try:
        placed = _utm33_box(form) if method == PLACEMENT_UTM33 else _world_file_box(form, data)
    except rules.ConsultationRuleError as misplaced:
        try:  # the other rules of an image layer, with a stand-in placement; they write nothing
            rules.image_layer_corners(
                consultation,
                data=data,
                description=form.description.data,
                south=0.0,
                west=0.0,
                north=1.0,
                east=1.0,
            )
        except rules.ConsultationRuleError as refused:
            misplaced.also = (*misplaced.also, refused)
        raise
    if placed is None:  # no image to measure: the rules say so
        return {}
    box, footprint = placed
    return {
        "south": box.min_y,
        "west": box.min_x,
        "north": box.max_y,
        "east": box.max_x,
        "footprint": footprint,
    }


def _utm33_box(form: LayerForm) -> tuple[geo.BBox, georef.Footprint]:
    """The WGS 84 box of the image and where it lies on the UTM grid."""
    values = (form.sw_easting.data, form.sw_northing.data, form.ne_easting.data, form.ne_northing.data)
    if any(value is None for value in values):
        raise rules.ConsultationRuleError(
            _l("Please give both corners: south-west and north-east."), "sw_easting"
        )
    try:
        return georef.corners_from_utm33(values[:2], values[2:]), georef.Footprint.of_grid(geo.BBox(*values))
    except geo.GeometryError as error:
        raise rules.ConsultationRuleError(error.message, "sw_easting") from error


def _world_file_text(form: LayerForm) -> tuple[str | bytes, str]:
    """The uploaded world file, else the pasted one, and the field it came from."""
    upload = form.world_file.data
    if not upload:
        return form.world_file_text.data or "", "world_file_text"
    text = upload.read(WORLD_FILE_MAX_BYTES + 1)
    if len(text) > WORLD_FILE_MAX_BYTES:
        raise rules.ConsultationRuleError(
            _l("A world file is a small text file of six lines; this one is larger than 2 KB."), "world_file"
        )
    with contextlib.suppress(UnicodeDecodeError):
        # shown again in the text field: should the form come back, the file need not be chosen again
        form.world_file_text.data = text.decode("utf-8-sig")
    return text, "world_file"


def _world_file_box(form: LayerForm, data: bytes | None) -> tuple[geo.BBox, georef.Footprint | None] | None:
    """The box from the world file and the image's size in pixels, and where the image lies if
    it is to be warped: for a world file in EPSG:25833, or one that turns the image (None for
    one in degrees that does not: the image is north-up in them already). None: there is no
    image."""
    text, field = _world_file_text(form)
    if not text.strip():
        raise rules.ConsultationRuleError(
            _l("Please choose a world file or paste its six lines."), "world_file"
        )
    try:
        world_file = georef.parse_world_file(text)
    except geo.GeometryError as error:
        raise rules.ConsultationRuleError(error.message, field) from error
    if data is None:
        return None
    if uploads.is_pdf(data):
        raise rules.ConsultationRuleError(
            _l(
                "A world file belongs to an image file such as PNG or JPEG, not to a PDF. Please "
                "give the corners of a PDF plan in degrees or metres."
            ),
            field,
        )
    try:
        width, height = uploads.image_dimensions(data)
    except uploads.UploadError as error:
        raise rules.ConsultationRuleError(error.message, "image") from error
    crs = form.world_file_crs.data
    footprint = georef.Footprint.of_world_file(world_file, width, height, crs)
    try:
        box = footprint.bounds()
    except geo.GeometryError as error:
        raise rules.ConsultationRuleError(error.message, field) from error
    return box, footprint if crs == georef.UTM33 or not footprint.is_north_up else None


@bp.route("/staff/beteiligung/<slug>/ebenen/<int:layer_id>", methods=["GET", "POST"])
@rerenders_on_csrf_error
def edit_layer(slug: str, layer_id: int):
    consultation = load_for_staff(slug)
    layer = owned_or_404(MapLayer, layer_id, consultation_id=consultation.id)
    form = LayerSettingsForm(obj=layer)
    if form.validate_on_submit():
        try:
            services.change_layer(
                layer,
                name=form.name.data,
                description=form.description.data,
                attribution=form.attribution.data,
                opacity=form.opacity.data,
                is_base=form.is_base.data,
                shown_by_default=form.shown_by_default.data,
                actor=current_user,
            )
        except rules.ConsultationRuleError as refused:
            refused.put_on(form)
        else:
            db.session.commit()
            flash(_("The layer has been saved."), "success")
            return redirect(url_for("consultations.edit", slug=slug))
    return show_form("consultations/staff/layer_edit.html", form, consultation=consultation, layer=layer)


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
