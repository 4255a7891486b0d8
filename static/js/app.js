// Progressive enhancement only: every control works without this file.
(function () {
  "use strict";
  // Code editors: Tab indents by two spaces. Escape first lets the next Tab leave the
  // editor, so the keyboard is never trapped (WCAG 2.1.2).
  var escaped = false;
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLTextAreaElement) || !el.hasAttribute("data-indent")) return;
    if (event.key === "Escape") { escaped = true; return; }
    if (event.key !== "Tab" || escaped || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) {
      escaped = false;
      return;
    }
    event.preventDefault();
    var start = el.selectionStart, end = el.selectionEnd;
    el.setRangeText("  ", start, end, "end");
  });
})();
