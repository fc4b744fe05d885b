// Drag-and-drop and per-file progress for the library's upload form. Without this file the
// form posts all chosen files at once and shows the results on the next page.
(function () {
  "use strict";
  const form = document.querySelector(".media-upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector('input[type="file"]');
  const zone = form.querySelector(".media-dropzone");
  const list = form.querySelector(".media-progress");
  const token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  zone.hidden = false;

  function uploadOne(file) {
    const item = document.createElement("li");
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const label = document.createElement("span");
    label.textContent = file.name;
    item.append(bar, label);
    list.hidden = false;
    list.append(item);
    return new Promise(function (resolve) {
      const data = new FormData();
      data.append("files", file);
      ["credit", "source"].forEach(function (name) {
        const field = form.elements[name];
        if (field) data.append(name, field.value);
      });
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      });
      xhr.addEventListener("load", function () {
        let result = null;
        try {
          result = JSON.parse(xhr.responseText).results[0];
        } catch (error) {
          result = null;
        }
        bar.value = 100;
        if (result && result.ok) {
          const link = document.createElement("a");
          link.href = result.edit_url;
          link.textContent = file.name;
          label.replaceWith(link);
        } else {
          item.classList.add("error");
          label.textContent = file.name + ": " + (result ? result.errors.join(" ") : xhr.statusText);
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        item.classList.add("error");
        label.textContent = file.name + ": " + form.dataset.networkError;
        resolve();
      });
      xhr.send(data);
    });
  }

  async function uploadAll(files) {
    for (const file of files) await uploadOne(file);
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) return;
    event.preventDefault();
    uploadAll(Array.from(input.files)).then(function () { input.value = ""; });
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("is-over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    uploadAll(Array.from(event.dataTransfer.files));
  });
})();
