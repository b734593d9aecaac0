"""The consultation's maps, built with core.maps from its layers and area."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from participation.consultations import VERSION_GROUP
from participation.consultations.models import Consultation, Idea, LayerKind, MapLayer
from participation.core import geo
from participation.core.maps import LayerSpec, MapParts, build_map, kept
from participation.core.security import is_allowed_tile_url


def _spec(layer: MapLayer, consultation: Consultation) -> LayerSpec | None:
    if layer.kind == LayerKind.IMAGE.value:
        if consultation.is_plan:
            bounds = [[0, 0], [layer.image_height, layer.image_width]]
        elif layer.south is not None:
            bounds = [[layer.south, layer.west], [layer.north, layer.east]]
        else:
            return None
        return LayerSpec(
            layer.name,
            "image",
            url_for("media.file", key=layer.image_key),
            bounds,
            layer.opacity,
            layer.is_base,
            layer.attribution,
            shown=layer.shown_by_default,
            description=layer.description or "",
        )
    if not is_allowed_tile_url(layer.url or ""):
        return None  # its host is no longer allowed: the CSP would block it anyway
    return LayerSpec(
        layer.name,
        layer.kind,
        layer.url or "",
        None,
        layer.opacity,
        layer.is_base,
        layer.attribution,
        layer.wms_layers,
        layer.wms_format or "image/png",
        shown=layer.shown_by_default,
    )


def _fit(consultation: Consultation, box: geo.BBox | None = None) -> list[list[float]] | None:
    box = box or consultation.bounds
    if box is None and consultation.is_plan and consultation.plan_box():
        box = consultation.plan_box()
    if box is None:
        boxes = [
            geo.BBox(layer.west, layer.south, layer.east, layer.north)
            for layer in consultation.layers
            if layer.south is not None
        ]
        box = boxes[0] if boxes else None
    if box is None:
        return None
    return [[box.min_y, box.min_x], [box.max_y, box.max_x]]


def _plan_size(consultation: Consultation) -> tuple[int, int] | None:
    if not consultation.is_plan:
        return None
    layer = consultation.plan_layer
    return (layer.image_width, layer.image_height) if layer else (1000, 1000)


def _layers(consultation: Consultation) -> list[LayerSpec]:
    specs = [_spec(layer, consultation) for layer in consultation.layers]
    # backgrounds first, so overlays are drawn on top
    return sorted((s for s in specs if s is not None), key=lambda s: not s.is_base)


def consultation_map(consultation: Consultation) -> MapParts:
    # the ideas are not in it (static/js/consultation-map.js asks the API for them)
    return kept(f"consultation:{consultation.id}", [VERSION_GROUP], lambda: _consultation_map(consultation))


def _consultation_map(consultation: Consultation) -> MapParts:
    return build_map(
        layers=_layers(consultation),
        fit=_fit(consultation),
        plan_size=_plan_size(consultation),
        area=consultation.geometry,
        cluster=True,
        cluster_label=_("Ideas"),
        area_label=_("Participation area"),
    )


def placement_map(consultation: Consultation) -> MapParts:
    return build_map(
        layers=_layers(consultation),
        fit=_fit(consultation),
        plan_size=_plan_size(consultation),
        area=consultation.geometry,
        area_label=_("Participation area"),
        height_class="map-medium",
    )


def idea_map(consultation: Consultation, idea: Idea) -> MapParts:
    return kept(f"idea:{idea.id}", [VERSION_GROUP], lambda: _idea_map(consultation, idea))


def _idea_map(consultation: Consultation, idea: Idea) -> MapParts:
    box = idea.bounds
    pad = 0.002 if not consultation.is_plan else 60
    fit_box = geo.BBox(box.min_x - pad, box.min_y - pad, box.max_x + pad, box.max_y + pad)
    return build_map(
        layers=_layers(consultation),
        fit=_fit(consultation, fit_box),
        plan_size=_plan_size(consultation),
        area=consultation.geometry,
        shapes=[idea.geometry],
        height_class="map-small",
    )
