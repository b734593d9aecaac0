// Live updates: the notification counter in the header, the ideas of a consultation, the
// count of a petition and the live page of a council session change without a reload. Events come over Server-Sent Events (/live/stream), or by polling
// /live/poll when EventSource is missing or keeps failing. They carry only ids and counts;
// what changed is fetched from the server as our own HTML fragments (escaped by Jinja),
// parsed by DOMParser and merged into the page node by node, so focus stays where it is.
// Without this file the page is as it was: a reload shows the new state.
(function () {
  "use strict";

  var ANNOUNCE_AFTER_MS = 700;  // one announcement for a burst of changes
  var BURST_MS = 1500;  // notification counts that arrive together are announced once
  var POLL_MS = 20000;  // until the server says otherwise (interval_ms in the poll answer)
  var POLL_MIN_MS = 1000;
  var QUIET_SLOWDOWN = 3;  // nothing new: polls slow down to at most 3 times the interval
  var POLL_MAX_MS = 300000;  // after errors
  var STREAM_FAILURES = 3;  // errors without a successful connect before polling instead
  var HIDDEN_STREAM_MS = 60000;  // a stream of a hidden tab is closed after this long

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // --- the polite live region ------------------------------------------------------------------

  var queued = [];
  var announceTimer = null;

  function announce(text) {
    if (!text || queued.indexOf(text) !== -1) { return; }
    queued.push(text);
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(flushAnnouncements, ANNOUNCE_AFTER_MS);
  }

  function flushAnnouncements() {
    var region = document.getElementById("live-status");
    if (!region || !queued.length) { return; }
    region.textContent = "";
    queued.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "flash flash-info";
      p.textContent = text;
      region.appendChild(p);
    });
    queued = [];
  }

  // --- the notification counter ----------------------------------------------------------------

  function pluralText(patterns, count) {
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
    var category = rules ? rules.select(count) : (count === 1 ? "one" : "other");
    var pattern = patterns[category] || patterns.other || patterns[Object.keys(patterns)[0]] || "";
    return format(pattern, { num: String(count) });
  }

  function NotificationCounter(link) {
    var counter = link.querySelector(".counter");
    var label = link.querySelector(".counter-label");
    var labels = JSON.parse(link.getAttribute("data-label-unread") || "{}");
    var news = JSON.parse(link.getAttribute("data-label-unread-news") || "{}");
    var shown = Number(link.getAttribute("data-unread")) || 0;
    var burstFrom = null;
    var burstTimer = null;

    function show(count) {
      shown = count;
      link.setAttribute("data-unread", String(count));
      counter.textContent = String(count);
      counter.hidden = count === 0;
      // the link's accessible name: "Notifications (3 unread)"; the visible number is aria-hidden
      label.textContent = count ? " " + pluralText(labels, count) : "";
    }

    this.update = function (count) {
      count = Number(count);
      if (!isFinite(count) || count < 0 || count === shown) { return; }
      if (burstFrom === null) { burstFrom = shown; }
      show(count);
      window.clearTimeout(burstTimer);
      burstTimer = window.setTimeout(function () {
        if (shown > burstFrom) { announce(pluralText(news, shown)); }  // read-elsewhere needs no news
        burstFrom = null;
      }, BURST_MS);
    };

    // After a `reset`: the count as a freshly loaded page shows it, without announcing it.
    this.adopt = function (fresh) {
      var count = fresh ? Number(fresh.getAttribute("data-unread")) : NaN;
      if (isFinite(count)) { show(count); }
    };
  }

  // --- the ideas of a consultation -------------------------------------------------------------

  function laterSibling(node, id) {
    for (var next = node.nextSibling; next; next = next.nextSibling) {
      if (next.nodeType === 1 && next.id === id) { return next; }
    }
    return null;
  }

  function keepKey(node) {
    return node && node.nodeType === 1 ? node.getAttribute("data-live-keep") : null;
  }

  // Make `from` look like `to`, keeping every element that is still there (and with it focus,
  // the map script's listeners and the reading position of a screen reader). Siblings with ids
  // are matched by id, so an entry inserted at the top of a list leaves the others as they are.
  // An element with data-live-keep is left alone while its key stays the same (a playing
  // video, whose src a player script set), and replaced as a whole when the key changes.
  function morph(from, to) {
    Array.prototype.slice.call(from.attributes).forEach(function (attribute) {
      if (!to.hasAttribute(attribute.name)) { from.removeAttribute(attribute.name); }
    });
    Array.prototype.slice.call(to.attributes).forEach(function (attribute) {
      if (from.getAttribute(attribute.name) !== attribute.value) { from.setAttribute(attribute.name, attribute.value); }
    });
    var old = from.firstChild;
    for (var fresh = to.firstChild; fresh; fresh = fresh.nextSibling) {
      if (old && fresh.nodeType === 1 && fresh.id && old.nodeType === 1 && old.id && old.id !== fresh.id) {
        var same = laterSibling(old, fresh.id);
        if (!same) {
          from.insertBefore(document.importNode(fresh, true), old);
          continue;
        }
        from.insertBefore(same, old);
        old = same;
      }
      if (keepKey(old) !== null && keepKey(fresh) !== null && old.tagName === fresh.tagName) {
        if (keepKey(old) !== keepKey(fresh)) {
          var replacement = document.importNode(fresh, true);
          from.replaceChild(replacement, old);
          old = replacement;
        }
        old = old.nextSibling;
        continue;
      }
      if (old && old.nodeType === fresh.nodeType && (old.nodeType !== 1 || old.tagName === fresh.tagName)) {
        if (old.nodeType === 1) {
          morph(old, fresh);
        } else if (old.nodeValue !== fresh.nodeValue) {
          old.nodeValue = fresh.nodeValue;
        }
        old = old.nextSibling;
      } else {
        from.insertBefore(document.importNode(fresh, true), old);
      }
    }
    while (old) {
      var next = old.nextSibling;
      from.removeChild(old);
      old = next;
    }
  }

  // Our own fragment, parsed inertly: DOMParser runs no scripts and loads nothing.
  function parseFragment(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("script").forEach(function (s) { s.parentNode.removeChild(s); });
    return doc;
  }

  function titleOf(item) {
    var link = item.querySelector("h3 a, h3");
    return link ? link.textContent.trim() : "";
  }

  // Content inserted above what the reader sees must not push it down. Browsers with scroll
  // anchoring keep it still themselves; elsewhere, measure something in view and scroll back
  // by as much as it moved.
  var anchorsScroll = !!(window.CSS && CSS.supports && CSS.supports("overflow-anchor", "auto"));

  function keepingScroll(list, change) {
    var anchor = null;
    if (!anchorsScroll && list.getBoundingClientRect().top < 0) {
      anchor = Array.prototype.filter.call(list.children, function (li) {
        return li.getBoundingClientRect().bottom > 0;
      })[0] || list.nextElementSibling;
    }
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (anchor) {
      var moved = anchor.getBoundingClientRect().top - before;
      if (moved) { window.scrollBy(0, moved); }
    }
  }

  function highlight(item) {
    item.classList.remove("live-news");
    void item.offsetWidth;  // restart the animation for a second change
    item.classList.add("live-news");
    window.setTimeout(function () { item.classList.remove("live-news"); }, 4000);
  }

  function IdeaList(list) {
    var itemUrl = list.getAttribute("data-item-url");
    var insertNew = list.getAttribute("data-insert-new") === "true";
    var busy = {};  // idea id -> the change to fetch once the running fetch is done

    function urlFor(id) {
      return itemUrl.replace("/ideen/0/_item", "/ideen/" + encodeURIComponent(id) + "/_item");
    }

    function tellOthers(id, change, item) {
      document.dispatchEvent(new CustomEvent("live:idea", { detail: { id: String(id), change: change, item: item } }));
    }

    function apply(id, change, html) {
      var fresh = parseFragment(html).querySelector("li.idea-card");
      if (!fresh) { return; }
      var existing = document.getElementById("idea-" + id);
      var labels = { created: "data-label-created", status: "data-label-status", updated: "data-label-updated" };
      if (existing) {
        var statusBefore = (existing.querySelector(".badge") || {}).textContent;
        var textBefore = existing.textContent;
        morph(existing, fresh);
        if (existing.textContent !== textBefore) {
          var statusChanged = (existing.querySelector(".badge") || {}).textContent !== statusBefore;
          announce(format(list.getAttribute(labels[statusChanged ? "status" : "updated"]), { title: titleOf(existing) }));
          highlight(existing);
        }
        tellOthers(id, change, existing);
        return;
      }
      if (change !== "created") { tellOthers(id, change, null); return; }
      var item = null;
      if (insertNew) {
        item = document.importNode(fresh, true);
        keepingScroll(list, function () {
          var empty = list.querySelector(".empty-state");
          if (empty) { list.removeChild(empty); }
          list.insertBefore(item, list.firstElementChild);
        });
        var count = document.getElementById("ideas-count");
        if (count) {
          var total = (Number(count.getAttribute("data-count")) || 0) + 1;
          count.setAttribute("data-count", String(total));
          count.textContent = "(" + total + ")";
        }
        highlight(item);
      }
      // announced even on later pages of the list: the map shows it
      announce(format(list.getAttribute(labels.created), { title: titleOf(fresh) }));
      tellOthers(id, change, item);
    }

    function load(id, change) {
      if (busy[id] !== undefined) {
        busy[id] = busy[id] === "created" ? "created" : change;  // fetched again when done
        return;
      }
      busy[id] = null;
      fetch(urlFor(id), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) {
          // 204: outside the list's filters; 404: not (or no longer) for this visitor's eyes
          return response.status === 200 ? response.text() : null;
        })
        .then(function (html) { if (html !== null) { apply(id, change, html); } })
        .catch(function () { /* a reload shows it */ })
        .then(function () {
          var again = busy[id];
          delete busy[id];
          if (again) { load(id, again); }
        });
    }

    this.changed = function (data) {
      if (data && data.idea_id !== undefined) { load(String(data.idea_id), data.change); }
    };

    // After a `reset`: the list as a freshly loaded page shows it, merged in quietly.
    this.adopt = function (doc) {
      var freshList = doc.getElementById(list.id);
      var freshCount = doc.getElementById("ideas-count");
      var count = document.getElementById("ideas-count");
      if (!freshList) { return; }
      keepingScroll(list, function () { morph(list, freshList); });
      if (freshCount && count) { morph(count, freshCount); }
      tellOthers("", "reset", list);
    };
  }

  // --- the count of a petition ----------------------------------------------------------------

  var COUNT_FETCH_MS = 1000;  // at most one fetch of a count fragment a second
  var COUNT_SETTLE_MS = 1500;  // and one more after the last event: every worker's cache is fresh by then
  var COUNT_ANNOUNCE_MS = 60000;  // the count is read out at most once a minute, milestones at once
  var MILESTONES = [25, 50, 75, 100];

  // The block `_count.html` (data-live-topic="petition:<id>", data-live-fragment: its own URL).
  // Events carry the new figures; the block is fetched again and merged in, so its progress
  // bar and texts come from the server. Optional attributes: data-live-quorum (for milestones),
  // data-label-count (plural patterns with %(num)s) and data-label-milestone (%(percent)s).
  function PetitionCount(block) {
    var topic = block.getAttribute("data-live-topic");
    var url = block.getAttribute("data-live-fragment");
    var applied = null;  // "count/for_quorum" of the last event acted upon
    var busy = false;
    var lastFetch = 0;
    var fetchTimer = null;
    var settleTimer = null;
    var lastAnnounced = Date.now();  // the page was just read: no news for the first minute

    function reached(forQuorum) {
      var quorum = Number(block.getAttribute("data-live-quorum"));
      if (!quorum || !isFinite(forQuorum)) { return 0; }
      return MILESTONES.filter(function (p) { return forQuorum * 100 >= p * quorum; }).pop() || 0;
    }

    function tell(before, data) {
      var milestone = reached(Number(data.for_quorum));
      var label = block.getAttribute("data-label-milestone");
      if (label && milestone > reached(before)) {
        announce(format(label, { percent: String(milestone) }));
        lastAnnounced = Date.now();
      } else if (Date.now() - lastAnnounced >= COUNT_ANNOUNCE_MS && block.getAttribute("data-label-count")) {
        announce(pluralText(JSON.parse(block.getAttribute("data-label-count")), Number(data.signature_count)));
        lastAnnounced = Date.now();
      }
    }

    function load() {
      if (busy) { return; }
      var wait = lastFetch + COUNT_FETCH_MS - Date.now();
      if (wait > 0) {
        window.clearTimeout(fetchTimer);
        fetchTimer = window.setTimeout(load, wait);
        return;
      }
      busy = true;
      lastFetch = Date.now();
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.status === 200 ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var doc = parseFragment(html);
          var fresh = (block.id && doc.getElementById(block.id)) || doc.body.firstElementChild;
          if (fresh) { morph(block, fresh); }
        })
        .catch(function () { /* the next event, or a reload, brings it */ })
        .then(function () { busy = false; });
    }

    this.topic = topic;

    this.changed = function (data) {
      if (!data || "petition:" + data.petition_id !== topic) { return; }
      var key = data.signature_count + "/" + data.for_quorum;
      window.clearTimeout(settleTimer);
      settleTimer = window.setTimeout(load, COUNT_SETTLE_MS);
      if (key === applied) { return; }
      // before the first event: what the page showed (data-live-for-quorum), else no milestone news
      var before = applied !== null ? Number(applied.split("/")[1]) :
        Number(block.getAttribute("data-live-for-quorum") || data.for_quorum);
      applied = key;
      tell(before, data);
      load();
    };

    // After a `reset`: fetched again, quietly.
    this.adopt = function () { load(); };
  }

  // --- the live page of a council session -----------------------------------------------------

  var MAX_NEWS = 4;  // read out after one merge: a reconnect after an hour must not read everything

  // The block `_live_state.html` (data-live-topic="meeting:<id>", data-live-fragment: its own
  // URL). Each `live` event fetches it again (304 when nothing changed: the ETag is kept) and
  // merges it in. What is new afterwards (an element whose data-news-key was not there before:
  // the state, the current item, a ticker entry, a vote) is read out from its data-news-text.
  // Other scripts (the video player) hear of each merge through the event `live:merged`.
  function MeetingLive(block) {
    var topic = block.getAttribute("data-live-topic");
    var url = block.getAttribute("data-live-fragment");
    var holder = block.closest("[data-live-etag]");
    var etag = holder ? holder.getAttribute("data-live-etag") : null;
    var busy = false;
    var again = false;

    function keys() {
      var found = {};
      block.querySelectorAll("[data-news-key]").forEach(function (el) { found[el.getAttribute("data-news-key")] = true; });
      return found;
    }

    var known = keys();

    function tellNews() {
      var news = Array.prototype.filter.call(block.querySelectorAll("[data-news-key]"), function (el) {
        return !known[el.getAttribute("data-news-key")];
      });
      known = keys();
      news.slice(0, MAX_NEWS).forEach(function (el) {
        announce(el.getAttribute("data-news-text"));
        if (el.tagName === "LI") { highlight(el); }
      });
    }

    function load() {
      if (busy) { again = true; return; }
      busy = true;
      var headers = { "HX-Request": "true" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status !== 200) { return null; }  // 304: as shown
          etag = response.headers.get("ETag") || null;
          return response.text();
        })
        .then(function (html) {
          if (html === null) { return; }
          var fresh = parseFragment(html).getElementById(block.id);
          if (!fresh) { return; }
          morph(block, fresh);
          tellNews();
          document.dispatchEvent(new CustomEvent("live:merged", { detail: { block: block } }));
        })
        .catch(function () { /* the next event, or a reload, brings it */ })
        .then(function () {
          busy = false;
          if (again) { again = false; load(); }
        });
    }

    this.changed = function (data) {
      if (data && "meeting:" + data.meeting_id === topic) { load(); }
    };

    // After a `reset`: fetched again; what changed meanwhile is news.
    this.adopt = function () { load(); };
  }

  // --- the connection --------------------------------------------------------------------------

  function Connection(options) {
    var lastId = options.cursor || "";
    var pollDelay = POLL_MS;
    var pollBase = POLL_MS;
    var pollTimer = null;
    var etag = null;
    var mode = "stream";  // or "poll", or "stopped" once the server refused
    var source = null;
    var hiddenTimer = null;

    function query(extra) {
      var parts = options.topics.map(function (topic) { return "topic=" + encodeURIComponent(topic); });
      Object.keys(extra).forEach(function (key) {
        if (extra[key]) { parts.push(key + "=" + encodeURIComponent(extra[key])); }
      });
      return parts.length ? "?" + parts.join("&") : "";
    }

    function isNewer(id) {
      return !lastId || !/^\d+$/.test(id) || !/^\d+$/.test(lastId) ||
        id.length > lastId.length || (id.length === lastId.length && id > lastId);
    }

    function deliver(name, data, id) {
      if (name === "reset") {  // the server could not replay everything since lastId
        if (id) { lastId = String(id); }
        options.onReset();
        return;
      }
      if (id) {
        if (!isNewer(String(id))) { return; }  // seen already (a poll after the stream)
        lastId = String(id);
      }
      if (options.handlers[name]) { options.handlers[name](data || {}); }
    }

    function parse(text) {
      try { return JSON.parse(text); } catch (_e) { return null; }
    }

    function stream() {
      mode = "stream";
      source = new EventSource(options.streamUrl + query({ last_event_id: lastId }));
      var failures = 0;
      source.addEventListener("open", function () { failures = 0; });
      ["ready", "reset", "idea", "notifications", "count", "live"].forEach(function (name) {
        source.addEventListener(name, function (event) {
          failures = 0;
          var data = parse(event.data);
          if (name === "ready") {
            if (event.lastEventId) { lastId = event.lastEventId; }
            return;
          }
          deliver(name, data, event.lastEventId);
        });
      });
      source.addEventListener("error", function () {
        failures += 1;
        // CLOSED: refused before streaming (an error status, 429); otherwise it keeps retrying
        if (source.readyState === EventSource.CLOSED || failures >= STREAM_FAILURES) {
          closeStream();
          poll();
        }
      });
    }

    function closeStream() {
      if (source) { source.close(); }
      source = null;
    }

    function schedule(delay, limit) {
      window.clearTimeout(pollTimer);
      pollDelay = Math.min(limit, Math.max(pollBase, delay));
      pollTimer = window.setTimeout(poll, pollDelay);
    }

    function quieter() { schedule(pollDelay * 1.25, pollBase * QUIET_SLOWDOWN); }

    function poll() {
      mode = "poll";
      pollTimer = null;
      if (document.hidden) { return; }  // resumed by visibilitychange
      var headers = { Accept: "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(options.pollUrl + query({ after: lastId }), { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 304) { quieter(); return; }
          if (response.status >= 400 && response.status < 500 && response.status !== 429) {
            mode = "stopped";  // refused (a topic one may not see): stop asking
            return;
          }
          if (!response.ok) { throw new Error(String(response.status)); }
          etag = response.headers.get("ETag");
          return response.json().then(function (body) {
            if (body.interval_ms) { pollBase = Math.max(POLL_MIN_MS, Number(body.interval_ms) || POLL_MS); }
            (body.events || []).forEach(function (e) { deliver(e.event, e.data, e.id); });
            if (body.reset) { options.onReset(); }
            if (body.last_id) { lastId = String(body.last_id); }
            if ((body.events || []).length) { schedule(pollBase, pollBase); } else { quieter(); }
          });
        })
        .catch(function () { schedule(pollDelay * 2, POLL_MAX_MS); });
    }

    // A hidden tab needs no news until it is seen again: polls stop at once, a stream after a
    // minute (browsers allow six HTTP/1.1 connections per site, and a dozen background tabs
    // holding streams would stall the pages' own requests). Both resume from the last id.
    document.addEventListener("visibilitychange", function () {
      if (mode === "poll") {
        window.clearTimeout(pollTimer);
        pollTimer = null;
        if (!document.hidden) {
          pollDelay = pollBase;
          poll();
        }
      } else if (mode === "stream") {
        window.clearTimeout(hiddenTimer);
        if (document.hidden) {
          hiddenTimer = window.setTimeout(closeStream, HIDDEN_STREAM_MS);
        } else if (!source) {
          stream();
        }
      }
    });

    this.start = function () {
      if (window.EventSource) {
        stream();
      } else {
        poll();
      }
    };
  }

  // --- wiring ----------------------------------------------------------------------------------

  function reloadState(counter, ideaLists, petitionCounts, meetings) {
    petitionCounts.forEach(function (block) { block.adopt(); });
    meetings.forEach(function (block) { block.adopt(); });
    if (!counter && !ideaLists.length) { return; }  // nothing else on the page to bring up to date
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = parseFragment(html);
        if (counter) { counter.adopt(doc.getElementById("notifications-link")); }
        ideaLists.forEach(function (list) { list.adopt(doc); });
      })
      .catch(function () { /* the next event, or a reload, brings it */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("live-status");
    var streamUrl = region && region.getAttribute("data-stream-url");
    var pollUrl = region && region.getAttribute("data-poll-url");
    var link = document.getElementById("notifications-link");
    var topicElements = Array.prototype.slice.call(document.querySelectorAll("[data-live-topic]"));
    if (!streamUrl || !pollUrl || (!link && !topicElements.length)) { return; }

    var counter = link && link.querySelector(".counter") ? new NotificationCounter(link) : null;
    var ideaLists = topicElements.filter(function (el) { return el.matches("ol.idea-list"); })
      .map(function (el) { return new IdeaList(el); });
    var petitionCounts = topicElements.filter(function (el) {
      return el.getAttribute("data-live-topic").indexOf("petition:") === 0 && el.getAttribute("data-live-fragment");
    }).map(function (el) { return new PetitionCount(el); });
    var meetings = topicElements.filter(function (el) {
      return el.getAttribute("data-live-topic").indexOf("meeting:") === 0 && el.getAttribute("data-live-fragment");
    }).map(function (el) { return new MeetingLive(el); });
    var topics = topicElements.map(function (el) { return el.getAttribute("data-live-topic"); })
      .filter(function (topic, i, all) { return all.indexOf(topic) === i; });

    new Connection({
      streamUrl: streamUrl,
      pollUrl: pollUrl,
      cursor: region.getAttribute("data-cursor") ||
        (document.querySelector("[data-live-cursor]") || region).getAttribute("data-live-cursor") || "",
      topics: topics,
      handlers: {
        notifications: function (data) { if (counter) { counter.update(data.unread); } },
        idea: function (data) { ideaLists.forEach(function (list) { list.changed(data); }); },
        count: function (data) { petitionCounts.forEach(function (block) { block.changed(data); }); },
        live: function (data) { meetings.forEach(function (block) { block.changed(data); }); }
      },
      onReset: function () { reloadState(counter, ideaLists, petitionCounts, meetings); }
    }).start();
  });
})();
