// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // htmx sends the CSRF token as a header on every request that changes something.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  // After a failed submission, move focus to the error summary so it is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();

// Screen readers announce changes to a live region, not what it held when the page loaded:
// re-insert the flashed messages after load so "Your settings are saved" is actually heard.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var region = document.getElementById("live-status");
  if (!region || !region.children.length) {
    return;
  }
  var messages = Array.prototype.slice.call(region.children);
  messages.forEach(function (message) { region.removeChild(message); });
  window.setTimeout(function () {
    messages.forEach(function (message) { region.appendChild(message); });
  }, 150);
});
