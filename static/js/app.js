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
    duplicate: "A step is chosen for two positions. Give each step its own position, then check again.",
    429: "Too many tries in a short time. Wait a minute, then try again.",
    server: "The server had a problem and nothing was saved. Try again in a moment."
  };

  function messageFor(status) {
    if (!status) return MESSAGES.network;
    if (status === "duplicate") return MESSAGES.duplicate;
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
    if (form && status !== "duplicate") {
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

  // --- Regions that refresh in place ----------------------------------------------------
  // A polled region marked data-morph (the instructor's dashboard) is updated node by node
  // instead of replaced, so the grid keeps its horizontal scroll, the focused link keeps
  // focus and nothing jumps. Same-shaped nodes are patched; others are replaced.
  function syncAttributes(from, to) {
    var i, name;
    for (i = from.attributes.length - 1; i >= 0; i--) {
      name = from.attributes[i].name;
      if (!to.hasAttribute(name)) from.removeAttribute(name);
    }
    for (i = 0; i < to.attributes.length; i++) {
      name = to.attributes[i].name;
      if (from.getAttribute(name) !== to.attributes[i].value) from.setAttribute(name, to.attributes[i].value);
    }
  }

  function morph(from, to) {
    if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
      from.replaceWith(to);
      return;
    }
    if (from.nodeType !== 1) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    syncAttributes(from, to);
    var old = Array.prototype.slice.call(from.childNodes);
    var fresh = Array.prototype.slice.call(to.childNodes);
    for (var i = 0; i < fresh.length; i++) {
      if (i < old.length) morph(old[i], fresh[i]); else from.appendChild(fresh[i]);
    }
    for (var j = fresh.length; j < old.length; j++) old[j].remove();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    // Only the region's own refresh: a sort link's swap also updates the URL, which htmx
    // does only when it swaps.
    if (!target || event.detail.elt !== target || !target.hasAttribute("data-morph")) return;
    if (event.detail.xhr.status !== 200) return;
    var template = document.createElement("template");
    template.innerHTML = event.detail.serverResponse;
    var incoming = template.content.getElementById(target.id);
    if (!incoming) return;
    event.detail.shouldSwap = false;
    // Rows may change places (a sort by accuracy): focus follows the link, not the slot.
    var focused = document.activeElement;
    var href = focused && target.contains(focused) ? focused.getAttribute("href") : null;
    morph(target, incoming);
    if (href) {
      var again = target.querySelector('a[href="' + CSS.escape(href) + '"]');
      if (again && again !== document.activeElement) again.focus({ preventScroll: true });
    }
    htmx.process(target);
    target.dispatchEvent(new CustomEvent("learn:morphed", { bubbles: true }));
  });

  // --- Ordering questions ------------------------------------------------------------------
  // The selects ("Position 1", ...) work without JavaScript; with it they become a list the
  // learner reorders with Move up / Move down (announced), or by dragging. The hidden selects
  // follow the list, so the form posts exactly what it would without this script.
  function orderSync(list, slots, status, moved) {
    var items = list.querySelectorAll(".order-item");
    var selects = slots.querySelectorAll("select");
    for (var i = 0; i < items.length; i++) selects[i].value = items[i].getAttribute("data-key");
    if (moved) {
      var at = Array.prototype.indexOf.call(items, moved) + 1;
      status.textContent = "“" + moved.querySelector(".step-text").textContent.trim() + "” is now at position " + at + " of " + items.length + ".";
    }
  }

  function enhanceOrder(slots) {
    if (slots.hasAttribute("data-enhanced")) return;
    var question = slots.closest("fieldset");
    var template = question.querySelector("template[data-order-template]");
    var status = question.querySelector("[data-order-status]");
    if (!template || !status) return;
    slots.setAttribute("data-enhanced", "");
    var list = document.createElement("ol");
    list.className = "order-list";
    list.setAttribute("aria-describedby", question.querySelector("[data-order-how]").id);
    list.appendChild(template.content.cloneNode(true));
    // Keep the learner's last answer, when it is a full one.
    var chosen = Array.prototype.map.call(slots.querySelectorAll("select"), function (s) { return s.value; });
    var byKey = {};
    Array.prototype.forEach.call(list.children, function (li) { byKey[li.getAttribute("data-key")] = li; });
    if (chosen.every(function (k) { return byKey[k]; }) && new Set(chosen).size === chosen.length) {
      chosen.forEach(function (k) { list.appendChild(byKey[k]); });
    }
    slots.hidden = true;
    slots.parentNode.insertBefore(list, slots);
    question.querySelector("[data-order-how]").textContent =
      "Put the steps in order: use Move up and Move down on each step, or drag it. Position 1 is the first step.";
    orderSync(list, slots, status, null);

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (!button) return;
      var item = button.closest(".order-item");
      var up = button.getAttribute("data-move") === "-1";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) {
        status.textContent = "“" + item.querySelector(".step-text").textContent.trim() + "” is already " + (up ? "first." : "last.");
        return;
      }
      list.insertBefore(item, up ? sibling : sibling.nextElementSibling);
      button.focus();
      item.classList.add("moved");
      setTimeout(function () { item.classList.remove("moved"); }, 600);
      orderSync(list, slots, status, item);
    });

    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".order-item");
      if (dragged) { dragged.classList.add("dragging"); event.dataTransfer.effectAllowed = "move"; }
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest(".order-item");
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      orderSync(list, slots, status, dragged);
      dragged = null;
    });
  }

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-order-slots]"), enhanceOrder);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });

  // Without the list (no template), a step used twice is caught before sending.
  document.addEventListener("submit", function (event) {
    var slots = event.target.querySelector("[data-order-slots]:not([data-enhanced])");
    if (!slots) return;
    var values = Array.prototype.map.call(slots.querySelectorAll("select"), function (s) { return s.value; });
    var used = values.filter(function (v) { return v; });
    if (new Set(used).size !== used.length) {
      event.preventDefault();
      event.stopImmediatePropagation();
      showFailure(slots, "duplicate");
    }
  }, true);

  // --- Lab editors: line numbers, "Reset to the starting file", links to a line ------------
  function enhanceEditor(area) {
    if (area.hasAttribute("data-enhanced")) return;
    area.setAttribute("data-enhanced", "");
    var wrap = document.createElement("div");
    wrap.className = "editor";
    var gutter = document.createElement("pre");
    gutter.className = "gutter";
    gutter.setAttribute("aria-hidden", "true");
    area.parentNode.insertBefore(wrap, area);
    wrap.appendChild(gutter);
    wrap.appendChild(area);
    function number() {
      var count = area.value.split("\n").length, text = "";
      for (var i = 1; i <= count; i++) text += i + "\n";
      gutter.textContent = text;
      gutter.scrollTop = area.scrollTop;
    }
    area.addEventListener("input", number);
    area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
    number();

    var starter = area.parentNode.parentNode.querySelector("template[data-starter]");
    if (!starter) return;
    var tools = document.createElement("div");
    tools.className = "editor-tools";
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "small";
    reset.textContent = "Reset to the starting file";
    var said = document.createElement("span");
    said.className = "meta";
    said.setAttribute("role", "status");
    reset.addEventListener("click", function () {
      area.focus();
      area.select();
      // insertText keeps the browser's undo history, so Ctrl+Z brings the work back.
      if (!document.execCommand || !document.execCommand("insertText", false, starter.content.textContent)) {
        area.value = starter.content.textContent;
      }
      area.setSelectionRange(0, 0);
      area.scrollTop = 0;
      number();
      reset.focus();
      said.textContent = "The editor holds the starting file again. Ctrl+Z in the editor undoes this.";
    });
    tools.appendChild(reset);
    tools.appendChild(said);
    wrap.parentNode.insertBefore(tools, wrap.nextSibling);
  }

  function goToLine(area, line) {
    var lines = area.value.split("\n");
    var n = Math.max(1, Math.min(line, lines.length));
    var start = 0;
    for (var i = 0; i < n - 1; i++) start += lines[i].length + 1;
    area.focus();
    area.setSelectionRange(start, start + lines[n - 1].length);
    var height = area.scrollHeight / lines.length;
    area.scrollTop = Math.max(0, (n - 3) * height);
    area.dispatchEvent(new Event("scroll"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-goto-line]");
    if (!link) return;
    var area = document.getElementById(link.getAttribute("href").slice(1));
    if (!area) return;
    event.preventDefault();
    goToLine(area, parseInt(link.getAttribute("data-goto-line"), 10));
  });

  function enhanceEditors(root) {
    Array.prototype.forEach.call(root.querySelectorAll("textarea.code-editor"), enhanceEditor);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceEditors(document); });
  document.addEventListener("htmx:load", function (event) { enhanceEditors(event.detail.elt); });
})();
