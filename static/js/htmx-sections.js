// Sections that htmx swaps as a whole (data-htmx-section: the council's live console, the API
// tokens on the account page): after the swap, read the news out in the layout's status
// region and put focus where it was (elements keep their ids), on the error summary after a
// refusal, or on what the answer marks with data-focus-after-swap (a new API token, to copy).
// If the element is gone (a button that no longer fits), focus goes to the section's heading.
// Without this file the forms still work: each answers with a whole page.
(function () {
  "use strict";
  if (window.participationHtmxSections) { return; }
  window.participationHtmxSections = true;

  var pending = null;

  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region || !text) { return; }
    region.textContent = "";
    var p = document.createElement("p");
    p.className = "flash flash-info";
    p.textContent = text;
    region.appendChild(p);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var section = elt && elt.closest ? elt.closest("[data-htmx-section]") : null;
    if (!section) { pending = null; return; }
    var active = document.activeElement;
    var part = elt.closest("section[id]");
    pending = {
      sectionId: section.id,
      focusId: active && active.id ? active.id : null,
      partId: part ? part.id : null
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var done = pending;
    pending = null;
    var section = document.getElementById(done.sectionId);
    if (!section) { return; }
    var news = section.querySelector("[data-announce]");
    if (news) {
      announce(news.textContent);
      news.removeAttribute("data-announce");
    }
    var target = section.querySelector("#error-summary") || section.querySelector("[data-focus-after-swap]");
    if (!target && done.focusId) {
      var same = document.getElementById(done.focusId);
      if (same && section.contains(same) && !same.disabled) { target = same; }
    }
    if (!target) {
      var part = done.partId ? document.getElementById(done.partId) : section;
      target = part ? part.querySelector("h2") : null;
    }
    if (target) {
      target.focus();
      if (target.select && target.readOnly) { target.select(); }
    }
  });
})();
