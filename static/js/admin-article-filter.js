// The comment list's article filter: choosing an article applies it (the button does without JS).
"use strict";
window.addEventListener("load", () => {
  for (const form of document.querySelectorAll("form.article-autocomplete-filter")) {
    const select = form.querySelector("select");
    if (select && window.django && window.django.jQuery) {
      window.django.jQuery(select).on("change", () => form.submit());
    }
  }
});
