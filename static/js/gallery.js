// Galleries: each thumbnail links to the full image (what works without JavaScript); here a
// click or Enter opens it in a modal dialog instead, with the previous and next image on the
// arrow keys and buttons, Escape to close, and the focus back on the thumbnail afterwards.
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") return;

  function button(className, label, text) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.setAttribute("aria-label", label);
    element.textContent = text;
    return element;
  }

  document.querySelectorAll("figure.gallery").forEach(function (gallery) {
    const links = Array.from(gallery.querySelectorAll("a.gallery-link"));
    if (!links.length) return;
    const labels = gallery.dataset;
    const dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    const figure = document.createElement("figure");
    const image = document.createElement("img");
    const caption = document.createElement("figcaption");
    figure.append(image, caption);
    const close = button("lightbox-close", labels.close, "×");
    const previous = button("lightbox-previous", labels.previous, "‹");
    const next = button("lightbox-next", labels.next, "›");
    dialog.append(close, previous, figure, next);
    document.body.append(dialog);
    let current = 0;

    function show(index) {
      current = (index + links.length) % links.length;
      const link = links[current];
      const thumb = link.querySelector("img");
      // The renditions the thumbnail already lists, at the dialog's size; the original else.
      image.srcset = thumb ? thumb.srcset : "";
      image.sizes = "92vw";
      image.src = link.href;
      image.alt = thumb ? thumb.alt : "";
      image.width = Number(link.dataset.width) || 0;
      image.height = Number(link.dataset.height) || 0;
      const text = link.parentElement.querySelector("figcaption");
      caption.textContent = text ? text.textContent : "";
      caption.hidden = !text;
      dialog.setAttribute("aria-label", image.alt || labels.close);
      previous.hidden = next.hidden = links.length < 2;
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        show(index);
        dialog.showModal();
        close.focus();
      });
    });
    close.addEventListener("click", function () { dialog.close(); });
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(current - 1);
      else if (event.key === "ArrowRight") show(current + 1);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();  // a click on the backdrop
    });
    dialog.addEventListener("close", function () { links[current].focus(); });
  });
})();
