// Embedded players load only when the reader asks: the placeholder is a plain link to the
// provider (what a reader without JavaScript follows); a click swaps in the player's iframe.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.embed-placeholder");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = link.dataset.player;
    frame.title = link.dataset.title;
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    link.replaceWith(frame);
    frame.focus();
  });
})();
