"""folium maps rendered into our own pages under the strict CSP.

folium writes a whole HTML document with CDN links, global `html, body` styles and a
`user-scalable=no` viewport. We render its three parts separately instead: the header is
reduced to links to /static/vendor (every library folium wants must be mapped here, or
rendering fails loudly), the map div goes into the page, and the script gets the request's
nonce. Pages then call `{{ map.head }}`, `{{ map.html }}` and `{{ map.script }}`.

Leaflet inserts layer names and attributions as HTML. Every such string we hand it is
escaped here exactly once (`_text`), so a staff member's `<i>Plan</i>` shows as typed; idea
titles never pass through Python at all (static/js/consultation-map.js builds DOM nodes).
The controls (zoom, scale, layers) are ours too (`MapControls`): their titles in the page's
language, a metric scale that reads left to right in Arabic, and a layer switcher that
stays collapsed on small screens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from folium.plugins import MarkerCluster
from folium.template import Template
from markupsafe import Markup, escape

from participation.core import data_versions
from participation.core.access import Role
from participation.core.locale import current_locale
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
    description: str = ""  # an image's text alternative: what it shows


@dataclass
class MapParts:
    head: Markup
    html: Markup
    script: Markup
    name: str
    cluster_name: str | None = None
    layers: list[dict] = field(default_factory=list)
    # a geographic map without the city's background map (setting BASEMAP_URL); staff are
    # told where it is configured
    missing_basemap: bool = False
    tell_where_to_configure: bool = False
    # the participation area, for the map's instant check of a placed position
    area: dict | None = None
    # (name, description) of the image layers, for a text alternative next to the map
    descriptions: list[tuple[str, str]] = field(default_factory=list)


def basemap() -> LayerSpec | None:
    """The city's background map (settings BASEMAP_*), or None when none is configured."""
    config = current_app.config.get("BASEMAP")
    if not config:
        return None
    return LayerSpec(
        _("City map"),
        config["kind"],
        config["url"],
        is_base=True,
        attribution=config["attribution"],
        wms_layers=config.get("wms_layers") or None,
    )


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
    Leaflet's CRS.Simple with the plan's pixels as coordinates. Geographic maps lie on the
    city's background map (settings BASEMAP_*) when one is configured."""
    simple = plan_size is not None
    # folium passes min/max zoom to its tile layer only; markercluster needs them on the map
    # itself (there is no tile layer), so they go in as raw Leaflet options. The zoom and
    # scale controls are added by MapControls, in the page's language.
    options = {"tiles": None, "zoom_control": False, "zoom_start": 15, "zoomSnap": 0.25}
    if simple:
        width, height = plan_size
        options.update(crs="Simple", location=[height / 2, width / 2], zoom_start=0, minZoom=-4, maxZoom=3)
    else:
        options.update(location=_centre(fit) if fit else [51.34, 12.37], minZoom=11, maxZoom=20)
    fmap = folium.Map(**options)
    city = None if simple else basemap()
    specs = ([city] if city else []) + list(layers)
    shown = _shown(specs, city)
    entries = []  # for the layer switcher: (folium variable, name, base layer?)
    layer_names = []
    for spec, overlay in zip(specs, _overlays(specs), strict=True):
        layer = _layer(spec, overlay=overlay, show=shown[id(spec)])
        layer.add_to(fmap)
        entries.append({"var": layer.get_name(), "name": _text(spec.name), "base": not overlay})
        layer_names.append(
            {
                "name": spec.name,
                "var": layer.get_name(),
                "opacity": spec.opacity,
                "base": spec.is_base,
            }
        )
    if area:
        area_layer = folium.GeoJson(
            area,
            name=area_label or "area",
            control=False,
            style_function=lambda _f: {
                "color": "#073763",
                "weight": 3,
                "fill": False,
                "dashArray": "6 4",
            },
        )
        area_layer.add_to(fmap)
        if area_label:
            entries.append({"var": area_layer.get_name(), "name": _text(area_label), "base": False})
    for shape in shapes or []:
        folium.GeoJson(
            shape,
            control=False,
            style_function=lambda _f: {"color": "#a51d1d", "weight": 4, "fillOpacity": 0.25},
        ).add_to(fmap)
    cluster_layer = None
    if cluster:
        cluster_layer = MarkerCluster(name=cluster_label or "ideas", control=False)
        cluster_layer.add_to(fmap)
        name = _text(cluster_label or "ideas")
        entries.append({"var": cluster_layer.get_name(), "name": name, "base": False})
    switcher = entries if len(specs) > 1 or cluster else []
    MapControls(switcher, scale=not simple).add_to(fmap)
    if fit:
        fmap.fit_bounds(fit)
    parts = _render(fmap, cluster_layer, layer_names, height_class)
    parts.missing_basemap = not simple and city is None
    parts.tell_where_to_configure = getattr(current_user, "role", None) in (Role.STAFF, Role.ADMIN)
    parts.area = area
    parts.descriptions = [(s.name, s.description) for s in layers if s.kind == "image" and s.description]
    return parts


def _text(value: str) -> str:
    """A string Leaflet will insert as HTML, escaped once so that it shows as written."""
    return str(escape(value))


def _overlays(specs: list[LayerSpec]) -> list[bool]:
    """Which layers are overlays (check boxes) rather than backgrounds (radio buttons): images
    always; without any background, the first tile service becomes the background."""
    has_base = any(spec.is_base for spec in specs)
    result = []
    for index, spec in enumerate(specs):
        base = spec.kind != "image" and (spec.is_base or (not has_base and index == 0))
        result.append(not base)
    return result


