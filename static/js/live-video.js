// The council's video: a live stream or a recording in HLS (<video data-hls-src>) is played by
// the browser itself where it can (Safari), else through hls.js (static/vendor/hls.min.js,
// loaded only when a page needs it). Captions the stream carries are switched on in the page's
// language (or the stream's default). Nothing plays by itself: the stream loads when the person
// presses play. Jump marks (a[data-seek]) play the recording from their agenda item instead of
// opening the file. After a live update (`live:merged` from live.js) a player that left the
// page is stopped, and a new one is set up. Without this file (or without HLS support) the
// plain links to the stream and the recording remain.
(function () {
  "use strict";

  var players = [];  // { video, hls } of the players set up
  var hlsLoading = null;

  function note(video, selector) {
    var box = video.closest(".live-player, .live-recording");
    var found = box ? box.querySelector(selector) : null;
    if (found) { found.hidden = false; }
  }

  // The CSP of this page admits media from these origins only (the stream's, when the page
  // was made): a stream that moved elsewhere since then needs the page loaded again.
  function allowed(video, src) {
    var origin;
    try { origin = new URL(src, window.location.href).origin; } catch (_e) { return false; }
    if (origin === window.location.origin) { return true; }
    var holder = video.closest("[data-media-origins]");
    var origins = holder ? (holder.getAttribute("data-media-origins") || "").split(/\s+/) : [];
    return origins.indexOf(origin) !== -1;
  }

  function loadHls(video) {
    if (window.Hls) { return Promise.resolve(window.Hls); }
    if (!hlsLoading) {
      var holder = video.closest("[data-hls-script]");
      hlsLoading = new Promise(function (resolve, reject) {
        if (!holder) { reject(new Error("no hls.js")); return; }
        var script = document.createElement("script");
        script.src = holder.getAttribute("data-hls-script");
        script.addEventListener("load", function () { if (window.Hls) { resolve(window.Hls); } else { reject(new Error("no Hls")); } });
        script.addEventListener("error", function () { reject(new Error("hls.js did not load")); });
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function language() {
    return (document.documentElement.lang || "").toLowerCase().split("-")[0];
  }

  // The caption track to show: the page's language, else the stream's default, else the first.
  function pick(tracks) {
    var exact = -1;
    var preset = -1;
    tracks.forEach(function (track, index) {
      var lang = String(track.lang || track.language || "").toLowerCase().split("-")[0];
      if (exact < 0 && lang && lang === language()) { exact = index; }
      if (preset < 0 && track["default"]) { preset = index; }
    });
    if (exact >= 0) { return exact; }
    if (preset >= 0) { return preset; }
    return tracks.length ? 0 : -1;
  }

  function nativeCaptions(video) {
    var tracks = video.textTracks;
    if (!tracks || !tracks.addEventListener) { return; }
    tracks.addEventListener("addtrack", function () {
      var captions = Array.prototype.filter.call(tracks, function (track) {
        return track.kind === "subtitles" || track.kind === "captions";
      });
      var chosen = pick(captions);
      captions.forEach(function (track, index) { track.mode = index === chosen ? "showing" : "disabled"; });
    });
  }

  function withHls(video, src, Hls) {
    if (!Hls.isSupported()) { note(video, ".live-video-error"); return; }
    // no worker: it would start from a blob: URL, which the CSP does not admit
    var hls = new Hls({ enableWorker: false, autoStartLoad: false, capLevelToPlayerSize: true });
    var player = { video: video, hls: hls };
    players.push(player);
    var started = false;
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, function (_event, data) {
      var chosen = pick(data.subtitleTracks || []);
      if (chosen >= 0) {
        hls.subtitleTrack = chosen;
        hls.subtitleDisplay = true;
      }
    });
    hls.on(Hls.Events.ERROR, function (_event, data) {
      if (data && data.fatal) {
        note(video, ".live-video-error");
        hls.destroy();
        player.hls = null;
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    video.addEventListener("play", function () {
      if (!started && player.hls) {
        started = true;
        hls.startLoad(video.currentTime > 0 ? video.currentTime : -1);
      }
    });
  }

  function attach(video) {
    if (video.liveVideoAttached) { return; }
    video.liveVideoAttached = true;
    var src = video.getAttribute("data-hls-src");
    if (!src) { return; }  // a video file: the element plays it itself
    if (!allowed(video, src)) {
      video.hidden = true;
      note(video, ".live-video-reload");
      return;
    }
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      players.push({ video: video, hls: null });
      nativeCaptions(video);
      video.preload = "none";
      video.src = src;
      return;
    }
    loadHls(video)
      .then(function (Hls) { withHls(video, src, Hls); })
      .catch(function () { note(video, ".live-video-error"); });
  }

  // Players that a live update took off the page stop loading; new ones are set up.
  function sweep() {
    players = players.filter(function (player) {
      if (document.contains(player.video)) { return true; }
      if (player.hls) { player.hls.destroy(); }
      player.video.removeAttribute("src");
      player.video.load();
      return false;
    });
    document.querySelectorAll("video[data-hls-src]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", sweep);
  document.addEventListener("live:merged", sweep);

  // A jump mark plays the recording on the page from its agenda item.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-seek]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    var video = document.getElementById(link.getAttribute("data-video"));
    if (!video || video.hidden || video.error) { return; }  // the link itself opens the recording
    event.preventDefault();
    video.currentTime = Number(link.getAttribute("data-seek")) || 0;
    video.focus();
    var playing = video.play();
    if (playing && playing.catch) { playing.catch(function () { /* the person presses play */ }); }
  });
})();
