// Hearth's own script: the quick exit. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  function quickExit(event) {
    if (event) event.preventDefault();
    var url = document.body.dataset.quickExitUrl;
    // Hide the page at once, then replace this history entry so Back does not return here.
    document.documentElement.style.visibility = "hidden";
    document.title = "";
    window.location.replace(url);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("quick-exit");
    if (button) button.addEventListener("click", quickExit);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") quickExit(event);
  });
})();
