// konnectlite dashboard: the little JavaScript htmx does not cover. No build step.
(function () {
  "use strict";

  // The "live" badge follows the state of the page's WebSocket (htmx ws extension events).
  // The node table's polling fallback only polls while the socket is down (see node-rows).
  function setLive(state, text) {
    window.konnectliteLive = state === "open";
    document.querySelectorAll("[data-live-indicator]").forEach(function (el) {
      el.dataset.state = state;
      el.textContent = text;
    });
  }
  document.addEventListener("htmx:wsOpen", function () { setLive("open", "live"); });
  document.addEventListener("htmx:wsClose", function () { setLive("closed", "reconnecting…"); });
  document.addEventListener("htmx:wsError", function () { setLive("closed", "reconnecting…"); });

  // Polling fallbacks ([data-poll-while-offline]) skip their turn while the live socket is
  // open or the tab is hidden. Here and not in an hx-trigger filter: the CSP forbids eval.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    if (!source || !source.hasAttribute("data-poll-while-offline")) return;
    if (window.konnectliteLive || document.visibilityState !== "visible") event.preventDefault();
  });

  // Copy buttons: <code data-copy-source>…</code><button data-copy>Copy</button>
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = button.parentElement.querySelector("[data-copy-source]");
    if (!source) return;
    var text = source.textContent;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
      done();
    }
  });
})();

// A table wider than its card scrolls inside it; say so (see .scroll-hint in app.css), and
// stop saying it once the reader reached the last column.
(function () {
  function mark(box) {
    var scrollable = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-scrollable", scrollable);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
  }
  function markAll() { document.querySelectorAll("[data-scroll-hint]").forEach(mark); }
  document.addEventListener("DOMContentLoaded", markAll);
  window.addEventListener("resize", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
  document.addEventListener("htmx:oobAfterSwap", markAll);
  document.addEventListener("scroll", function (event) {
    if (event.target.matches && event.target.matches("[data-scroll-hint]")) { mark(event.target); }
  }, true);
})();
