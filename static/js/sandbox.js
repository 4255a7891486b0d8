// The sandbox terminal, enhanced. Without this file every form still works (POST, redirect).
// Up/Down recall earlier commands; after a command the input is cleared and keeps focus;
// a refusal (429 too fast, 400 bad input) is shown in the block's alert region.
(function () {
  "use strict";
  var MAX_LINES = 200;

  function historyOf(input) {
    if (!input._history) {
      try { input._history = JSON.parse(input.getAttribute("data-history") || "[]"); }
      catch (e) { input._history = []; }
      input._cursor = input._history.length;
    }
    return input._history;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.closest("form[data-terminal]")) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    var history = historyOf(input);
    if (!history.length) return;
    event.preventDefault();
    if (input._cursor === history.length) input._draft = input.value;
    input._cursor += event.key === "ArrowUp" ? -1 : 1;
    input._cursor = Math.max(0, Math.min(history.length, input._cursor));
    input.value = input._cursor === history.length ? (input._draft || "") : history[input._cursor];
    input.setSelectionRange(input.value.length, input.value.length);
  });

  function trim(log) {
    var text = log.textContent || "";
    var lines = text.split("\n").length;
    while (lines > MAX_LINES && log.firstElementChild) {
      lines -= (log.firstElementChild.textContent || "").split("\n").length - 1;
      log.removeChild(log.firstElementChild);
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 429) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-terminal")) return;
    var input = form.querySelector("input[name=command]");
    if (!input) return;
    if (event.detail.successful) {
      var history = historyOf(input);
      if (input.value.trim()) history.push(input.value);
      input._cursor = history.length;
      input.value = "";
    }
    input.focus();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var log = event.detail.target;
    if (log instanceof HTMLElement && log.classList.contains("terminal-log")) {
      var hint = log.querySelector(".terminal-hint");
      if (hint && log.querySelector(".entry")) hint.remove();
      trim(log);
      log.scrollTop = log.scrollHeight;
    }
  });

  // Without a new swap the log opens at its latest lines too.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".terminal-log").forEach(function (log) { log.scrollTop = log.scrollHeight; });
  });
})();
