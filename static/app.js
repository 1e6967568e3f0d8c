// wabadesk's only hand-written script: progressive enhancements. Every page
// works without it. Loaded as a file so the Content-Security-Policy can
// forbid inline scripts.
(function () {
  "use strict";

  // "This page updates by itself" is only true with scripts: show it, also
  // in a region a live refresh swapped in.
  function showLiveNotes() {
    document.querySelectorAll("[data-live-note]").forEach(function (el) { el.hidden = false; });
  }
  showLiveNotes();
  document.addEventListener("htmx:afterSettle", showLiveNotes);

  // A success flash answers the moment of its action ("Number verified.
  // Sinch now activates the sender."); once a live refresh shows a newer
  // state it would be stale, so it goes.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-flash].flash-success").forEach(function (el) { el.remove(); });
  });

  // Error summary: list the problems in the order of the form, and take
  // the focus so the page says first what to fix.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    var list = summary.querySelector("ul");
    var items = Array.prototype.slice.call(list.children);
    var pos = function (li) {
      var f = document.getElementById("f-" + li.querySelector("a").getAttribute("data-field"));
      return f ? Array.prototype.indexOf.call(document.querySelectorAll("input,select,textarea"), f) : 1e9;
    };
    items.sort(function (a, b) { return pos(a) - pos(b); }).forEach(function (li) { list.appendChild(li); });
    summary.focus();
  }

  // Copy buttons: <button data-copy="text"> or data-copy-target="#id".
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy],[data-copy-target]");
    if (!btn) return;
    ev.preventDefault();
    var text = btn.getAttribute("data-copy");
    if (text === null) {
      var el = document.querySelector(btn.getAttribute("data-copy-target"));
      text = el ? (el.value || el.textContent) : "";
    }
    var done = function () {
      var old = btn.textContent;
      btn.textContent = "Copied";
      btn.classList.add("is-copied");
      setTimeout(function () { btn.textContent = old; btn.classList.remove("is-copied"); }, 1600);
    };
    // Fallback for plain http on a LAN address (not a secure context) or a
    // browser that refuses clipboard access: copy a selected textarea.
    var fallback = function () {
      var ta = document.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
      document.body.appendChild(ta); ta.select();
      try { document.execCommand("copy"); done(); } finally { document.body.removeChild(ta); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });

  // Confirmations: <form data-confirm="Remove Ana?">.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
})();
