// The overview map of city projects: one marker per project, its popup a link to the project.
// Popups are built from DOM nodes (textContent), never from HTML strings. The list next to
// the map holds the same projects, so nothing depends on this file.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("projects-map-data");
    var wrapper = document.querySelector(".map-wrapper[data-map-var]");
    var map = wrapper ? window[wrapper.getAttribute("data-map-var")] : null;
    if (!data || !map || !window.L) { return; }
    JSON.parse(data.getAttribute("data-projects") || "[]").forEach(function (project) {
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = project.url;
      link.textContent = project.title;
      var status = document.createElement("p");
      status.textContent = project.status;
      box.appendChild(link);
      box.appendChild(status);
      L.marker([project.lat, project.lon], { title: project.title, alt: project.title, keyboard: true })
        .bindPopup(box)
        .addTo(map);
    });
  });
})();
