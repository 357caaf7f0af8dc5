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
  // Side by side: hovering a shared passage lights up its counterpart in the other column.
  document.querySelectorAll(".side-by-side mark.shared").forEach(function (mark) {
    var n = mark.getAttribute("data-n");
    var twins = document.querySelectorAll('.side-by-side mark.shared[data-n="' + CSS.escape(n) + '"]');
    mark.addEventListener("mouseenter", function () { twins.forEach(function (t) { t.classList.add("hot"); }); });
    mark.addEventListener("mouseleave", function () { twins.forEach(function (t) { t.classList.remove("hot"); }); });
  });
});
