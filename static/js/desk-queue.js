/* The moderators' queue, one comment at a time (comments.desk_queue): keyboard shortcuts for
   the buttons and links the page already has (it works without this file), and what happened
   said in the page's live region for screen readers. */
(function () {
  "use strict";
  var queue = document.getElementById("desk-queue");
  var status = document.getElementById("desk-queue-status");
  if (!queue || !status) {
    return;
  }
  var busy = false;

  function say(text) {
    if (!text) {
      return;
    }
    // Emptied first, so the same words twice are still heard.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 100);
  }

  // What the last action did is in the region when the page arrives, and a region's first
  // content is not announced: say it again once the page is ready.
  var arrived = status.textContent.trim();
  if (arrived) {
    say(arrived);
  }

  function isTyping(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  function control(key) {
    var candidates = queue.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < candidates.length; i += 1) {
      if (candidates[i].dataset.shortcut.split(" ").indexOf(key) !== -1) {
        return candidates[i];
      }
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
      }
      return;
    }
    if (event.target.closest && event.target.closest("button, a, summary") &&
        (event.key === "Enter" || event.key === " ")) {
      return;
    }
    var found = control(event.key.toLowerCase());
    if (!found) {
      return;
    }
    event.preventDefault();
    if (found.dataset.focus) {
      var field = document.getElementById(found.dataset.focus);
      if (field) {
        field.focus();
      }
      say(found.dataset.say);
      return;
    }
    if (busy) {
      return;
    }
    busy = true;
    say(found.dataset.working);
    found.click();
  });
})();
