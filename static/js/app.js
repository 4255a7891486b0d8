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
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // --- Never fail silently ------------------------------------------------------------
  // An htmx request that cannot be sent or gets a 4xx/5xx other than our 400 (which swaps
  // its own message) would otherwise change nothing on screen. Say what happened in the
  // form's live region, offer a retry, and keep focus on the button that was pressed.
  var MESSAGES = {
    network: "Your answer could not be sent: the server did not respond. Check your connection, then try again.",
    403: "Your session changed since this page was loaded (for example, you logged in or out in another tab), so the answer was refused. Try again sends it with your current session; reloading the page also works.",
    404: "This is no longer on the server. Reload the page to see the current version.",
    413: "That is too large to send. Make it shorter and try again.",
    429: "Too many tries in a short time. Wait a minute, then try again.",
    server: "The server had a problem and nothing was saved. Try again in a moment."
  };

  function messageFor(status) {
    if (!status) return MESSAGES.network;
    if (MESSAGES[status]) return MESSAGES[status];
    return status >= 500 ? MESSAGES.server : "The request was refused (error " + status + "). Reload the page, then try again.";
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Logging in elsewhere rotates the CSRF token: take the current one from the cookie.
  function refreshToken(form) {
    var token = cookie("csrftoken");
    if (!token) return;
    var inputs = document.querySelectorAll("input[name=csrfmiddlewaretoken]");
    for (var i = 0; i < inputs.length; i++) inputs[i].value = token;
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }

  function errorSlot(elt) {
    var form = elt.closest("form") || elt;
    var question = form.closest(".question, .lesson-done");
    var region = question && question.querySelector(".feedback-region");
    if (region) return region;
    var slot = form.nextElementSibling;
    if (!slot || !slot.hasAttribute("data-error-slot")) {
      slot = document.createElement("div");
      slot.setAttribute("data-error-slot", "");
      slot.setAttribute("aria-live", "polite");
      form.parentNode.insertBefore(slot, form.nextSibling);
    }
    return slot;
  }

  function showFailure(elt, status) {
    var form = elt.closest("form");
    var slot = errorSlot(elt);
    var box = document.createElement("div");
    box.className = "feedback error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-send-error", String(status || "network"));
    var text = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "Not sent. ";
    text.appendChild(strong);
    text.appendChild(document.createTextNode(messageFor(status)));
    box.appendChild(text);
    if (form) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "retry";
      retry.textContent = "Try again";
      retry.addEventListener("click", function () {
        refreshToken(form);
        box.remove();
        var submit = form.querySelector("button[type=submit]");
        if (form.requestSubmit) form.requestSubmit(submit || undefined); else htmx.trigger(form, "submit");
      });
      box.appendChild(retry);
    }
    slot.replaceChildren(box);
  }

  var pressed = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    pressed = active && active.matches && active.matches("button[type=submit]") ? active : null;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // hx-disabled-elt disables the button while sending, which drops focus to <body>.
    var button = pressed;
    pressed = null;
    if (button && button.isConnected && document.activeElement === document.body) {
      button.disabled = false;
      button.focus();
    }
  });
  function failed(event, status) {
    var elt = event.detail.elt;
    if (elt.closest("[hx-trigger^='every']") && !elt.closest("form")) announceStale(elt, status);
    else showFailure(elt, status);
  }
  document.addEventListener("htmx:sendError", function (event) { failed(event, 0); });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 400) return; // swapped: the server's own message about the answer
    failed(event, status);
  });

  // A polling region that fails keeps what it showed and says it is out of date.
  function announceStale(elt, status) {
    var region = elt.closest("[hx-trigger^='every']");
    var note = region.querySelector("[data-stale]");
    if (!note) {
      note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.setAttribute("data-stale", "");
      region.insertBefore(note, region.firstChild.nextSibling);
    }
    note.textContent = (status ? "Could not update (error " + status + ")" : "Could not reach the server") +
      ": what you see may be out of date. Trying again in a few seconds.";
  }
})();
