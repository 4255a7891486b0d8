// Classroom pages: the live question's countdown and the projector's full-screen button.
// Both are enhancements: without JavaScript the page states when answers close and the
// browser's own full-screen key (F11) does the rest.
(function () {
  "use strict";

  // Each [data-seconds] element counts down from the seconds the server gave when it was
  // rendered, timed by this page's own clock (so a skewed device clock does not matter).
  // htmx swaps in fresh elements on every poll; each starts from its own value.
  function tick() {
    var now = performance.now();
    document.querySelectorAll("[data-seconds]").forEach(function (timer) {
      if (timer.startedAt === undefined) timer.startedAt = now;
      var left = Math.max(0, Math.ceil(Number(timer.dataset.seconds) - (now - timer.startedAt) / 1000));
      var clock = timer.querySelector("[data-countdown]");
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (clock && clock.textContent !== text) clock.textContent = text;
      timer.classList.toggle("is-ending", left <= 5);
    });
  }

  function fullscreen() {
    var button = document.querySelector("[data-fullscreen]");
    if (!button || !document.documentElement.requestFullscreen) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.querySelector(".projector-page").requestFullscreen();
      }
    });
    document.addEventListener("fullscreenchange", function () {
      button.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fullscreen();
    tick();
    window.setInterval(tick, 250);
  });
})();
