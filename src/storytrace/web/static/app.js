// storytrace web: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Sort and comparison pickers submit as soon as they change.
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) select.form.submit(); });
  });
  // "/" jumps to the search box.
  document.addEventListener("keydown", function (event) {
    var box = document.querySelector("header .search input");
    if (event.key === "/" && box && document.activeElement !== box &&
        !(document.activeElement instanceof HTMLInputElement)) {
      event.preventDefault();
      box.focus();
    }
  });
  // A story page asks now and then whether a watch added articles to it; the answer holds
  // only numbers and times, and the page is reloaded from the server, never patched here.
  var updates = document.getElementById("story-updates");
  if (updates && window.fetch) {
    var story = parseInt(updates.getAttribute("data-story"), 10);
    var seen = updates.getAttribute("data-updated") || "";
    var count = parseInt(updates.getAttribute("data-articles"), 10);
    var every = Math.max(1, parseInt(updates.getAttribute("data-every"), 10) || 30) * 1000;
    var follow = updates.getAttribute("data-follow") === "1";
    var check = function () {
      if (document.hidden) return;
      fetch("/stories/" + story + "/status.json", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s || (s.id === story && s.updated === seen && s.articles === count)) return;
          // Ingest times are whole seconds: what came after the update seen starts a second later.
          var after = Date.parse(seen);
          var since = isNaN(after) ? "" : new Date(after + 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
          var query = "?since=" + encodeURIComponent(since) + (follow ? "&follow=1" : "");
          var target = "/stories/" + encodeURIComponent(String(s.id)) + query + "#articles";
          if (follow) { window.location.assign(target); return; }
          updates.querySelector("a").setAttribute("href", target);
          updates.hidden = false;
        })
        .catch(function () { /* the server may be restarting: ask again next time */ });
    };
    window.setInterval(check, every);
  }
  // Side by side: hovering a shared passage lights up its counterpart in the other column.
  document.querySelectorAll(".side-by-side mark.shared").forEach(function (mark) {
    var n = mark.getAttribute("data-n");
    var twins = document.querySelectorAll('.side-by-side mark.shared[data-n="' + CSS.escape(n) + '"]');
    mark.addEventListener("mouseenter", function () { twins.forEach(function (t) { t.classList.add("hot"); }); });
    mark.addEventListener("mouseleave", function () { twins.forEach(function (t) { t.classList.remove("hot"); }); });
  });
});
