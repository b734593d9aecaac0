// Maps of consultations: ideas loaded by bounding box into a marker cluster, opacity sliders,
// placing positions by click or keyboard crosshair, and the support button's htmx swap.
// Every page works without this file: the list, the coordinate fields and the forms are HTML.
// What residents wrote reaches Leaflet only as DOM nodes filled with textContent: Leaflet
// inserts strings as HTML (tooltips, popups), and an idea title is not HTML.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region) { return; }
    region.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-info";
    p.textContent = text;
    region.appendChild(p);
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function textNode(tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    element.dir = "auto";  // a title in another script keeps its own direction
    return element;
  }

  // Is [x, y] (longitude/latitude, or plan pixels) inside a GeoJSON Polygon or MultiPolygon?
  function ringContains(ring, point) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > point[1]) !== (b[1] > point[1]) &&
          point[0] < (b[0] - a[0]) * (point[1] - a[1]) / (b[1] - a[1]) + a[0]) {
        inside = !inside;
      }
    }
    return inside;
  }

  function areaContains(area, point) {
    var polygons = area.type === "Polygon" ? [area.coordinates] : area.coordinates;
    return polygons.some(function (rings) {
      return ringContains(rings[0], point) && !rings.slice(1).some(function (hole) { return ringContains(hole, point); });
    });
  }

  function addOpacityControls(wrapper, tools) {
    var layers = JSON.parse(wrapper.getAttribute("data-layers") || "[]");
    layers.forEach(function (info, index) {
      var layer = window[info.var];
      if (!layer || !layer.setOpacity) { return; }
      var id = wrapper.id + "-opacity-" + index;
      var field = document.createElement("div");
      field.className = "map-opacity";
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = format(wrapper.getAttribute("data-label-opacity"), { layer: info.name });
      var input = document.createElement("input");
      input.type = "range";
      input.id = id;
      input.min = "0";
      input.max = "100";
      input.step = "5";
      input.value = String(Math.round((info.opacity === undefined ? 1 : info.opacity) * 100));
      // the value as text, seen next to the slider and heard as "70 %" rather than "70"
      var output = document.createElement("output");
      output.setAttribute("for", id);
      output.className = "map-opacity-value";
      output.dir = "ltr";  // "70 %" keeps its order on right-to-left pages, like the scale
      function showValue() {
        var text = format(wrapper.getAttribute("data-label-percent"), { value: input.value });
        output.textContent = text;
        input.setAttribute("aria-valuetext", text);
      }
      input.addEventListener("input", function () {
        layer.setOpacity(Number(input.value) / 100);
        showValue();
      });
      showValue();
      field.appendChild(label);
      field.appendChild(input);
      field.appendChild(output);
      tools.appendChild(field);
    });
  }

  function popupContent() {
    var box = document.createElement("div");
    box.appendChild(textNode("a", ""));
    box.appendChild(document.createElement("p"));
    return box;
  }

  // Filled in place, also when live updates change an idea: an open popup keeps its focus.
  function describe(entry, props, legend, supportsLabel) {
    var link = entry.popup.firstChild, meta = entry.popup.lastChild;
    var status = (legend.status_labels || {})[props.status] || props.status;
    var text = [status, props.category, format(supportsLabel, { count: props.supports })].filter(Boolean).join(" · ");
    if (link.textContent !== props.title) { link.textContent = props.title; }
    if (link.getAttribute("href") !== props.url) { link.href = props.url; }
    if (meta.textContent !== text) { meta.textContent = text; }
    if (entry.tooltip.textContent !== props.title) { entry.tooltip.textContent = props.title; }
  }

  function loadIdeas(map, wrapper, cluster) {
    var baseUrl = wrapper.getAttribute("data-ideas-url");
    var shapes = L.layerGroup().addTo(map);
    var markers = {};  // idea id -> {marker, shape}; kept across refreshes so popups stay open
    var groups = [];  // server-side clusters, replaced on every refresh
    var timer = null;
    var request = 0;
    var focusing = false;
    var showPending = function () {};

    // Plan-only consultations: the API keeps `geometry` for WGS 84 (RFC 7946) and sends the
    // position in pixels of the plan as properties.plan_geometry; this map draws in pixels.
    var plan = wrapper.getAttribute("data-plan") === "true";
    function onThisMap(feature) {
      if (feature.geometry || !feature.properties.plan_geometry) { return feature; }
      return { type: "Feature", geometry: feature.properties.plan_geometry, properties: feature.properties };
    }

    function centreOf(feature) {
      if (feature.geometry.type === "Point") {
        return L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
      }
      return L.geoJSON(feature).getBounds().getCenter();
    }

    // legend: the collection's categories (id -> name, colour) and status labels
    function addIdea(feature, legend) {
      var props = feature.properties;
      var category = (legend.categories || {})[props.category_id];
      var color = category ? category.color : "#0b5394";
      var shape = null;
      if (feature.geometry.type !== "Point") {
        shape = L.geoJSON(feature, { style: { color: color, weight: 4, fillOpacity: 0.2 } }).addTo(shapes);
      }
      var marker = L.circleMarker(centreOf(feature), { radius: 9, color: "#fff", weight: 2, fillColor: color,
                                                       fillOpacity: 1 });
      var entry = { marker: marker, shape: shape, popup: popupContent(), tooltip: textNode("span", ""),
                    drawn: drawnAs(feature) };
      describe(entry, props, legend, wrapper.getAttribute("data-label-supports"));
      marker.bindPopup(entry.popup);
      marker.bindTooltip(entry.tooltip);
      cluster.addLayer(marker);
      markers[props.id] = entry;
    }

    // what the marker's position and colour depend on: when it changes, the marker is redrawn
    function drawnAs(feature) {
      return JSON.stringify([feature.geometry, feature.properties.category_id]);
    }

    function removeIdea(id) {
      cluster.removeLayer(markers[id].marker);
      if (markers[id].shape) { shapes.removeLayer(markers[id].shape); }
      delete markers[id];
    }

    function addGroup(feature) {
      var props = feature.properties;
      var where = centreOf(feature);
      var icon = L.divIcon({ className: "server-cluster", html: "<span>" + Number(props.count) + "</span>",
                             iconSize: [40, 40] });
      var group = L.marker(where, { icon: icon, keyboard: true,
                                    title: format(wrapper.getAttribute("data-label-cluster"), { count: props.count }) });
      group.on("click", function () { map.setView(where, map.getZoom() + 2); });
      cluster.addLayer(group);
      groups.push(group);
    }

    function show(data) {
      groups.forEach(function (group) { cluster.removeLayer(group); });
      groups = [];
      var seen = {};
      data.features.forEach(function (feature) {
        feature = onThisMap(feature);
        if (feature.properties.cluster) {
          addGroup(feature);
          return;
        }
        var id = feature.properties.id, known = markers[id];
        seen[id] = true;
        if (known && known.drawn !== drawnAs(feature)) {
          removeIdea(id);
          known = null;
        }
        if (known) {
          describe(known, feature.properties, data.properties || {}, wrapper.getAttribute("data-label-supports"));
        } else {
          addIdea(feature, data.properties || {});
        }
      });
      Object.keys(markers).forEach(function (id) {
        if (!seen[id]) { removeIdea(id); }
      });
      showPending();
    }

    function refresh() {
      if (focusing) { return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
      var url = baseUrl + (baseUrl.indexOf("?") === -1 ? "?" : "&") + (plan ? "plan_bbox=" : "bbox=") + bbox.join(",");
      var mine = ++request;
      fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && mine === request) { show(data); } })
        .catch(function () { /* the list below still shows every idea */ });
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
    refresh();

    // "Show on the map": bring the idea's marker into view, open its popup and move focus
    // there (the link to the idea), so keyboard and screen reader users land on the map too.
    var pending = null;  // an idea not loaded yet (outside the view, or in a server cluster)

    function reveal(id, title) {
      var done = false;
      function finish() {
        if (done) { return; }
        done = true;
        focusing = false;
        window.clearTimeout(timer);
        timer = window.setTimeout(refresh, 250);  // the moves while focusing loaded nothing
        var entry = markers[id];
        var target = map.getContainer();
        // on the map itself, not hidden in a cluster (circle markers have no icon, so
        // markercluster's getVisibleParent cannot tell)
        if (entry && map.hasLayer(entry.marker)) {
          entry.marker.openPopup();
          var link = entry.marker.getPopup().getContent().querySelector("a");
          if (link) { target = link; }
        }
        target.focus({ preventScroll: true });
        announce(format(wrapper.getAttribute("data-label-shown"), { title: title }));
      }
      focusing = true;
      cluster.zoomToShowLayer(markers[id].marker, finish);
      // markercluster does not call back while a zoom animation is still being counted
      window.setTimeout(finish, 1500);
    }

    showPending = function () {
      if (pending && markers[pending.id]) {
        var next = pending;
        pending = null;
        window.clearTimeout(next.timer);
        reveal(next.id, next.title);
      }
    };

    function offerShowOnMap(within) {
      within.querySelectorAll(".show-on-map").forEach(function (button) { button.hidden = false; });
    }
    offerShowOnMap(document);

    // Live updates (live.js) added or changed an idea: load the view again, which brings new
    // ideas and changed texts, and offer "Show on the map" in a new list entry too.
    document.addEventListener("live:idea", function (event) {
      if (event.detail.item) { offerShowOnMap(event.detail.item); }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 100);
    });

    // One listener for every button, also those of entries added later.
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".show-on-map") : null;
      if (!button) { return; }
      var id = button.getAttribute("data-idea-id");
      var title = button.getAttribute("data-title") || "";
      wrapper.scrollIntoView({ block: "center" });
      if (markers[id]) {
        reveal(id, title);
        return;
      }
      var lat = Number(button.getAttribute("data-lat")), lng = Number(button.getAttribute("data-lng"));
      if (!isFinite(lat) || !isFinite(lng) || !button.hasAttribute("data-lat")) {
        map.getContainer().focus({ preventScroll: true });
        return;
      }
      // the next load (after the move) finds the idea; if it never does, focus the map
      pending = { id: id, title: title, timer: window.setTimeout(function () {
        pending = null;
        map.getContainer().focus({ preventScroll: true });
        announce(format(wrapper.getAttribute("data-label-shown"), { title: title }));
      }, 4000) };
      map.setView([lat, lng], Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 3, map.getMinZoom())));
    });
  }

  function setupPlacement(map, wrapper, tools) {
    var field = document.getElementById(wrapper.getAttribute("data-placement-field"));
    if (!field) { return; }
    var plan = wrapper.getAttribute("data-plan") === "true";
    var preview = L.layerGroup().addTo(map);
    // An idea must lie inside the participation area: say so at once, not only after sending
    // (the server still decides). Not for staff drawing the area itself.
    var area = field.getAttribute("data-positions") === "polygon" ? null
      : JSON.parse(wrapper.getAttribute("data-area") || "null");
    var warning = wrapper.parentNode.querySelector(".map-warning");

    function kind() {
      if (field.getAttribute("data-positions") === "polygon") { return "polygon"; }
      var checked = document.querySelector('input[name="kind"]:checked');
      return checked ? checked.value : "point";
    }

    function positions() {
      return field.value.split(/\n|;/).map(function (line) {
        var parts = line.trim().split(/[\s,]+/).filter(Boolean).map(Number);
        return parts.length === 2 && parts.every(isFinite) ? parts : null;
      }).filter(Boolean);
    }

    function draw() {
      preview.clearLayers();
      var latlngs = positions().map(function (p) { return plan ? L.latLng(p[1], p[0]) : L.latLng(p[0], p[1]); });
      latlngs.forEach(function (ll) { L.circleMarker(ll, { radius: 6, color: "#a51d1d" }).addTo(preview); });
      if (kind() === "line" && latlngs.length > 1) { L.polyline(latlngs, { color: "#a51d1d" }).addTo(preview); }
      if (kind() === "polygon" && latlngs.length > 2) { L.polygon(latlngs, { color: "#a51d1d" }).addTo(preview); }
      if (area && warning) {
        var outside = latlngs.some(function (ll) { return !areaContains(area, [ll.lng, ll.lat]); });
        var text = outside ? wrapper.getAttribute("data-label-outside") : "";
        if (warning.textContent !== text) { warning.textContent = text; }
      }
    }

    function add(latlng) {
      var text = plan ? latlng.lng.toFixed(1) + ", " + latlng.lat.toFixed(1)
                      : latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
      var lines = kind() === "point" ? [] : field.value.split("\n").filter(function (l) { return l.trim(); });
      lines.push(text);
      field.value = lines.join("\n");
      draw();
      announce(format(wrapper.getAttribute("data-label-added"), { count: lines.length }));
    }

    function button(label, handler) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button button-secondary";
      b.textContent = label;
      b.addEventListener("click", handler);
      tools.appendChild(b);
      return b;
    }

    map.on("click", function (event) { add(event.latlng); });
    button(wrapper.getAttribute("data-label-add-centre"), function () { add(map.getCenter()); });
    button(wrapper.getAttribute("data-label-clear"), function () {
      field.value = "";
      draw();
      announce(wrapper.getAttribute("data-label-cleared"));
    });
    // Keyboard: the map pans with the arrow keys (Leaflet); Enter places at the crosshair.
    map.getContainer().addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === map.getContainer()) {
        event.preventDefault();
        add(map.getCenter());
      }
    });
    field.addEventListener("input", draw);
    document.querySelectorAll('input[name="kind"]').forEach(function (r) { r.addEventListener("change", draw); });
    draw();
  }

  function setup(wrapper) {
    var map = window[wrapper.getAttribute("data-map-var")];
    if (!map) { return; }
    var tools = wrapper.parentNode.querySelector(".map-tools");
    addOpacityControls(wrapper, tools);
    var clusterVar = wrapper.getAttribute("data-cluster-var");
    if (clusterVar && wrapper.getAttribute("data-ideas-url") && window[clusterVar]) {
      loadIdeas(map, wrapper, window[clusterVar]);
    }
    if (wrapper.getAttribute("data-placement-field")) {
      setupPlacement(map, wrapper, tools);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Colours set through the CSSOM: the CSP forbids style attributes in the markup.
    document.querySelectorAll(".swatch[data-color]").forEach(function (swatch) {
      swatch.style.backgroundColor = swatch.getAttribute("data-color");
    });
    document.querySelectorAll(".map-wrapper[data-map-var]").forEach(setup);
  });

  // Support button: after htmx swaps the partial, keep focus on the button and read the news out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var news = document.querySelector(".supports [data-announce]");
    if (news) { announce(news.textContent); }
    var target = event.detail.target;
    var id = target && target.id ? target.id.replace("supports-", "support-button-") : null;
    var button = id ? document.getElementById(id) : null;
    if (button) { button.focus(); }
  });
})();
