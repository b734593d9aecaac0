// Comments and follow buttons after an htmx swap: read the news out in the layout's status
// region and put focus back on a stable element. Everything works without this file.
(function () {
  "use strict";
  // Pages include this file once per comment section and follow button: listen only once.
  if (window.participationComments) { return; }
  window.participationComments = true;

  var AREAS = ".comments, .follow-box, .comment-votes";
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

  function lastPageLoaded() {
    var page = 0;
    document.querySelectorAll(".comment-thread[data-page]").forEach(function (li) {
      page = Math.max(page, Number(li.getAttribute("data-page")));
    });
    return page;
  }

  // Before the request, note what had focus and whether "load more" was pressed: the element
  // itself is gone after the swap.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest(AREAS)) { pending = null; return; }
    var active = document.activeElement;
    pending = {
      focusId: active && active.id ? active.id : null,
      loadMore: !!elt.closest("#comments-more")
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var done = pending;
    pending = null;
    var news = document.querySelectorAll(".comments [data-announce], .follow-box [data-announce], .comment-votes [data-announce]");
    news.forEach(function (item, index) {
      if (index === news.length - 1) { announce(item.textContent); }
      item.removeAttribute("data-announce");
      if (item.tagName === "LI") { item.parentNode.removeChild(item); }
    });
    var summary = document.querySelector(".comments #error-summary");
    if (summary) { summary.focus(); return; }
    if (done.loadMore) {
      var first = document.querySelector('.comment-thread[data-page="' + lastPageLoaded() + '"] > article');
      if (first) { first.focus(); return; }
    }
    var same = done.focusId ? document.getElementById(done.focusId) : null;
    if (same) { same.focus(); }
  });
})();
