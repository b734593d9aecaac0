"""folium maps rendered into our own pages under the strict CSP.

folium writes a whole HTML document with CDN links, global `html, body` styles and a
`user-scalable=no` viewport. We render its three parts separately instead: the header is
reduced to links to /static/vendor (every library folium wants must be mapped here, or
rendering fails loudly), the map div goes into the page, and the script gets the request's
nonce. Pages then call `{{ map.head }}`, `{{ map.html }}` and `{{ map.script }}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
from branca.element import CssLink, JavascriptLink
from flask import url_for
from folium.plugins import MarkerCluster
from markupsafe import Markup, escape

from participation.core.security import csp_nonce

# folium's resource names -> files copied from node_modules by the Makefile.
VENDOR_FILES = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
}
# folium asks for these by default, but nothing we draw needs them.
UNUSED = {
    "jquery",
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}


@dataclass
class LayerSpec:
    """One background or overlay: an image placed on `bounds` ([[south, west], [north, east]]
    or pixel bounds on a plan), or an XYZ/WMS service."""

    name: str
    kind: str  # "image", "xyz", "wms"
    url: str
    bounds: list[list[float]] | None = None
    opacity: float = 1.0
    is_base: bool = False
    attribution: str = ""
    wms_layers: str | None = None
    wms_format: str = "image/png"
    shown: bool = True  # ticked in the layer switcher when the map opens


@dataclass
class MapParts:
    head: Markup
    html: Markup
    script: Markup
    name: str
    cluster_name: str | None = None
    layers: list[dict] = field(default_factory=list)


def build_map(
    *,
    layers: list[LayerSpec],
    fit: list[list[float]] | None,
    plan_size: tuple[int, int] | None = None,
    area: dict | None = None,
    shapes: list[dict] | None = None,
    cluster: bool = False,
    cluster_label: str = "",
    area_label: str = "",
    height_class: str = "map-large",
) -> MapParts:
    """A map of the given layers, zoomed to `fit`; `plan_size` (width, height) switches to
    Leaflet's CRS.Simple with the plan's pixels as coordinates."""
    simple = plan_size is not None
    # folium passes min/max zoom to its tile layer only; markercluster needs them on the map
    # itself (there is no tile layer), so they go in as raw Leaflet options.
    options = {"tiles": None, "control_scale": not simple, "zoom_start": 15, "zoomSnap": 0.25}
    if simple:
        width, height = plan_size
        options.update(crs="Simple", location=[height / 2, width / 2], zoom_start=0, minZoom=-4, maxZoom=3)
    else:
        options.update(location=_centre(fit) if fit else [51.34, 12.37], minZoom=11, maxZoom=20)
    fmap = folium.Map(**options)
    layer_names = []
    has_base = any(layer.is_base for layer in layers)
    for index, spec in enumerate(layers):
        layer = _layer(
            spec,
            overlay=not (spec.is_base or (not has_base and index == 0 and spec.kind != "image")),
        )
        layer.add_to(fmap)
        layer_names.append(
            {
                "name": spec.name,
                "var": layer.get_name(),
                "opacity": spec.opacity,
                "base": spec.is_base,
            }
        )
    if area:
        folium.GeoJson(
            area,
            name=area_label or "area",
            control=bool(area_label),
            style_function=lambda _f: {
                "color": "#073763",
                "weight": 3,
                "fill": False,
                "dashArray": "6 4",
            },
        ).add_to(fmap)
    for shape in shapes or []:
        folium.GeoJson(
            shape,
            control=False,
            style_function=lambda _f: {"color": "#a51d1d", "weight": 4, "fillOpacity": 0.25},
        ).add_to(fmap)
    cluster_layer = None
    if cluster:
        cluster_layer = MarkerCluster(name=cluster_label or "ideas", control=True)
        cluster_layer.add_to(fmap)
    if len(layers) > 1 or cluster:
        folium.LayerControl(collapsed=False).add_to(fmap)
    if fit:
        fmap.fit_bounds(fit)
    return _render(fmap, cluster_layer, layer_names, height_class)


def _centre(fit):
    (south, west), (north, east) = fit
    return [(south + north) / 2, (west + east) / 2]


def _layer(spec: LayerSpec, overlay: bool):
    if spec.kind == "image":
        layer = folium.raster_layers.ImageOverlay(
            image="data:,",
            bounds=spec.bounds,
            name=spec.name,
            opacity=spec.opacity,
            pixelated=False,
            overlay=True,
            control=True,
            interactive=False,
            alt=spec.name,
            show=spec.shown,
        )
        layer.url = spec.url  # folium would try to read a relative URL as a local file
        return layer
    if spec.kind == "wms":
        return folium.WmsTileLayer(
            url=spec.url,
            layers=spec.wms_layers or "",
            fmt=spec.wms_format,
            transparent=True,
            name=spec.name,
            attr=spec.attribution or spec.name,
            overlay=overlay,
            opacity=spec.opacity,
            show=spec.shown,
        )
    return folium.TileLayer(
        tiles=spec.url,
        attr=spec.attribution or spec.name,
        name=spec.name,
        overlay=overlay,
        opacity=spec.opacity,
        max_zoom=20,
        show=spec.shown,
    )


def _localise(element) -> None:
    """Point every element's JS/CSS at /static/vendor (on the instance: folium's lists are
    class attributes shared by every map in the process)."""
    for attribute in ("default_js", "default_css"):
        resources = getattr(element, attribute, None)
        if resources is None:
            continue
        local = []
        for name, _url in resources:
            if name in UNUSED:
                continue
            if name not in VENDOR_FILES:
                raise RuntimeError(f"folium wants {name!r}; add it to VENDOR_FILES and the Makefile")
            local.append((name, url_for("static", filename=VENDOR_FILES[name])))
        setattr(element, attribute, local)
    for child in element._children.values():
        _localise(child)


def _render(fmap: folium.Map, cluster_layer, layer_names: list[dict], height_class: str) -> MapParts:
    _localise(fmap)
    figure = fmap.get_root()
    figure.render()
    nonce = csp_nonce()
    head = []
    for child in figure.header._children.values():
        if isinstance(child, JavascriptLink):
            head.append(f'<script src="{escape(child.url)}" nonce="{nonce}"></script>')
        elif isinstance(child, CssLink):
            head.append(f'<link rel="stylesheet" href="{escape(child.url)}">')
        # everything else (viewport meta, global html/body styles, per-map inline styles) is
        # dropped on purpose; site.css sizes the map
    html = figure.html.render().replace('class="folium-map"', f'class="folium-map {escape(height_class)}"')
    script = f'<script nonce="{nonce}">{figure.script.render()}</script>'
    return MapParts(
        head=Markup("\n".join(head)),  # noqa: S704 - built from our own vendor URLs
        html=Markup(html),  # noqa: S704 - folium's div with generated ids only
        script=Markup(script),  # noqa: S704 - folium's code; user text enters only through json.dumps
        name=fmap.get_name(),
        cluster_name=cluster_layer.get_name() if cluster_layer is not None else None,
        layers=layer_names,
    )
