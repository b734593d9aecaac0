// The map of petitions: one marker per petition, its tooltip and popup built from DOM nodes
// (textContent), never from HTML strings, so a title shows as typed. The list next to the
// map holds the same petitions, so nothing depends on this file.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("petitions-map-data");
    var wrapper = document.querySelector(".map-wrapper[data-map-var]");
    var map = wrapper ? window[wrapper.getAttribute("data-map-var")] : null;
    if (!data || !map || !window.L) { return; }
    JSON.parse(data.getAttribute("data-petitions") || "[]").forEach(function (petition) {
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = petition.url;
      link.textContent = petition.title;
      var facts = document.createElement("p");
      facts.textContent = petition.state + " · " + petition.signatures;
      box.appendChild(link);
      box.appendChild(facts);
      var tooltip = document.createElement("span");
      tooltip.textContent = petition.title;
      L.marker([petition.lat, petition.lon], { title: petition.title, alt: petition.title, keyboard: true })
        .bindTooltip(tooltip)
        .bindPopup(box)
        .addTo(map);
    });
  });
})();
