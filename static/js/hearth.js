// Hearth's own script: the quick exit, and showing what an htmx swap did. No inline
// scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  // The page hides at once and the neutral site replaces its history entry, so Back does
  // not return here. A click also opens the neutral site in a new tab, which has no Back
  // to press; a key cannot (browsers block a new tab opened from Esc, and may say so).
  // A pop-up of this site (the admin's) takes the windows that opened it along, a pop-up
  // opened from a pop-up all the way back to the first, and closes.
  function quickExit(event, newTab) {
    var link = document.getElementById("quick-exit");
    if (!link) return;
    event.preventDefault();
    var url = link.href;
    document.documentElement.style.visibility = "hidden";
    document.title = "";
    if (newTab) window.open(url, "_blank", "noopener");
    if (leaveOpeners(url)) {
      window.close();
      if (window.closed) return; // closing: a navigation now could keep it open
    }
    window.location.replace(url);
  }

  function leaveOpeners(url) {
    var left = false;
    for (var opener = window.opener; opener && !opener.closed; ) {
      var next;
      try {
        opener.document.documentElement.style.visibility = "hidden";
        next = opener.opener;
      } catch (error) {
        break; // another site's window: not ours to send away
      }
      opener.document.title = "";
      opener.location.replace(url);
      left = true;
      opener = next;
    }
    return left;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("quick-exit");
    if (button) {
      button.addEventListener("click", function (event) {
        quickExit(event, true);
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") quickExit(event, false);
  });

  // A button that takes away someone's place or pledge asks first (its data-confirm is
  // the question). With JavaScript off it submits at once, as the plain form it is.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // A copy button (data-copy: the id of the field to copy; data-copied: what to say once
  // done) is hidden in the page, as it does nothing without this script. It says it
  // copied in the status region beside it; where the clipboard is out of reach it
  // selects the text instead, for the person to copy themselves.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector('[role="status"]');
    function select() {
      field.focus();
      field.select();
    }
    if (!navigator.clipboard) return select();
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.dataset.copied;
    }, select);
  });

  // A box that goes with one radio button (data-selects: that button's id), as "Other
  // amount" does: typing in it chooses the button, and choosing another button of its
  // group empties it, so what is sent is what is shown. Without this script the server
  // asks when another button is chosen with the box filled in. This runs on "input",
  // which comes before the "change" that htmx listens for.
  document.addEventListener("input", function (event) {
    var field = event.target;
    var own = field.dataset && field.dataset.selects;
    if (own) {
      var radio = document.getElementById(own);
      if (radio) radio.checked = true;
      return;
    }
    if (field.type !== "radio" || !field.form) return;
    field.form.querySelectorAll("[data-selects]").forEach(function (box) {
      var radio = document.getElementById(box.dataset.selects);
      if (radio && radio !== field && radio.name === field.name) box.value = "";
    });
  });

  // After htmx replaces part of a page, show the person what came of it, where they
  // are looking and where a keyboard or screen reader is: the first field with an
  // error; else, when the focused control went with the old part, the message the
  // answer brought, in the new part itself (data-note) or at the top of the page, or
  // the new part itself (brought into view if it starts above), not a note swapped in
  // beside it (data-out-of-band: the messages, a count of filters).
  var added = [];

  function firstOf(parts, selector) {
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (part.matches && part.matches(selector)) return part;
      var inside = part.querySelector && part.querySelector(selector);
      if (inside) return inside;
    }
    return null;
  }

  function show(element, scroll) {
    var focusable = element.matches("input, select, textarea, button, a[href]");
    if (!focusable && !element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: !scroll });
  }

  document.addEventListener("htmx:beforeSwap", function () {
    added = [];
  });
  document.addEventListener("htmx:load", function (event) {
    added.push(event.detail.elt);
  });
  document.addEventListener("htmx:afterSettle", function () {
    var parts = added;
    added = [];
    var invalid = firstOf(parts, '[aria-invalid="true"]');
    if (invalid) return show(invalid, true);
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.isConnected) return;
    var note = firstOf(parts, "[data-note]");
    if (note) return show(note, true);
    var message = firstOf(parts, "#messages .message");
    if (message) return show(message.parentNode, true);
    var part = parts.filter(function (p) { return !p.hasAttribute("data-out-of-band"); })[0];
    if (!part || !part.isConnected) return;
    var above = part.getBoundingClientRect().top < 0;
    if (above) part.scrollIntoView({ block: "start" });
    show(part, false);
  });

  // A table wider than its box (.table-scroll) fades at each edge it can scroll on to,
  // so that a phone shows there is more of it, and says where.
  function fadeEdges(box) {
    var left = box.scrollLeft;
    box.classList.toggle("table-scroll--more-left", left > 1);
    box.classList.toggle("table-scroll--more-right", box.scrollWidth - box.clientWidth - left > 1);
  }

  function fadeAllEdges() {
    document.querySelectorAll(".table-scroll").forEach(fadeEdges);
  }

  document.addEventListener("DOMContentLoaded", fadeAllEdges);
  document.addEventListener("htmx:afterSettle", fadeAllEdges);
  window.addEventListener("resize", fadeAllEdges);
  document.addEventListener(
    "scroll",
    function (event) {
      if (event.target.classList && event.target.classList.contains("table-scroll")) {
        fadeEdges(event.target);
      }
    },
    true
  );
})();