def _shown(specs: list[LayerSpec], city: LayerSpec | None) -> dict[int, bool]:
    """Whether each layer is on the map when it opens. Of the backgrounds only one may be:
    the consultation's own (staff chose it for this map), else the city's background map."""
    overlays = _overlays(specs)
    backgrounds = [s for s, overlay in zip(specs, overlays, strict=True) if not overlay]
    own = next((s for s in backgrounds if s is not city and s.shown), None)
    chosen = own or (city if city in backgrounds else None)
    return {
        id(spec): spec.shown if overlay else spec is chosen
        for spec, overlay in zip(specs, overlays, strict=True)
    }


def _centre(fit):
    (south, west), (north, east) = fit
    return [(south + north) / 2, (west + east) / 2]


def _layer(spec: LayerSpec, overlay: bool, show: bool):
    attribution = _text(spec.attribution or spec.name)
    if spec.kind == "image":
        layer = folium.raster_layers.ImageOverlay(
            image="data:,",
            bounds=spec.bounds,
            name=spec.name,
            opacity=spec.opacity,
            pixelated=False,
            overlay=True,
            control=False,
            interactive=False,
            alt=spec.description or spec.name,  # set as a DOM property: no escaping
            attribution=_text(spec.attribution) if spec.attribution else None,
            show=show,
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
            attr=attribution,
            overlay=overlay,
            control=False,
            opacity=spec.opacity,
            show=show,
        )
    return folium.TileLayer(
        tiles=spec.url,
        attr=attribution,
        name=spec.name,
        overlay=overlay,
        control=False,
        opacity=spec.opacity,
        max_zoom=20,
        show=show,
    )


class MapControls(MacroElement):
    """Zoom buttons, a metric scale and the layer switcher, with texts in the page's language
    (Leaflet's own speak English) and layer names as text. On small screens the switcher
    starts collapsed; its button opens it (Enter or click), Escape and leaving it close it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, text, entries) {
            L.control.zoom({zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut}).addTo(map);
            {%- if this.scale %}
            L.control.scale({imperial: false}).addTo(map).getContainer().setAttribute("dir", "ltr");
            {%- endif %}
            map.attributionControl.setPrefix("Leaflet");  // without the link's English title
            if (!entries.length) { return; }
            var collapsed = window.matchMedia("(max-width: 40em)").matches;
            var control = L.control.layers(null, null, {collapsed: collapsed});
            var expand = control.expand, collapse = control.collapse;
            control.expand = function () {
                expand.call(control);
                var toggle = control._layersLink;
                toggle.setAttribute("aria-expanded", "true");
                if (document.activeElement === toggle) {
                    var first = control.getContainer().querySelector("input");
                    if (first) { first.focus(); }
                }
                return control;
            };
            control.collapse = function () {
                collapse.call(control);
                if (control._layersLink) { control._layersLink.setAttribute("aria-expanded", "false"); }
                return control;
            };
            {%- for entry in this.entries %}
            control.{{ "addBaseLayer" if entry.base else "addOverlay" }}(
                {{ entry.var }}, entries[{{ loop.index0 }}].name);
            {%- endfor %}
            control.addTo(map);
            var container = control.getContainer(), toggle = control._layersLink;
            toggle.title = text.layers;
            toggle.setAttribute("aria-label", text.layers);
            if (!collapsed) { return; }
            toggle.setAttribute("aria-expanded", "false");
            container.addEventListener("keydown", function (event) {
                if (event.key === "Escape") { control.collapse(); toggle.focus(); }
            });
            container.addEventListener("focusout", function (event) {
                if (!event.relatedTarget || !container.contains(event.relatedTarget)) { control.collapse(); }
            });
        })({{ this._parent.get_name() }}, {{ this.text|tojson }}, {{ this.entries|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, entries: list[dict], scale: bool):
        super().__init__()
        self._name = "MapControls"
        self.entries = entries
        self.scale = scale
        self.text = {"zoomIn": _("Zoom in"), "zoomOut": _("Zoom out"), "layers": _("Map layers")}


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


# --- kept maps ---------------------------------------------------------------------------------

_NONCE_PLACEHOLDER = "\x00map-nonce\x00"


def kept(key: str, groups: list[str], build: Callable[[], MapParts | None]) -> MapParts | None:
    """The map `build` makes, kept in the shared cache per object, language and viewer kind
    until a table of `groups` is written (core.data_versions): folium builds and renders a
    map in about 15 ms, the same for everybody who opens the page. The scripts get this
    request's nonce."""

    def stored() -> MapParts | None:
        parts = build()
        if parts is None:
            return None
        nonce = csp_nonce()
        return replace(
            parts,
            head=str(parts.head).replace(nonce, _NONCE_PLACEHOLDER),
            script=str(parts.script).replace(nonce, _NONCE_PLACEHOLDER),
        )

    staff = getattr(current_user, "role", None) in (Role.STAFF, Role.ADMIN)  # they see more
    found = data_versions.remembered(groups, f"map:{key}:{current_locale()}:{int(staff)}", stored)
    if found is None:
        return None
    nonce = csp_nonce()
    return replace(
        found,
        head=Markup(found.head.replace(_NONCE_PLACEHOLDER, nonce)),  # noqa: S704 - rendered by build_map
        script=Markup(found.script.replace(_NONCE_PLACEHOLDER, nonce)),  # noqa: S704
        layers=list(found.layers),
    )
